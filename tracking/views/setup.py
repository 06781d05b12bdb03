"""Home Affairs sets a cycle's tracking up (issue #12): monthly or quarterly and the settings where the law is
silent, each period's deadline, who tracks whom (on screen, many at once, or from a spreadsheet), and a person's
months not worked or results carried from an earlier agency. Home Affairs only: those who see the cycle get 403,
everyone else 404. Every change is a POST through a service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.spreadsheets import XLSX_CONTENT_TYPE
from cycles.models import Cycle, Enrolment

from .. import services
from ..errors import TrackingError
from ..home_affairs_forms import (
    AbsenceForm,
    AssignmentsForm,
    AssignmentsImportForm,
    CarriedForm,
    DeadlinesForm,
    TrackingSettingsForm,
    assignment_field_names,
)
from ..models import Absence, PeriodRecord, TrackingPeriod
from ..permissions import get_cycle_for_tracking_setup
from ..selectors import tracked_enrolments, tracking_of
from ..spreadsheets import MAX_IMPORT_BYTES, assignments_template_workbook

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


def _periods(cycle: Cycle) -> list[TrackingPeriod]:
    return list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))


def _setup_context(cycle: Cycle, **extra: Any) -> dict[str, Any]:
    tracking = tracking_of(cycle)
    periods = _periods(cycle)
    exceptions = list(
        PeriodRecord.objects.filter(period__cycle=cycle)
        .exclude(absence="", carried_from="")
        .select_related("enrolment", "period")
        .order_by("period__number", "enrolment__full_name")
    )
    context: dict[str, Any] = {
        "cycle": cycle,
        "tracking": tracking,
        "settings_form": TrackingSettingsForm(instance=tracking),
        "deadlines_form": DeadlinesForm(periods=periods) if periods else None,
        "exceptions": exceptions,
        "tracked_count": tracked_enrolments(cycle).count(),
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def setup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The settings, and (once set up) the periods' deadlines and the links to the assignments."""
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    if request.method == "POST":
        form = TrackingSettingsForm(request.POST, instance=tracking_of(cycle))
        if form.is_valid():
            try:
                services.tracking_set_up(cycle=cycle, by=request.user, **form.cleaned_data)
            except TrackingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu thiết lập theo dõi, đánh giá theo kỳ."))
                return redirect("tracking:setup", pk=cycle.pk)
        return render(request, "tracking/setup_cycle.html", _setup_context(cycle, settings_form=form))
    return render(request, "tracking/setup_cycle.html", _setup_context(cycle))


@require_POST
def deadlines(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    form = DeadlinesForm(request.POST, periods=_periods(cycle))
    if form.is_valid():
        try:
            with transaction.atomic():
                changed = form.changed_deadlines()
                for period, deadline in changed:
                    try:
                        services.period_deadline_set(period=period, deadline=deadline, by=request.user)
                    except TrackingError as exc:
                        form.add_error(f"deadline_{period.pk}", str(exc))
                        raise
        except TrackingError:
            pass
        else:
            messages.success(
                request,
                ngettext("Đã lưu hạn gửi của %(n)d kỳ.", "Đã lưu hạn gửi của %(n)d kỳ.", len(changed))
                % {"n": len(changed)},
            )
            return redirect("tracking:setup", pk=cycle.pk)
    messages.error(request, _("Hạn gửi chưa được lưu; hãy sửa các ô được đánh dấu."))
    return render(request, "tracking/setup_cycle.html", _setup_context(cycle, deadlines_form=form))


@require_http_methods(["GET", "POST"])
def assignments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who tracks whom: the whole cohort on one form; every changed line goes through tracker_assign, all or
    nothing."""
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    enrolments = list(
        tracked_enrolments(cycle).select_related("tracker_assignment", "peer_group", "official")
    )
    form = AssignmentsForm(request.POST or None, enrolments=enrolments)
    if request.method == "POST" and form.is_valid():
        lines = []
        for enrolment in enrolments:
            tracker_field, title_field = assignment_field_names(enrolment)
            tracker = form.cleaned_data[tracker_field]
            if tracker is None:
                continue  # not assigned on this form: nothing changes
            lines.append(services.AssignmentLine(enrolment, tracker, form.cleaned_data[title_field]))
        try:
            changed = services.tracker_assignments_set(cycle=cycle, lines=lines, by=request.user)
        except services.AssignmentsRefused as refused:
            for line, message in refused.errors:
                form.add_error(assignment_field_names(line.enrolment)[0], message)
            form.add_error(None, _("Chưa lưu người theo dõi nào; hãy sửa các dòng được đánh dấu."))
        except TrackingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Đã giao người theo dõi cho %(n)d người.",
                    "Đã giao người theo dõi cho %(n)d người.",
                    changed,
                )
                % {"n": changed},
            )
            return redirect("tracking:assignments", pk=cycle.pk)
    assigned = sum(1 for enrolment in enrolments if getattr(enrolment, "tracker_assignment", None))
    context = {"cycle": cycle, "form": form, "assigned": assigned, "total": len(enrolments)}
    return render(request, "tracking/setup_assignments.html", context)


@require_GET
def assignments_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    disposition = content_disposition_header(
        as_attachment=True, filename=f"mau-nguoi-theo-doi-{cycle.year}.xlsx"
    )
    response = HttpResponse(assignments_template_workbook(cycle=cycle), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = disposition or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def assignments_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload the filled template. Any error: nothing is imported and every error is listed by row."""
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    form = AssignmentsImportForm(request.POST or None, request.FILES or None)
    errors: tuple[Any, ...] = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            try:
                result = services.tracker_assignments_import(cycle=cycle, data=upload.read(), by=request.user)
            except TrackingError as exc:
                form.add_error(None, str(exc))
            else:
                if result.ok:
                    messages.success(
                        request,
                        ngettext(
                            "Đã giao người theo dõi cho %(n)d người (%(same)d người không thay đổi).",
                            "Đã giao người theo dõi cho %(n)d người (%(same)d người không thay đổi).",
                            result.recorded,
                        )
                        % {"n": result.recorded, "same": result.unchanged},
                    )
                    return redirect("tracking:assignments", pk=cycle.pk)
                errors = result.errors
    context = {
        "cycle": cycle,
        "form": form,
        "errors": errors,
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
    }
    return render(request, "tracking/setup_assignments_import.html", context)


@require_http_methods(["GET", "POST"])
def period_record_edit(
    request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int, period_pk: int
) -> HttpResponse:
    """A person's period as Home Affairs records it: months not worked and why (leave, transfer), or the result
    carried from the earlier agency. Two small forms, each posted on its own."""
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    enrolment = get_object_or_404(Enrolment.objects.select_related("cycle"), cycle=cycle, pk=enrolment_pk)
    period = get_object_or_404(TrackingPeriod.objects.select_related("cycle"), cycle=cycle, pk=period_pk)
    record = PeriodRecord.objects.filter(enrolment=enrolment, period=period).first()
    absence_form = AbsenceForm(
        period=period,
        initial={
            "months_worked": record.months_worked if record else period.months,
            "absence": record.absence if record else Absence.NONE,
            "note": record.absence_note if record else "",
        },
    )
    carried_form = CarriedForm()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "absence":
        absence_form = AbsenceForm(request.POST, period=period)
        if absence_form.is_valid():
            data = absence_form.cleaned_data
            try:
                with transaction.atomic():
                    record = services.period_record_get(enrolment=enrolment, period=period)
                    services.period_absence_set(
                        record=record,
                        months_worked=data["months_worked"],
                        absence=data["absence"],
                        note=data["note"],
                        by=request.user,
                    )
            except TrackingError as exc:
                absence_form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Đã ghi thời gian làm việc %(period)s của %(name)s.")
                    % {"period": period.label, "name": enrolment.full_name},
                )
                return redirect(
                    "tracking:period_record_edit", pk=cycle.pk, enrolment_pk=enrolment.pk, period_pk=period.pk
                )
    elif action == "carried":
        carried_form = CarriedForm(request.POST)
        if carried_form.is_valid():
            data = carried_form.cleaned_data
            try:
                with transaction.atomic():
                    record = services.period_record_get(enrolment=enrolment, period=period)
                    services.period_carried_record(
                        record=record, score=data["score"], source=data["source"], by=request.user
                    )
            except TrackingError as exc:
                carried_form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Đã ghi kết quả %(period)s của %(name)s do cơ quan cũ gửi.")
                    % {"period": period.label, "name": enrolment.full_name},
                )
                return redirect(
                    "tracking:period_record_edit", pk=cycle.pk, enrolment_pk=enrolment.pk, period_pk=period.pk
                )
    if record is not None and record.pk is not None:
        record = PeriodRecord.objects.filter(pk=record.pk).first()
    context = {
        "cycle": cycle,
        "enrolment": enrolment,
        "period": period,
        "record": record,
        "absence_form": absence_form,
        "carried_form": carried_form,
    }
    return render(request, "tracking/setup_period_record.html", context, status=200)
