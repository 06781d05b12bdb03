"""Reads about cycles that encode rules; each is a fixed number of queries whatever the cohort size."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from reviews.models import EvaluationStatus

from .models import Cycle, CycleStatus, Enrolment, Phase, PhaseKind


def cycles_in_progress():
    return Cycle.objects.filter(status=CycleStatus.IN_PROGRESS).select_related("authority")


def phase_of(cycle: Cycle, kind: PhaseKind) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, kind=kind).first()


def time_left(deadline, now=None) -> str:
    """ "còn 8 ngày 3 giờ": Django's timeuntil falls back to English for Vietnamese in 5.2, so we say it ourselves."""
    remaining = deadline - (now or timezone.now())
    if remaining.total_seconds() <= 0:
        return gettext("đã hết hạn")
    days, hours, minutes = remaining.days, remaining.seconds // 3600, remaining.seconds % 3600 // 60
    if days:
        return gettext("còn %(days)d ngày %(hours)d giờ") % {"days": days, "hours": hours}
    return gettext("còn %(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": minutes}


def next_deadline(cycle: Cycle) -> Phase | None:
    return Phase.objects.filter(cycle=cycle, deadline__gte=timezone.now()).order_by("deadline").first()


@dataclass
class GroupProgress:
    peer_group_id: int
    name: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def cycle_progress(cycle: Cycle) -> tuple[dict[str, int], list[GroupProgress]]:
    """Counts of evaluations per status, for the whole cohort and per peer group: one query."""
    rows = (
        Enrolment.objects.filter(cycle=cycle)
        .values("peer_group_id", "peer_group__name", "peer_group__sort_order", "evaluation__status")
        .annotate(n=Count("pk"))
        .order_by("peer_group__sort_order", "peer_group__name")
    )
    totals = {status.value: 0 for status in EvaluationStatus}
    groups: dict[int, GroupProgress] = {}
    for row in rows:
        group = groups.setdefault(
            row["peer_group_id"], GroupProgress(row["peer_group_id"], row["peer_group__name"])
        )
        status = row["evaluation__status"]
        group.by_status[status] = group.by_status.get(status, 0) + row["n"]
        group.total += row["n"]
        totals[status] = totals.get(status, 0) + row["n"]
    return totals, list(groups.values())


def cohort(cycle: Cycle):
    return (
        Enrolment.objects.filter(cycle=cycle)
        .select_related("peer_group", "evaluation")
        .order_by("peer_group__sort_order", "agenda_order", "full_name")
    )
