"""Who may see and change a period. The person: their own. Their tracker: the people assigned to them, never
themself. Home Affairs and the chair: every period of a cycle (read; Home Affairs records months not worked and
carried results). Anyone else: 404, so that a period's existence does not leak."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cycles.models import Cycle, Enrolment
from cycles.permissions import get_cycle_for_user
from officials.permissions import roles_of

from .models import PeriodRecord

if TYPE_CHECKING:
    from common.types import AnyUser

__all__ = [
    "get_enrolment_for_person",
    "get_enrolment_for_tracker",
    "get_cycle_for_tracking_board",
    "get_cycle_for_tracking_setup",
    "get_record_for_person",
    "get_record_for_tracker",
    "get_record_for_user",
    "is_tracker",
    "records_visible_to",
]


def records_visible_to(user: AnyUser) -> QuerySet[PeriodRecord]:
    if not user.is_authenticated:
        return PeriodRecord.objects.none()
    roles = roles_of(user)
    queryset = PeriodRecord.objects.select_related("enrolment__cycle", "enrolment__official", "period__cycle")
    if roles.sees_whole_cohort:
        return queryset
    return queryset.filter(
        Q(enrolment__official__user_id=user.pk) | Q(enrolment__tracker_assignment__tracker_id=user.pk)
    )


def get_record_for_user(user: AnyUser, pk: int) -> PeriodRecord:
    return get_object_or_404(records_visible_to(user), pk=pk)


def get_record_for_person(user: AnyUser, pk: int) -> PeriodRecord:
    """Only the person's own period; anyone else's is a 404."""
    if user.pk is None:
        raise Http404
    return get_object_or_404(records_visible_to(user).filter(enrolment__official__user_id=user.pk), pk=pk)


def get_record_for_tracker(user: AnyUser, pk: int) -> PeriodRecord:
    """Only a period of someone assigned to this tracker, never their own: anything else is a 404."""
    if user.pk is None:
        raise Http404
    return get_object_or_404(
        PeriodRecord.objects.select_related("enrolment__cycle", "enrolment__official", "period__cycle")
        .filter(enrolment__tracker_assignment__tracker_id=user.pk)
        .exclude(enrolment__official__user_id=user.pk),
        pk=pk,
    )


def is_tracker(user: AnyUser) -> bool:
    from .models import TrackerAssignment

    return user.is_authenticated and TrackerAssignment.objects.filter(tracker_id=user.pk).exists()


def get_enrolment_for_person(user: AnyUser, pk: int) -> Enrolment:
    """The person's own enrolment (their year of periods); anyone else's is a 404."""
    if user.pk is None:
        raise Http404
    return get_object_or_404(
        Enrolment.objects.select_related("cycle", "official").filter(official__user_id=user.pk), pk=pk
    )


def get_enrolment_for_tracker(user: AnyUser, pk: int) -> Enrolment:
    """An enrolment assigned to this tracker, never their own: anything else is a 404."""
    if user.pk is None:
        raise Http404
    return get_object_or_404(
        Enrolment.objects.select_related("cycle", "official")
        .filter(tracker_assignment__tracker_id=user.pk)
        .exclude(official__user_id=user.pk),
        pk=pk,
    )


def get_cycle_for_tracking_setup(user: AnyUser, pk: int) -> Cycle:
    """Home Affairs sets up a cycle's tracking; those who see the cycle get 403, everyone else 404."""
    cycle = get_cycle_for_user(user, pk)
    if not roles_of(user).is_home_affairs:
        raise PermissionDenied
    return cycle


def get_cycle_for_tracking_board(user: AnyUser, pk: int) -> Cycle:
    """The period board: Home Affairs, and the chair reading it; office staff see the cycle, not the board (403)."""
    cycle = get_cycle_for_user(user, pk)
    if not roles_of(user).sees_whole_cohort:
        raise PermissionDenied
    return cycle
