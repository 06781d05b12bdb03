"""Who may see and run the conference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from cycles.models import Cycle
from cycles.permissions import get_cycle_for_user
from officials.permissions import roles_of

if TYPE_CHECKING:
    from common.types import AnyUser


def get_cycle_for_conference(user: AnyUser, pk: int, *, write: bool = False) -> Cycle:
    """The conference: Home Affairs runs it as the secretary; the chair reads all of it and follows the screen.
    Office staff see the cycle but not the proposals discussed there (403); anyone else gets 404."""
    cycle = get_cycle_for_user(user, pk)
    roles = roles_of(user)
    if roles.is_home_affairs or (roles.is_chair and not write):
        return cycle
    raise PermissionDenied
