"""Every write of the account's security pages (issue #18 item 8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.models import Session
from django.db import transaction

from audit.models import Action
from audit.services import audit_record

from .models import SessionRecord

if TYPE_CHECKING:
    from common.types import AnyUser


@transaction.atomic
def sessions_end_others(*, user: AnyUser, keep_session_key: str) -> int:
    """End every other session of this person (ASVS 5.0 7.4.5); returns how many were ended."""
    others = list(
        SessionRecord.objects.filter(user__pk=user.pk or 0)
        .exclude(session_key=keep_session_key)
        .values_list("session_key", flat=True)
    )
    ended, _detail = Session.objects.filter(session_key__in=others).delete()
    SessionRecord.objects.filter(session_key__in=others).delete()
    audit_record(action=Action.SESSIONS_ENDED, actor=user, target=user.get_username(), after={"ended": ended})
    return ended
