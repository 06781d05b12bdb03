"""Who may see which cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from officials.permissions import roles_of

from .models import Cycle

if TYPE_CHECKING:
    from common.types import AnyUser


def can_see_cycles(user: AnyUser) -> bool:
    roles = roles_of(user)
    return roles.sees_whole_cohort or roles.is_office_staff


def cycles_visible_to(user: AnyUser) -> QuerySet[Cycle]:
    if can_see_cycles(user):
        return Cycle.objects.all()
    return Cycle.objects.none()


def get_cycle_for_user(user: AnyUser, pk: int) -> Cycle:
    return get_object_or_404(cycles_visible_to(user).select_related("authority"), pk=pk)
