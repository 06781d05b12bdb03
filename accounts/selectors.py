from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from .models import SessionRecord

if TYPE_CHECKING:
    from common.types import AnyUser


def active_sessions(user: AnyUser) -> QuerySet[SessionRecord]:
    """The person's sessions that Django's session store still holds and has not expired, newest first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return SessionRecord.objects.filter(user__pk=user.pk or 0, session_key__in=live).order_by("-last_seen_at")
