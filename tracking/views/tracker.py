"""The tracker's side of periodic tracking (Decree 233/2026 Art. 3(5), 13(2): the leader who assigns a person's work
confirms and scores their periods): the inbox of periods waiting for them, the batch view of everyone they track,
and one screen to review, confirm, return or correct a person's period. Only the people assigned to them, never
themself: everything is fetched through tracking.permissions, anything else is a 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import CycleStatus, Enrolment
from cycles.rulebooks.tracking import TASKS_MAX, ScoreRounding, period_lines
from cycles.selectors import time_left

from .. import services
from ..errors import StalePeriodError, TrackingError
from ..forms import PeriodConfirmForm, PeriodReturnForm
from ..models import PeriodConfirmation, PeriodRecord, PeriodStatus, TrackingPeriod
from ..permissions import get_enrolment_for_tracker, get_record_for_tracker, is_tracker
from ..selectors import BoardRow, period_board, tracker_inbox, tracking_of
from .person import saved_score

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


def _require_tracker(request: AuthenticatedHttpRequest) -> None:
    # Someone tracking nobody has no business here.
    if not is_tracker(request.user):
        raise Http404


@dataclass
class InboxGroup:
    period: TrackingPeriod
    records: list[PeriodRecord] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(1 for record in self.records if record.status == PeriodStatus.SUBMITTED)

    @property
    def overdue(self) -> int:
        return len(self.records) - self.submitted


@require_GET
def tracker_inbox_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_tracker(request)
    groups: dict[int, InboxGroup] = {}
    for record in tracker_inbox(request.user):
        groups.setdefault(record.period_id, InboxGroup(record.period)).records.append(record)
    return render(
        request,
        "tracking/tracker_inbox.html",
        {"groups": list(groups.values()), "total": sum(len(g.records) for g in groups.values())},
    )


@dataclass
class CycleBoard:
    title: str
    periods: list[TrackingPeriod]
    rows: list[BoardRow]


@require_GET
def tracker_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone this tracker tracks × the periods of the year: state and scores, one table per open cycle."""
    _require_tracker(request)
    mine = (
        Enrolment.objects.filter(tracker_assignment__tracker_id=request.user.pk)
        .exclude(official__user_id=request.user.pk)
        .filter(cycle__status__in=(CycleStatus.SETUP, CycleStatus.IN_PROGRESS))
    )
    boards = []
    for cycle_id in sorted(set(mine.values_list("cycle_id", flat=True))):
        people = mine.filter(cycle_id=cycle_id)
        first = people.select_related("cycle").first()
        if first is None:
            continue
        periods, rows, _counts = period_board(first.cycle, people)
        boards.append(CycleBoard(first.cycle.title, periods, rows))
    return render(request, "tracking/tracker_people.html", {"boards": boards})


@require_GET
def tracker_period_open(request: AuthenticatedHttpRequest, enrolment_pk: int, period_pk: int) -> HttpResponse:
    """Open a person's period from the batch view, even one they never opened (a period past its deadline is scored
    anyway): their empty record is created as the person's own page would."""
    enrolment = get_enrolment_for_tracker(request.user, enrolment_pk)
    period = get_object_or_404(TrackingPeriod, pk=period_pk, cycle_id=enrolment.cycle_id)
    record = services.period_record_get(enrolment=enrolment, period=period)
    return redirect("tracking:tracker_review", pk=record.pk)


def _neighbours(
    request: AuthenticatedHttpRequest, record: PeriodRecord
) -> tuple[int | None, int | None, int, int]:
    """The previous and next period in the inbox, to go through it quickly; and where this one stands in it."""
    queue = list(tracker_inbox(request.user).values_list("pk", flat=True))
    if record.pk not in queue:
        return (None, queue[0] if queue else None, 0, len(queue))
    index = queue.index(record.pk)
    previous = queue[index - 1] if index > 0 else None
    following = queue[index + 1] if index + 1 < len(queue) else None
    return previous, following, index + 1, len(queue)


def _current_confirmation(record: PeriodRecord) -> PeriodConfirmation | None:
    return record.confirmations.filter(replaced_by__isnull=True).first() if record.is_locked else None


def _review_context(
    request: AuthenticatedHttpRequest,
    record: PeriodRecord,
    form: PeriodConfirmForm,
    return_form: PeriodReturnForm | None = None,
    **extra: object,
) -> dict[str, object]:
    enrolment = record.enrolment
    tracking = tracking_of(enrolment.cycle)
    previous, following, position, total = _neighbours(request, record)
    confirmations = list(record.confirmations.order_by("-number"))
    values = record.self_values or {}
    may_confirm = record.status == PeriodStatus.SUBMITTED or (
        record.status == PeriodStatus.DRAFT and not services.period_is_open(record.period)
    )
    return {
        "record": record,
        "period": record.period,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "form": form,
        "return_form": return_form or PeriodReturnForm(initial={"version": record.version}),
        "confirm_rows": [
            (line, values.get(line.code), (record.self_comments or {}).get(line.code, ""), value, reason)
            for line, _own, value, reason in form.rows()
        ],
        "task_max": TASKS_MAX,
        "rounding": tracking.rounding if tracking is not None else ScoreRounding.DOWN.value,
        "self_score": saved_score(record, values),
        "tasks": list(record.tasks.all()),
        "confirmations": confirmations,
        "current": confirmations[0] if record.is_locked and confirmations else None,
        "may_confirm": may_confirm,
        "cycle_open": enrolment.cycle.status in (CycleStatus.SETUP, CycleStatus.IN_PROGRESS),
        "time_left": time_left(record.period.deadline),
        "previous": previous,
        "next": following,
        "position": position,
        "queue_total": total,
        **extra,
    }


def _confirm_form(record: PeriodRecord, data: object = None) -> PeriodConfirmForm:
    lines = period_lines(is_leader=record.enrolment.is_leader)
    places = record.enrolment.cycle.points_decimal_places
    current = _current_confirmation(record)
    if current is not None:
        # A correction starts from the confirmation in force; a line need not repeat its reason.
        return PeriodConfirmForm(
            data,
            initial=PeriodConfirmForm.initial_for(record, current.values, current.opinion),
            lines=lines,
            decimal_places=places,
            compare_to={},
            correction=True,
        )
    return PeriodConfirmForm(
        data,
        initial=PeriodConfirmForm.initial_for(record, record.self_values or {}),
        lines=lines,
        decimal_places=places,
        compare_to=record.self_values or {},
    )


@require_http_methods(["GET", "POST"])
def tracker_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Review one person's period; POST confirms it (or, once confirmed, corrects it with a new confirmation)."""
    record = get_record_for_tracker(request.user, pk)
    if request.method == "GET":
        return render(
            request, "tracking/tracker_review.html", _review_context(request, record, _confirm_form(record))
        )
    form = _confirm_form(record, request.POST)
    error = None
    stale_version: int | None = None
    if form.is_valid():
        try:
            if form.correction:
                confirmation = services.period_correct(
                    record=record,
                    values=form.values(),
                    reasons=form.reasons(),
                    opinion=form.cleaned_data["opinion"],
                    correction_reason=form.cleaned_data["correction_reason"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Đã điều chỉnh kết quả %(period)s: %(score)s điểm.")
                    % {"period": record.period.label, "score": confirmation.score},
                )
            else:
                confirmation = services.period_confirm(
                    record=record,
                    values=form.values(),
                    reasons=form.reasons(),
                    opinion=form.cleaned_data["opinion"],
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Đã xác nhận kết quả %(period)s của %(name)s: %(score)s điểm.")
                    % {
                        "period": record.period.label,
                        "name": record.enrolment.full_name,
                        "score": confirmation.score,
                    },
                )
        except StalePeriodError as exc:
            error, stale_version = str(exc), exc.current_version
        except TrackingError as exc:
            error = str(exc)
        if error is None:
            following = _neighbours(request, record)[1]
            if following is not None and request.POST.get("then") == "next":
                return redirect("tracking:tracker_review", pk=following)
            return redirect("tracking:tracker_review", pk=record.pk)
    else:
        error = _("Chưa xác nhận: có ô chưa hợp lệ, xem thông báo đỏ ở từng dòng.")
    record.refresh_from_db()
    if stale_version is not None:
        # Keep what the tracker typed; their next confirmation knowingly follows the newer copy shown beside it.
        data = request.POST.copy()
        data["version"] = str(stale_version)
        form = _confirm_form(record, data)
        form.is_valid()
    return render(
        request,
        "tracking/tracker_review.html",
        _review_context(request, record, form, error=error),
        status=409 if stale_version is not None else 200,
    )


@require_POST
def tracker_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_tracker(request.user, pk)
    form = PeriodReturnForm(request.POST)
    if form.is_valid():
        try:
            services.period_return(
                record=record,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
            messages.success(
                request,
                _("Đã trả lại kết quả %(period)s cho %(name)s kèm lý do.")
                % {"period": record.period.label, "name": record.enrolment.full_name},
            )
            return redirect("tracking:tracker_inbox")
        except TrackingError as exc:
            messages.error(request, str(exc))
            return redirect("tracking:tracker_review", pk=record.pk)
    return render(
        request,
        "tracking/tracker_review.html",
        _review_context(request, record, _confirm_form(record), return_form=form),
    )
