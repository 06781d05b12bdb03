"""Who works on the sync log: Home Affairs, who sends results to the national database (Decree 27/2026). Others get
403 (the chair and the office know the cycle exists; the log is not theirs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from cycles.models import Cycle
from officials.permissions import require_home_affairs

from .models import SyncEntry

if TYPE_CHECKING:
    from common.types import AnyUser


def get_cycle_for_sync(user: AnyUser, pk: int) -> Cycle:
    require_home_affairs(user)
    return get_object_or_404(Cycle.objects.select_related("authority"), pk=pk)


def get_entry_for_sync(user: AnyUser, pk: int) -> SyncEntry:
    require_home_affairs(user)
    return get_object_or_404(SyncEntry.objects.select_related("evaluation__enrolment", "cycle"), pk=pk)
