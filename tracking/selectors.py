"""Reads of periodic tracking that encode rules: the year's score of a person or of a whole cohort (the input that
replaces the typed annual total in the points regimes), a person's year at a glance, a tracker's inbox, and Home
Affairs' period board. Each is a fixed number of queries whatever the cohort size or the number of periods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cycles.models import Cycle, CycleStatus, Enrolment
from cycles.rulebooks.tracking import AnnualScore, PeriodInput, annual_score
from cycles.selectors import cohort_order

from .models import CycleTracking, PeriodRecord, PeriodStatus, TrackerAssignment, TrackingPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = [
    "BoardCell",
    "BoardRow",
    "CellState",
    "PeriodCount",
    "TrackingBoard",
    "TrackingBoardRow",
    "PeriodCell",
    "YearView",
    "annual_score_of",
    "annual_scores",
    "cell_state",
    "enrolment_is_tracked",
    "enrolments_in_state",
    "period_board",
    "period_return_reason",
    "tracked_enrolments",
    "tracker_inbox",
    "tracking_board",
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


def annual_scores(cycle: Cycle, enrolment_ids: Iterable[int] | None = None) -> dict[int, AnnualScore] | None:
    """The year's score of every tracked person of the cycle (or only of `enrolment_ids`: one page of a table), by
    enrolment id; None when the cycle does not track periods. Three queries whatever the cohort size and the number
    of periods."""
    tracking = tracking_of(cycle)
    if tracking is None:
        return None
    rules = tracking.rules()
    periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    by_person: dict[int, dict[int, PeriodRecord]] = {}
    records = PeriodRecord.objects.filter(period__cycle=cycle)
    enrolments = Enrolment.objects.filter(cycle=cycle).only("pk", "rulebook_code")
    if enrolment_ids is not None:
        wanted = list(enrolment_ids)
        records = records.filter(enrolment_id__in=wanted)
        enrolments = enrolments.filter(pk__in=wanted)
    for record in records.only("enrolment_id", "period_id", "status", "months_worked", "confirmed_score"):
        by_person.setdefault(record.enrolment_id, {})[record.period_id] = record
    now = timezone.now()
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


# --- Home Affairs' period board: the cohort × the periods, filtered in SQL, counted per period ---


class CellState(models.TextChoices):
    NOT_SENT = "not_sent", _("Chưa gửi")
    SUBMITTED = "submitted", _("Đã gửi, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    NOT_WORKED = "not_worked", _("Không làm việc")
    LATE = "late", _("Quá hạn")


def cell_state(period: TrackingPeriod, record: PeriodRecord | None, now: datetime) -> CellState:
    """A period of one person as the board shows it: late is past the deadline and not confirmed (whether the
    person sent it or not); a period with no month worked is not counted by the year at all."""
    if record is not None and record.months_worked == 0:
        return CellState.NOT_WORKED
    if record is not None and record.status == PeriodStatus.CONFIRMED:
        return CellState.CONFIRMED
    if period.deadline <= now:
        return CellState.LATE
    if record is not None and record.status == PeriodStatus.SUBMITTED:
        return CellState.SUBMITTED
    return CellState.NOT_SENT


def tracked_enrolments(cycle: Cycle) -> QuerySet[Enrolment]:
    """The people of the cycle whose rulebook tracks periods (a public employee rated under Decree 90 for 2026 is
    not), in the cohort's order."""
    from cycles.rulebooks import RULEBOOKS

    codes = [code for code, rulebook in RULEBOOKS.items() if getattr(rulebook, "tracks_periods", False)]
    return Enrolment.objects.filter(cycle=cycle, rulebook_code__in=codes).order_by(*cohort_order())


def enrolments_in_state(
    enrolments: QuerySet[Enrolment], periods: Iterable[TrackingPeriod], state: str, now: datetime
) -> QuerySet[Enrolment]:
    """The people whose cell is in `state` in any of `periods`: one SQL condition (cell_state's rules, in SQL)."""
    condition = Q(pk__in=[])
    for period in periods:
        of_period = PeriodRecord.objects.filter(period=period)
        not_worked = of_period.filter(months_worked=0).values("enrolment_id")
        confirmed = (
            of_period.filter(status=PeriodStatus.CONFIRMED).exclude(months_worked=0).values("enrolment_id")
        )
        past = period.deadline <= now
        if state == CellState.NOT_WORKED:
            condition |= Q(pk__in=not_worked)
        elif state == CellState.CONFIRMED:
            condition |= Q(pk__in=confirmed)
        elif state == CellState.LATE and past:
            condition |= ~Q(pk__in=not_worked) & ~Q(pk__in=confirmed)
        elif state == CellState.SUBMITTED and not past:
            condition |= Q(
                pk__in=of_period.filter(status=PeriodStatus.SUBMITTED)
                .exclude(months_worked=0)
                .values("enrolment_id")
            )
        elif state == CellState.NOT_SENT and not past:
            sent_or_out = of_period.filter(
                Q(status__in=(PeriodStatus.SUBMITTED, PeriodStatus.CONFIRMED)) | Q(months_worked=0)
            ).values("enrolment_id")
            condition |= ~Q(pk__in=sent_or_out)
    return enrolments.filter(condition)


@dataclass
class BoardCell:
    period: TrackingPeriod
    record: PeriodRecord | None
    state: CellState


@dataclass
class TrackingBoardRow:
    enrolment: Enrolment
    cells: list[BoardCell]
    annual: AnnualScore
    assignment: TrackerAssignment | None


@dataclass
class PeriodCount:
    period: TrackingPeriod
    counts: dict[str, int]
    total: int


@dataclass
class TrackingBoard:
    tracking: CycleTracking
    periods: list[TrackingPeriod]
    rows: list[TrackingBoardRow]
    counts: list[PeriodCount]
    population: int

    @property
    def count_rows(self) -> list[tuple[str, str, list[int]]]:
        """One line per state with its count in each period: each period's column adds up to the population."""
        return [
            (state.value, str(state.label), [count.counts[state.value] for count in self.counts])
            for state in CellState
        ]


def period_counts(
    population: QuerySet[Enrolment], periods: list[TrackingPeriod], now: datetime
) -> list[PeriodCount]:
    """Each period's cells counted per state over the whole `population`, in SQL (cell_state's rules): one
    aggregate query and one count, whatever the cohort size (issue #15). Each column adds up to the population."""
    total = population.count()
    not_worked = Q(months_worked=0)
    tallies = {
        row["period_id"]: row
        for row in PeriodRecord.objects.filter(period__in=periods, enrolment__in=population)
        .values("period_id")
        .annotate(
            not_worked=models.Count("pk", filter=not_worked),
            confirmed=models.Count("pk", filter=Q(status=PeriodStatus.CONFIRMED) & ~not_worked),
            submitted=models.Count("pk", filter=Q(status=PeriodStatus.SUBMITTED) & ~not_worked),
        )
        .order_by()
    }
    counts = []
    for period in periods:
        tally = tallies.get(period.pk, {"not_worked": 0, "confirmed": 0, "submitted": 0})
        by_state = dict.fromkeys(CellState.values, 0)
        by_state[CellState.NOT_WORKED] = tally["not_worked"]
        by_state[CellState.CONFIRMED] = tally["confirmed"]
        rest = total - tally["not_worked"] - tally["confirmed"]
        if period.deadline <= now:
            by_state[CellState.LATE] = rest
        else:
            by_state[CellState.SUBMITTED] = tally["submitted"]
            by_state[CellState.NOT_SENT] = rest - tally["submitted"]
        counts.append(PeriodCount(period, by_state, total))
    return counts


def tracking_board(
    tracking: CycleTracking,
    population: QuerySet[Enrolment],
    people: Iterable[Enrolment],
    periods: list[TrackingPeriod] | None = None,
) -> TrackingBoard:
    """The board: every person of `population` (the cohort narrowed by peer group and agency) counted per period
    in SQL, so that each period's counts add up to it; the rows are `people` (one page of the population, narrowed
    further by state). Each row carries the year's score with its working and who tracks the person. A fixed
    number of queries, and work only for the page's rows, whatever the cohort size and the number of periods."""
    cycle = tracking.cycle
    now = timezone.now()
    all_periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
    columns = periods if periods is not None else all_periods
    shown = list(people)
    records: dict[int, dict[int, PeriodRecord]] = {}
    for record in PeriodRecord.objects.filter(
        period__cycle=cycle, enrolment_id__in=[enrolment.pk for enrolment in shown]
    ).only(
        "enrolment_id",
        "period_id",
        "status",
        "months_worked",
        "self_score",
        "confirmed_score",
        "carried_from",
    ):
        records.setdefault(record.enrolment_id, {})[record.period_id] = record
    rules = tracking.rules()
    rows = []
    for enrolment in shown:
        mine = records.get(enrolment.pk, {})
        cells = [
            BoardCell(period, mine.get(period.pk), cell_state(period, mine.get(period.pk), now))
            for period in columns
        ]
        rows.append(
            TrackingBoardRow(
                enrolment=enrolment,
                cells=cells,
                annual=annual_score(_inputs(all_periods, mine, now), rules),
                assignment=getattr(enrolment, "tracker_assignment", None),
            )
        )
    counts = period_counts(population, columns, now)
    return TrackingBoard(
        tracking=tracking,
        periods=columns,
        rows=rows,
        counts=counts,
        population=counts[0].total if counts else population.count(),
    )
