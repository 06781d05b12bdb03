"""Who may see which cycle."""

from django.shortcuts import get_object_or_404

from officials.permissions import roles_of

from .models import Cycle


def can_see_cycles(user) -> bool:
    roles = roles_of(user)
    return roles.sees_whole_cohort or roles.is_office_staff


def cycles_visible_to(user):
    if can_see_cycles(user):
        return Cycle.objects.all()
    return Cycle.objects.none()


def get_cycle_for_user(user, pk: int) -> Cycle:
    return get_object_or_404(cycles_visible_to(user).select_related("authority"), pk=pk)
