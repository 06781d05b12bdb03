from django.contrib import messages
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.types import AuthenticatedHttpRequest
from cycles.selectors import cohort
from cycles.services import EDITABLE_FOR_RATING
from officials.permissions import roles_of
from reviews.models import Evaluation
from reviews.selectors import LevelSource, cohort_standing

from . import services
from .errors import ConferenceError, StaleNoteError
from .forms import (
    ConferenceCloseForm,
    ConferenceForm,
    ConferenceGuestForm,
    ConferenceNoteForm,
    ConferenceReportForm,
)
from .models import Conference, ConferenceAttendance, ConferenceGuest, ConferenceNote
from .permissions import get_cycle_for_conference
from .selectors import conference_agenda


def _may_edit_conference(user, cycle) -> bool:
    return roles_of(user).is_home_affairs and cycle.status in EDITABLE_FOR_RATING


def _conference_of(cycle):
    return Conference.objects.filter(cycle=cycle).select_related("current_evaluation__enrolment").first()


def _attendance_rows(cycle, conference, posted=None):
    """(enrolment, present, reason) for the whole cohort: what was posted, else what is recorded (present by default)."""
    recorded = {}
    if conference is not None:
        recorded = {
            row.enrolment_id: row for row in ConferenceAttendance.objects.filter(conference=conference)
        }
    rows = []
    for enrolment in cohort(cycle):
        if posted is not None:
            present = f"present_{enrolment.pk}" in posted
            reason = posted.get(f"reason_{enrolment.pk}", "")
        else:
            record = recorded.get(enrolment.pk)
            present, reason = (record.present, record.absence_reason) if record else (True, "")
        rows.append((enrolment, present, reason))
    return rows


def _conference_edit_context(
    request: AuthenticatedHttpRequest, cycle, conference, **extra
) -> HttpResponseBase:
    context = {
        "cycle": cycle,
        "conference": conference,
        "can_edit": _may_edit_conference(request.user, cycle),
        # The invitation and the attendance list (issue #14 item 8) are printed by every cycle printer
        # (documents.permissions.prints_for_cycles: Home Affairs, the chair, the chair's office).
        "may_print_convening_papers": (roles := roles_of(request.user)).sees_whole_cohort
        or roles.is_office_staff,
        "form": ConferenceForm(initial=ConferenceForm.initial_for(conference, cycle)),
        "guest_form": ConferenceGuestForm(),
        "report_form": ConferenceReportForm(),
        "close_form": ConferenceCloseForm(
            initial={
                "concluding_remarks": conference.concluding_remarks if conference else "",
                # Suggest "now": the form is filled in as the chair closes the conference.
                "closed_at": timezone.localtime(conference.closed_at)
                if conference and conference.closed_at
                else timezone.localtime(),
            }
        ),
        "guests": list(conference.guests.all()) if conference else [],
        "attendance": _attendance_rows(cycle, conference),
        **extra,
    }
    present = sum(1 for _enrolment, is_present, _reason in context["attendance"] if is_present)
    context["present_count"] = present
    return context


@require_http_methods(["GET", "POST"])
def conference_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The conference's set-up: details, guests, attendance, the Home Affairs report, the closing."""
    cycle = get_cycle_for_conference(request.user, pk, write=request.method == "POST")
    conference = _conference_of(cycle)
    extra = {}
    if request.method == "POST":
        form = ConferenceForm(request.POST)
        if form.is_valid():
            try:
                services.conference_set(cycle=cycle, **form.cleaned_data, by=request.user)
            except ConferenceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu thông tin hội nghị."))
                return redirect("conference:conference_edit", pk=cycle.pk)
        extra["form"] = form
    return render(
        request,
        "conference/conference_edit.html",
        _conference_edit_context(request, cycle, conference, **extra),
    )


def _conference_or_redirect(request: AuthenticatedHttpRequest, cycle) -> HttpResponseBase:
    conference = _conference_of(cycle)
    if conference is None:
        messages.error(request, _("Hãy nhập thông tin hội nghị (ngày, giờ, địa điểm) trước."))
    return conference


@require_POST
def conference_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    rows = _attendance_rows(cycle, conference, posted=request.POST)
    entries = [
        services.AttendanceEntry(enrolment_id=enrolment.pk, present=present, absence_reason=reason)
        for enrolment, present, reason in rows
    ]
    try:
        services.conference_attendance_set(conference=conference, entries=entries, by=request.user)
    except ConferenceError as exc:
        # Keep what was ticked and typed; say what is missing.
        context = _conference_edit_context(
            request, cycle, conference, attendance=rows, attendance_error=str(exc)
        )
        context["present_count"] = sum(1 for _enrolment, present, _reason in rows if present)
        return render(request, "conference/conference_edit.html", context)
    messages.success(request, _("Đã lưu điểm danh."))
    return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#attendance")


@require_POST
def conference_guest_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    form = ConferenceGuestForm(request.POST)
    if form.is_valid():
        try:
            services.conference_guest_add(conference=conference, **form.cleaned_data, by=request.user)
        except ConferenceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm khách mời."))
            return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#guests")
    return render(
        request,
        "conference/conference_edit.html",
        _conference_edit_context(request, cycle, conference, guest_form=form),
    )


@require_POST
def conference_guest_delete(request: AuthenticatedHttpRequest, pk: int, guest_pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    guest = get_object_or_404(
        ConferenceGuest.objects.select_related("conference__cycle"), pk=guest_pk, conference__cycle=cycle
    )
    try:
        services.conference_guest_remove(guest=guest, by=request.user)
        messages.success(request, _("Đã bỏ khách mời %(name)s.") % {"name": guest.name})
    except ConferenceError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#guests")


@require_POST
def conference_report_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    form = ConferenceReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.conference_report_attach(
                conference=conference, upload=form.cleaned_data["report"], by=request.user
            )
        except ConferenceError as exc:
            form.add_error("report", str(exc))
        else:
            messages.success(request, _("Đã tải báo cáo lên."))
            return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#report")
    return render(
        request,
        "conference/conference_edit.html",
        _conference_edit_context(request, cycle, conference, report_form=form),
    )


@require_GET
def conference_report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_of(cycle)
    if conference is None or not conference.report:
        raise Http404
    try:
        handle = conference.report.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=conference.report_name or f"bao-cao-{cycle.year}.pdf",
        content_type="application/pdf",
    )


@require_POST
def conference_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    form = ConferenceCloseForm(request.POST)
    if form.is_valid():
        try:
            services.conference_close(conference=conference, **form.cleaned_data, by=request.user)
        except ConferenceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi kết luận và giờ kết thúc hội nghị."))
            return redirect(reverse("conference:conference_edit", kwargs={"pk": cycle.pk}) + "#closing")
    return render(
        request,
        "conference/conference_edit.html",
        _conference_edit_context(request, cycle, conference, close_form=form),
    )


@require_GET
def conference_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Open the secretary's screen at the person on screen now, or at the first of the agenda."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    target = conference.current_evaluation_id or getattr(
        conference_agenda(cycle).first, "evaluation_id", None
    )
    if target is None:
        messages.error(request, _("Kỳ đánh giá chưa có ai trong danh sách."))
        return redirect("conference:conference_edit", pk=cycle.pk)
    return redirect("conference:conference_mode", pk=cycle.pk, evaluation_pk=target)


def _conference_person(cycle, conference, evaluation_pk):
    """What both screens show about one person: their place in the agenda, their standing (caps, warnings,
    proposal) and their group's quota, all from the one shared computation (cohort_standing)."""
    agenda = conference_agenda(cycle)
    position = agenda.position(evaluation_pk)
    if position is None:
        raise Http404
    standing = cohort_standing(cycle, LevelSource.PROPOSED)
    row = next(row for row in standing.rows if row.evaluation.pk == evaluation_pk)
    groups = [group for group in standing.groups if group.peer_group_id == row.enrolment.peer_group_id]
    return {"agenda": agenda, "position": position, "row": row, "groups": groups}


def _conference_mode_context(
    request: AuthenticatedHttpRequest, cycle, conference, evaluation_pk, **extra
) -> HttpResponseBase:
    note = ConferenceNote.objects.filter(conference=conference, evaluation_id=evaluation_pk).first()
    context = {
        "cycle": cycle,
        "conference": conference,
        "can_edit": _may_edit_conference(request.user, cycle),
        "note": note,
        "note_form": ConferenceNoteForm(
            initial={"text": note.text if note else "", "version": note.version if note else 0}
        ),
        "on_screen": conference.current_evaluation_id == evaluation_pk,
        **_conference_person(cycle, conference, evaluation_pk),
        **extra,
    }
    return context


@require_GET
def conference_mode(request: AuthenticatedHttpRequest, pk: int, evaluation_pk: int) -> HttpResponseBase:
    """The secretary's screen: one person at a time in agenda order, with a notes box that saves itself."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("conference:conference_edit", pk=cycle.pk)
    return render(
        request,
        "conference/conference_mode.html",
        _conference_mode_context(request, cycle, conference, evaluation_pk),
    )


def _note_saved_text(note) -> str:
    if note is None:
        return ""
    return _("Đã lưu lúc %(time)s") % {"time": date_format(timezone.localtime(note.updated_at), "H:i")}


@require_POST
def conference_note(request: AuthenticatedHttpRequest, pk: int, evaluation_pk: int) -> HttpResponseBase:
    """Save the notes about one person (autosave by htmx, or the form's own submit), then optionally move on:
    `go` is the next person's evaluation (the arrow buttons and keys), who is then put on the chair's screen."""
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = get_object_or_404(Conference, cycle=cycle)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("enrolment"), pk=evaluation_pk, enrolment__cycle=cycle
    )
    autosave = request.POST.get("autosave") == "1"
    form = ConferenceNoteForm(request.POST)
    note, error, stale = None, None, None
    if form.is_valid():
        try:
            note = services.conference_note_save(
                conference=conference,
                evaluation=evaluation,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleNoteError as exc:
            error, stale = str(exc), exc
        except ConferenceError as exc:
            error = str(exc)
    else:
        error = "; ".join(message for messages_ in form.errors.values() for message in messages_)
    if autosave:
        return render(
            request,
            "conference/_conference_note_status.html",
            {"note": note, "error": error, "stale": stale, "saved_text": _note_saved_text(note)},
        )
    if error is None:
        target = evaluation
        go = request.POST.get("go", "")
        if go == "jump":
            go = request.POST.get("jump_to", "")
        if go.isdigit() and int(go) != evaluation.pk:
            target = get_object_or_404(
                Evaluation.objects.select_related("enrolment"), pk=int(go), enrolment__cycle=cycle
            )
            services.conference_focus(conference=conference, evaluation=target, by=request.user)
        return redirect("conference:conference_mode", pk=cycle.pk, evaluation_pk=target.pk)
    # Keep what was typed; a stale copy shows the other text and lets the next save knowingly replace it.
    data = request.POST.copy()
    if stale is not None:
        data["version"] = stale.current_version
    context = _conference_mode_context(
        request,
        cycle,
        conference,
        evaluation.pk,
        note_form=ConferenceNoteForm(data),
        note_error=error,
        stale=stale,
    )
    return render(request, "conference/conference_mode.html", context, status=409 if stale else 200)


@require_POST
def conference_focus(request: AuthenticatedHttpRequest, pk: int, evaluation_pk: int) -> HttpResponseBase:
    """Put this person on the chair's screen."""
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = get_object_or_404(Conference, cycle=cycle)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("enrolment"), pk=evaluation_pk, enrolment__cycle=cycle
    )
    services.conference_focus(conference=conference, evaluation=evaluation, by=request.user)
    return redirect("conference:conference_mode", pk=cycle.pk, evaluation_pk=evaluation.pk)


@require_GET
def conference_follow(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The chair's screen: whoever the secretary has on screen, read-only; htmx polls it every 3 seconds."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_of(cycle)
    context = {"cycle": cycle, "conference": conference, "follow": True}
    if conference is not None and conference.current_evaluation_id:
        context.update(_conference_person(cycle, conference, conference.current_evaluation_id))
    template = "conference/_conference_person.html" if request.htmx else "conference/conference_follow.html"
    return render(request, template, context)
