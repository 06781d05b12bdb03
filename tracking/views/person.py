"""The person's side of periodic tracking: the year at a glance (every period, the year's score with its working, a
trend chart), the open period's form with autosave, submit and withdraw. Only their own: everything is fetched
through tracking.permissions, anyone else's period is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle, Enrolment
from cycles.rulebooks import Level
from cycles.rulebooks.tracking import (
    GENERAL_MAX,
    TASKS_MAX,
    PeriodScore,
    ScoreError,
    ScoreRounding,
    period_lines,
    period_score,
)
from cycles.selectors import time_left

from .. import services
from ..errors import StalePeriodError, TrackingError
from ..forms import PeriodSelfForm, PeriodVersionForm, task_formset, task_lines
from ..models import PeriodRecord, PeriodStatus, TrackerAssignment, TrackingPeriod
from ..permissions import get_enrolment_for_person, get_record_for_person
from ..selectors import enrolment_is_tracked, period_return_reason, tracking_of, year_of

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


# --- The trend chart: drawn on the server as SVG, so it needs no script and no inline style (strict CSP) ---

CHART_WIDTH = 320
CHART_HEIGHT = 150
CHART_LEFT = 30
CHART_RIGHT = 10
CHART_TOP = 10
CHART_BOTTOM = 24


@dataclass(frozen=True)
class ChartPoint:
    x: int
    y: int
    label: str
    value: Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    labels: list[tuple[int, str]]
    gridlines: list[tuple[int, str]]
    self_points: list[ChartPoint]
    confirmed_points: list[ChartPoint]
    baseline: int
    left: int
    right: int

    @property
    def self_line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.self_points)

    @property
    def confirmed_line(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.confirmed_points)


def _y(score: Decimal) -> int:
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    return CHART_TOP + round(plot * (100 - float(score)) / 100)


def trend_chart(points: list[tuple[str, Decimal | None, Decimal | None]], cycle: Cycle) -> Chart:
    """Self-scores and confirmed scores period by period, on a 0–100 scale with the cycle's band thresholds as
    gridlines (the bands are the cycle's data, never a number written here)."""
    count = max(len(points), 1)
    span = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    step = span / (count - 1) if count > 1 else 0

    def x(index: int) -> int:
        return CHART_LEFT + round(step * index) if count > 1 else CHART_LEFT + span // 2

    self_points = [
        ChartPoint(x(i), _y(own), label, own)
        for i, (label, own, _conf) in enumerate(points)
        if own is not None
    ]
    confirmed_points = [
        ChartPoint(x(i), _y(conf), label, conf)
        for i, (label, _own, conf) in enumerate(points)
        if conf is not None
    ]
    gridlines = [(_y(band.min_score), f"{band.min_score.normalize():f}") for band in cycle.bands]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        labels=[(x(i), label) for i, (label, _own, _conf) in enumerate(points)],
        gridlines=gridlines,
        self_points=self_points,
        confirmed_points=confirmed_points,
        baseline=_y(Decimal(0)),
        left=CHART_LEFT,
        right=CHART_WIDTH - CHART_RIGHT,
    )


def level_for(score: Decimal | None, cycle: Cycle) -> str:
    """The band the year's score falls in so far (the cycle's bands), for orientation only: the rating itself is
    decided with the caps and the quota."""
    if score is None:
        return ""
    for band in cycle.bands:
        if score >= band.min_score:
            return str(band.level.label)
    return str(Level.KHTNV.label)


@dataclass(frozen=True)
class YearRow:
    period: TrackingPeriod
    record: PeriodRecord | None
    status: str
    status_label: str
    deadline: datetime
    time_left: str
    is_open: bool


def _status_label(record: PeriodRecord | None, not_worked: bool) -> tuple[str, str]:
    if not_worked:
        return "not_worked", _("Không làm việc")
    if record is None or record.status == PeriodStatus.DRAFT:
        return PeriodStatus.DRAFT.value, _("Đang nhập")
    if record.status == PeriodStatus.SUBMITTED:
        return PeriodStatus.SUBMITTED.value, _("Đã gửi")
    return PeriodStatus.CONFIRMED.value, _("Đã xác nhận")


# --- Views ---


@require_GET
def person_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "My tracking": the newest cycle in which the logged-in official's periods are tracked."""
    enrolments = (
        Enrolment.objects.filter(official__user_id=request.user.pk, cycle__tracking__isnull=False)
        .select_related("cycle")
        .order_by("-cycle__year", "-pk")
    )
    for enrolment in enrolments:
        if enrolment_is_tracked(enrolment, tracking_of(enrolment.cycle)):
            return redirect("tracking:person_year", enrolment_pk=enrolment.pk)
    return render(request, "tracking/person_none.html")


@require_GET
def person_year(request: AuthenticatedHttpRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_person(request.user, enrolment_pk)
    year = year_of(enrolment)
    if year is None:
        return render(request, "tracking/person_none.html", {"enrolment": enrolment})
    now = timezone.now()
    today = timezone.localdate(now)
    rows = []
    for cell in year.cells:
        status, label = _status_label(cell.record, cell.not_worked)
        rows.append(
            YearRow(
                period=cell.period,
                record=cell.record,
                status=status,
                status_label=label,
                deadline=cell.period.deadline,
                time_left=time_left(cell.period.deadline, now),
                # A period not begun yet is not for filling in: it is shown, not offered.
                is_open=services.period_is_open(cell.period, now) and cell.period.starts_on <= today,
            )
        )
    chart_points = year.chart_points
    context = {
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "year": year,
        "rows": rows,
        "open_cell": year.open_cell,
        "annual": year.annual,
        "annual_level": level_for(year.annual.score, enrolment.cycle),
        "chart": trend_chart(chart_points, enrolment.cycle),
        "chart_rows": chart_points,
        "assignment": year.assignment,
    }
    return render(request, "tracking/person_year.html", context)


@require_GET
def person_period_open(request: AuthenticatedHttpRequest, enrolment_pk: int, period_pk: int) -> HttpResponse:
    """Open a period's form from the year page. The person's record of the period is created empty the first time
    (period_record_get): an empty draft that counts as "not sent" everywhere, so opening changes no state."""
    enrolment = get_enrolment_for_person(request.user, enrolment_pk)
    period = get_object_or_404(TrackingPeriod, pk=period_pk, cycle_id=enrolment.cycle_id)
    if not enrolment_is_tracked(enrolment, tracking_of(enrolment.cycle)):
        return redirect("tracking:person_year", enrolment_pk=enrolment.pk)
    record = services.period_record_get(enrolment=enrolment, period=period)
    return redirect("tracking:person_period", pk=record.pk)


def saved_score(record: PeriodRecord, values: dict[str, str]) -> PeriodScore | None:
    tracking = tracking_of(record.period.cycle)
    if tracking is None:
        return None
    try:
        decimals = {code: Decimal(value) for code, value in values.items()}
        return period_score(decimals, is_leader=record.enrolment.is_leader, rules=tracking.rules())
    except (ScoreError, ArithmeticError):
        return None


def _rounding_of(record: PeriodRecord) -> str:
    tracking = tracking_of(record.period.cycle)
    return tracking.rounding if tracking is not None else ScoreRounding.DOWN.value


def _form_context(
    record: PeriodRecord, form: PeriodSelfForm, tasks: object, **extra: object
) -> dict[str, object]:
    enrolment = record.enrolment
    refusal = services.period_person_refusal(record)
    current = record.confirmations.filter(replaced_by__isnull=True).first() if record.is_locked else None
    return {
        "record": record,
        "period": record.period,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "form": form,
        "tasks": tasks,
        "saved_tasks": list(record.tasks.all()),
        "refusal": refusal,
        "editable": refusal is None,
        "score": saved_score(record, record.self_values or {}),
        "confirmation": current,
        "assignment": TrackerAssignment.objects.filter(enrolment_id=enrolment.pk).first(),
        "return_reason": period_return_reason(record),
        "time_left": time_left(record.period.deadline),
        "places": enrolment.cycle.points_decimal_places,
        "general_max": GENERAL_MAX,
        "task_max": TASKS_MAX,
        "rounding": _rounding_of(record),
        "self_rows": [
            (line, (record.self_values or {}).get(line.code), (record.self_comments or {}).get(line.code, ""))
            for line in period_lines(is_leader=enrolment.is_leader)
        ],
        **extra,
    }


def _saved_at_text(record: PeriodRecord) -> str:
    saved = record.saved_at or timezone.now()
    return _("Đã lưu lúc %(time)s") % {"time": date_format(timezone.localtime(saved), "H:i")}


@require_http_methods(["GET", "POST"])
def person_period(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_person(request.user, pk)
    lines = period_lines(is_leader=record.enrolment.is_leader)
    places = record.enrolment.cycle.points_decimal_places
    if request.method == "GET":
        form = PeriodSelfForm(initial=PeriodSelfForm.initial_for(record), lines=lines, decimal_places=places)
        return render(
            request, "tracking/person_period.html", _form_context(record, form, task_formset(record=record))
        )

    autosave = request.POST.get("autosave") == "1"
    form = PeriodSelfForm(request.POST, lines=lines, decimal_places=places)
    tasks = task_formset(request.POST)
    error: str | None = None
    stale_version: int | None = None
    saved_version: int | None = None
    if form.is_valid() and tasks.is_valid():
        try:
            record = services.period_self_save(
                record=record,
                values=form.values(),
                comments=form.comments(),
                strengths=form.cleaned_data["strengths"],
                shortcomings=form.cleaned_data["shortcomings"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
            saved_version = record.version
            record = services.period_tasks_save(
                record=record, tasks=task_lines(tasks), version=record.version, by=request.user
            )
            saved_version = record.version
        except StalePeriodError as exc:
            error, stale_version = str(exc), exc.current_version
        except TrackingError as exc:
            error = str(exc)
    else:
        details = form.line_errors() + [
            str(message) for task_form in tasks.forms for message in task_form.errors.get("title", [])
        ]
        error = " ".join([_("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô."), *details])

    if autosave:
        return render(
            request,
            "tracking/_period_save_status.html",
            {"record": record, "error": error, "saved_text": None if error else _saved_at_text(record)},
        )
    if error is None:
        messages.success(request, _saved_at_text(record))
        return redirect("tracking:person_period", pk=record.pk)
    # Keep every typed character. The version sent back is the one this tab may save over next: after a stale
    # save the newest one (the person has now seen it beside their text), after a half-done save our own.
    new_version = stale_version if stale_version is not None else saved_version
    if new_version is not None:
        data = request.POST.copy()
        data["version"] = str(new_version)
        form = PeriodSelfForm(data, lines=lines, decimal_places=places)
        form.is_valid()
        tasks = task_formset(data)
        tasks.is_valid()
    record.refresh_from_db()
    return render(
        request,
        "tracking/person_period.html",
        _form_context(record, form, tasks, error=error, show_saved=stale_version is not None),
        status=409 if stale_version is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def person_period_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_person(request.user, pk)
    if request.method == "POST":
        form = PeriodVersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Yêu cầu gửi không hợp lệ; hãy tải lại trang."))
            return redirect("tracking:person_period_submit", pk=record.pk)
        try:
            services.period_submit(record=record, version=form.cleaned_data["version"], by=request.user)
        except TrackingError as exc:
            messages.error(request, str(exc))
            return redirect("tracking:person_period_submit", pk=record.pk)
        messages.success(
            request,
            _("Đã gửi kết quả %(period)s cho người theo dõi, đánh giá.") % {"period": record.period.label},
        )
        return redirect("tracking:person_year", enrolment_pk=record.enrolment_id)
    lines = period_lines(is_leader=record.enrolment.is_leader)
    values = record.self_values or {}
    context = {
        "record": record,
        "period": record.period,
        "enrolment": record.enrolment,
        "cycle": record.enrolment.cycle,
        "missing": [line for line in lines if line.code not in values],
        "no_tasks": not record.tasks.exists(),
        "no_strengths": not record.strengths.strip(),
        "no_shortcomings": not record.shortcomings.strip(),
        "score": saved_score(record, values),
        "refusal": services.period_person_refusal(record),
        "time_left": time_left(record.period.deadline),
        "form": PeriodVersionForm(initial={"version": record.version}),
    }
    return render(request, "tracking/person_period_submit.html", context)


@require_POST
def person_period_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_person(request.user, pk)
    form = PeriodVersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else record.version
    try:
        services.period_withdraw(record=record, version=version, by=request.user)
        messages.success(request, _("Đã rút lại kết quả kỳ. Hãy sửa rồi gửi lại trước hạn."))
        return redirect("tracking:person_period", pk=record.pk)
    except TrackingError as exc:
        messages.error(request, str(exc))
        return redirect("tracking:person_year", enrolment_pk=record.enrolment_id)
