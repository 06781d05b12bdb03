"""Reads of periodic tracking that encode rules: the year's score of a person or of a whole cohort (the input that
replaces the typed annual total in the points regimes), a person's year at a glance, a tracker's inbox, and Home
Affairs' period board. Each is a fixed number of queries whatever the cohort size or the number of periods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from cycles.models import Cycle, CycleStatus, Enrolment
from cycles.rulebooks.tracking import AnnualScore, PeriodInput, annual_score
from cycles.selectors import cohort_order

from .models import CycleTracking, PeriodRecord, PeriodStatus, TrackerAssignment, TrackingPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = [
    "BoardRow",
    "PeriodCell",
    "YearView",
    "annual_score_of",
    "annual_scores",
    "enrolment_is_tracked",
    "period_board",
    "period_return_reason",
    "tracker_inbox",
    "tracking_of",
    "year_of",
]


def tracking_of(cycle: Cycle) -> CycleTracking | None:
    return CycleTracking.objects.filter(cycle=cycle).select_related("cycle").first()


def enrolment_is_tracked(enrolment: Enrolment, tracking: CycleTracking | None) -> bool:
    """Tracked when the cycle tracks periods and the person's rulebook is a points rulebook that does (a public
    employee rated under Decree 90 for 2026, Decree 233 Art. 20(1), is not)."""
    return tracking is not None and getattr(enrolment.rulebook, "tracks_periods", False)


def _inputs(
    periods: Iterable[TrackingPeriod], records: dict[int, PeriodRecord], now: datetime
) -> list[PeriodInput]:
    inputs = []
    for period in periods:
        record = records.get(period.pk)
        confirmed = record is not None and record.status == PeriodStatus.CONFIRMED
        inputs.append(
            PeriodInput(
                label=period.label,
                months_in_period=period.months,
                months_worked=record.months_worked if record is not None else period.months,
                score=record.confirmed_score if confirmed and record is not None else None,
                due=period.deadline <= now,
            )
        )
    return inputs


def annual_scores(cycle: Cycle) -> dict[int, AnnualScore] | None:
    """The year's score of every tracked person of the cycle, by enrolment id; None when the cycle does not track
    periods. Three queries whatever the cohort size and the number of periods."""
    tracking = tracking_of(cycle)
    if tracking is None:
        return None
    rules = tracking.rules()
    periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    by_person: dict[int, dict[int, PeriodRecord]] = {}
    for record in PeriodRecord.objects.filter(period__cycle=cycle).only(
        "enrolment_id", "period_id", "status", "months_worked", "confirmed_score"
    ):
        by_person.setdefault(record.enrolment_id, {})[record.period_id] = record
    now = timezone.now()
    enrolments = Enrolment.objects.filter(cycle=cycle).only("pk", "rulebook_code")
    return {
        enrolment.pk: annual_score(_inputs(periods, by_person.get(enrolment.pk, {}), now), rules)
        for enrolment in enrolments
        if enrolment_is_tracked(enrolment, tracking)
    }


def annual_score_of(enrolment: Enrolment) -> AnnualScore | None:
    """One person's year from their periods; None when they are not tracked."""
    tracking = tracking_of(enrolment.cycle)
    if not enrolment_is_tracked(enrolment, tracking):
        return None
    assert tracking is not None
    periods = TrackingPeriod.objects.filter(cycle_id=enrolment.cycle_id).order_by("number")
    records = {record.period_id: record for record in PeriodRecord.objects.filter(enrolment=enrolment)}
    return annual_score(_inputs(periods, records, timezone.now()), tracking.rules())


@dataclass
class PeriodCell:
    period: TrackingPeriod
    record: PeriodRecord | None

    @property
    def status(self) -> str:
        if self.record is None:
            return PeriodStatus.DRAFT
        return self.record.status

    @property
    def not_worked(self) -> bool:
        return self.record is not None and self.record.months_worked == 0

    @property
    def is_open(self) -> bool:
        return self.period.closed_at is None and self.period.deadline > timezone.now()


@dataclass
class YearView:
    enrolment: Enrolment
    tracking: CycleTracking
    cells: list[PeriodCell]
    annual: AnnualScore
    assignment: TrackerAssignment | None

    @property
    def open_cell(self) -> PeriodCell | None:
        """The period the person should be working on: the earliest open one not yet sent."""
        for cell in self.cells:
            if cell.is_open and cell.status == PeriodStatus.DRAFT and not cell.not_worked:
                return cell
        return None

    @property
    def chart_points(self) -> list[tuple[str, Decimal | None, Decimal | None]]:
        return [
            (
                cell.period.short_label,
                cell.record.self_score if cell.record else None,
                cell.record.confirmed_score if cell.record else None,
            )
            for cell in self.cells
        ]


def year_of(enrolment: Enrolment) -> YearView | None:
    """A person's year at a glance: every period with its state, self-score and confirmed score, and the year's
    score with its working. Four queries."""
    tracking = tracking_of(enrolment.cycle)
    if tracking is None or not enrolment_is_tracked(enrolment, tracking):
        return None
    periods = list(TrackingPeriod.objects.filter(cycle_id=enrolment.cycle_id).order_by("number"))
    records = {
        record.period_id: record
        for record in PeriodRecord.objects.filter(enrolment=enrolment).prefetch_related("confirmations")
    }
    cells = [PeriodCell(period, records.get(period.pk)) for period in periods]
    assignment = TrackerAssignment.objects.filter(enrolment=enrolment).first()
    return YearView(
        enrolment=enrolment,
        tracking=tracking,
        cells=cells,
        annual=annual_score(_inputs(periods, records, timezone.now()), tracking.rules()),
        assignment=assignment,
    )


def tracker_inbox(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PeriodRecord]:
    """The periods waiting for this tracker's confirmation: sent by the people assigned to them, or never sent but
    past their deadline (the tracker scores them anyway). Oldest deadline first."""
    now = timezone.now()
    return (
        PeriodRecord.objects.filter(enrolment__tracker_assignment__tracker_id=user.pk)
        .exclude(status=PeriodStatus.CONFIRMED)
        .exclude(months_worked=0)
        .filter(period__cycle__status__in=(CycleStatus.SETUP, CycleStatus.IN_PROGRESS))
        .filter(Q(status=PeriodStatus.SUBMITTED) | Q(period__deadline__lte=now))
        .select_related("enrolment", "period")
        .order_by("period__deadline", "enrolment__full_name")
    )


@dataclass
class BoardRow:
    enrolment: Enrolment
    cells: list[PeriodCell] = field(default_factory=list)
    tracker_name: str = ""


def period_board(
    cycle: Cycle, enrolments: QuerySet[Enrolment] | None = None
) -> tuple[list[TrackingPeriod], list[BoardRow], dict[str, dict[int, int]]]:
    """Home Affairs' board: every person's periods, and per period how many are not sent, waiting, confirmed, not
    worked. Four queries whatever the cohort size."""
    periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    people = (enrolments if enrolments is not None else Enrolment.objects.filter(cycle=cycle)).order_by(
        *cohort_order()
    )
    people = people.select_related("tracker_assignment")
    records: dict[tuple[int, int], PeriodRecord] = {
        (record.enrolment_id, record.period_id): record
        for record in PeriodRecord.objects.filter(period__cycle=cycle).only(
            "enrolment_id", "period_id", "status", "months_worked", "self_score", "confirmed_score", "version"
        )
    }
    counts: dict[str, dict[int, int]] = {
        key: {p.pk: 0 for p in periods} for key in ("draft", "submitted", "confirmed", "not_worked")
    }
    rows = []
    for enrolment in people:
        assignment = getattr(enrolment, "tracker_assignment", None)
        row = BoardRow(enrolment, tracker_name=assignment.tracker_name if assignment else "")
        for period in periods:
            cell = PeriodCell(period, records.get((enrolment.pk, period.pk)))
            row.cells.append(cell)
            key = "not_worked" if cell.not_worked else cell.status
            counts[key][period.pk] += 1
        rows.append(row)
    return periods, rows, counts


def period_return_reason(record: PeriodRecord) -> str:
    """Why the tracker sent this period back, while it is back with the person: the note of the latest return, if
    nothing was sent again since. The reason lives in the audit trail, where period_return writes it."""
    from audit.models import Action, AuditEvent

    if record.status != PeriodStatus.DRAFT:
        return ""
    latest = (
        AuditEvent.objects.filter(
            cycle_id=record.period.cycle_id,
            target=f"{record.enrolment.full_name} – {record.period.label}",
            action__in=(Action.PERIOD_RETURNED, Action.PERIOD_SUBMITTED),
        )
        .order_by("-at", "-pk")
        .only("action", "note")
        .first()
    )
    return latest.note if latest is not None and latest.action == Action.PERIOD_RETURNED else ""
