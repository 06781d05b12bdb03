"""Closing the cycle (domain.md §3.10): Home Affairs archives it once nothing is unfinished."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import ActingAs, Action
from audit.services import audit_record
from cycles.models import Cycle, CycleStatus, Phase
from officials.permissions import roles_of

from ..errors import ReviewError
from ..selectors import cycle_close_blockers

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "CycleCloseRefused",
    "cycle_close",
]


class CycleCloseRefused(ReviewError):
    def __init__(self, blockers: list[str]) -> None:
        super().__init__(_("Chưa thể kết thúc kỳ đánh giá: ") + " ".join(blockers))
        self.blockers = blockers


def cycle_close(*, cycle: Cycle, by: User) -> Cycle:
    """Home Affairs closes and archives the cycle once nothing is unfinished; everything is read-only afterwards.
    Home Affairs, not the chair: it runs the cycle from set-up to archive (domain.md §2), the chair decided and
    signed. The cycle row is locked, so no objection or new decision slips in between the check and the close."""
    if not roles_of(by).is_home_affairs:
        raise PermissionDenied
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        blockers = cycle_close_blockers(locked)
        if blockers:
            raise CycleCloseRefused(blockers)
        phases_closed = Phase.objects.filter(cycle=locked, is_open=True).update(is_open=False)
        Cycle.objects.filter(pk=locked.pk).update(status=CycleStatus.CLOSED)
        audit_record(
            action=Action.CYCLE_CLOSED,
            actor=by,
            acting_as=ActingAs.HOME_AFFAIRS,
            cycle=locked,
            target=str(locked),
            before={"status": locked.status},
            after={"status": CycleStatus.CLOSED, "phases_closed": phases_closed},
        )
    cycle.refresh_from_db()
    return cycle
