from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from officials.models import Organisation
from officials.permissions import require_home_affairs, roles_of
from reviews import services as review_services
from reviews.models import Evaluation
from reviews.selectors import LevelSource, cohort_standing

from . import services
from .errors import CycleError, StaleNoteError
from .forms import (
    ConferenceCloseForm,
    ConferenceForm,
    ConferenceGuestForm,
    ConferenceNoteForm,
    ConferenceReportForm,
    CriterionForm,
    EnrolmentHeadForm,
    EnrolmentRulebookForm,
    ProgressFilterForm,
    QuotaExceptionForm,
    QuotaSettingsForm,
    ScoringForm,
)
from .models import AgencyRating, Conference, ConferenceAttendance, ConferenceGuest, ConferenceNote
from .permissions import can_see_cycles, cycles_visible_to, get_cycle_for_conference, get_cycle_for_user
from .rulebooks import Level, small_unit_group_rule
from .selectors import cohort, conference_agenda, criteria_by_form, cycle_progress, cycle_quota_citations


@require_GET
def cycle_list(request):
    if not can_see_cycles(request.user):
        raise PermissionDenied
    return render(
        request,
        "cycles/cycle_list.html",
        {"cycles": cycles_visible_to(request.user).select_related("authority")},
    )


@require_GET
def cycle_detail(request, pk: int):
    cycle = get_cycle_for_user(request.user, pk)
    roles = roles_of(request.user)
    context = {
        "cycle": cycle,
        "cohort": cohort(cycle),
        "show_status": roles.sees_whole_cohort,
        "can_edit_enrolments": roles.is_home_affairs,
        "phases": cycle.phases.order_by("deadline"),
    }
    if roles.sees_whole_cohort:
        context["totals"], context["groups"] = cycle_progress(cycle)
    return render(request, "cycles/cycle_detail.html", context)


@require_http_methods(["GET", "POST"])
def enrolment_edit(request, pk: int, enrolment_pk: int):
    """Home Affairs corrects one enrolment's snapshot: whether the person heads their agency, and which rulebook
    rates them when the law allows another (Decree 233/2026 Art. 20(1))."""
    from .models import Enrolment
    from .rulebooks import alternative_rulebooks, get_rulebook, rulebook_for

    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, cycle=cycle)
    default = rulebook_for(cycle.framework, enrolment.personnel_type)
    alternatives = alternative_rulebooks(cycle.framework, enrolment.personnel_type)
    choices = [(default.code, default.name)] + [
        (code, f"{get_rulebook(code).name} ({article})") for code, article in alternatives.items()
    ]
    head_form = EnrolmentHeadForm(
        request.POST if "save_head" in request.POST else None, initial={"is_head": enrolment.is_head}
    )
    rulebook_form = EnrolmentRulebookForm(
        request.POST if "save_rulebook" in request.POST else None,
        choices=choices,
        initial={"rulebook_code": enrolment.rulebook_code, "reason": enrolment.rulebook_reason},
    )
    if request.method == "POST":
        form = head_form if "save_head" in request.POST else rulebook_form
        if form.is_valid():
            try:
                if form is head_form:
                    services.enrolment_head_set(
                        enrolment=enrolment,
                        is_head=form.cleaned_data["is_head"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                else:
                    services.enrolment_rulebook_set(
                        enrolment=enrolment,
                        rulebook_code=form.cleaned_data["rulebook_code"],
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
            except CycleError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": enrolment.full_name})
                return redirect("cycles:cycle_detail", pk=cycle.pk)
    context = {
        "cycle": cycle,
        "enrolment": enrolment,
        "head_form": head_form,
        "rulebook_form": rulebook_form if alternatives else None,
    }
    return render(request, "cycles/enrolment_edit.html", context)


@require_GET
def progress_board(request, pk: int):
    """Home Affairs' live view of who has not submitted yet, filterable; refreshes itself every 30 s."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    filters = ProgressFilterForm(request.GET or None, cycle=cycle)
    rows = cohort(cycle)
    if filters.is_valid():
        rows = filters.apply(rows)
    totals, groups = cycle_progress(cycle)
    context = {"cycle": cycle, "rows": rows, "filters": filters, "totals": totals, "groups": groups}
    template = "cycles/_progress_table.html" if request.htmx else "cycles/progress_board.html"
    return render(request, template, context)


@require_POST
def reminders_send(request, pk: int):
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    count = review_services.reminders_send(cycle=cycle, by=request.user)
    messages.success(request, _("Đã xếp %(n)d thư nhắc vào hàng gửi.") % {"n": count})
    return redirect("cycles:progress_board", pk=cycle.pk)


def _criteria_context(cycle, **extra):
    return {
        "cycle": cycle,
        "forms_by_kind": criteria_by_form(cycle),
        "scoring_form": ScoringForm(
            initial={
                "band_htxsnv": cycle.band_htxsnv,
                "band_httnv": cycle.band_httnv,
                "band_htnv": cycle.band_htnv,
                "points_decimal_places": cycle.points_decimal_places,
            }
        ),
        **extra,
    }


@require_GET
def criteria_list(request, pk: int):
    """The forms of the cycle, which Home Affairs may adapt to the province until the phase opens."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    return render(request, "cycles/criteria_list.html", _criteria_context(cycle))


@require_POST
def criterion_update(request, pk: int, criterion_pk: int):
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    criterion = get_object_or_404(cycle.criteria, pk=criterion_pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_criterion_update(
                criterion=criterion,
                title=form.cleaned_data["title"],
                max_points=form.cleaned_data["max_points"],
            )
            messages.success(request, _("Đã sửa tiêu chí."))
        except CycleError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Tiêu chí không hợp lệ: cần tên và điểm tối đa từ 0 đến 100."))
    return redirect("cycles:criteria_list", pk=cycle.pk)


@require_POST
def scoring_update(request, pk: int):
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    form = ScoringForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_scoring_update(cycle=cycle, **form.cleaned_data)
            messages.success(request, _("Đã lưu ngưỡng điểm."))
        except CycleError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Ngưỡng điểm không hợp lệ."))
    return redirect("cycles:criteria_list", pk=cycle.pk)


@require_POST
def phase_toggle(request, pk: int, phase_pk: int):
    """Home Affairs opens or closes a phase by hand; deadlines are enforced on top of it."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    phase = get_object_or_404(cycle.phases, pk=phase_pk)
    try:
        if request.POST.get("action") == "open":
            services.phase_open(phase=phase)
            messages.success(request, _("Đã mở giai đoạn “%(phase)s”.") % {"phase": phase.get_kind_display()})
        else:
            services.phase_close(phase=phase)
            messages.success(
                request, _("Đã đóng giai đoạn “%(phase)s”.") % {"phase": phase.get_kind_display()}
            )
    except CycleError as exc:
        messages.error(request, str(exc))
    return redirect("cycles:cycle_detail", pk=cycle.pk)


@require_http_methods(["GET", "POST"])
def quota_settings(request, pk: int):
    """The quota's rate and rounding, and the outstanding-results exceptions per peer group."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    settings_form = QuotaSettingsForm(
        initial={"rate_percent": (cycle.quota_rate * 100).normalize(), "rounding": cycle.quota_rounding}
    )
    exception_form = QuotaExceptionForm(cycle=cycle)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "exception":
                exception_form = QuotaExceptionForm(request.POST, cycle=cycle)
                if exception_form.is_valid():
                    data = exception_form.cleaned_data
                    services.quota_exception_set(
                        cycle=cycle,
                        peer_group=data["peer_group"],
                        rate=data["rate_percent"] / 100,
                        reason=data["reason"],
                        document=data["document"],
                        by=request.user,
                    )
                    messages.success(request, _("Đã ghi ngoại lệ tỷ lệ HTXSNV."))
                    return redirect("cycles:quota_settings", pk=cycle.pk)
            else:
                settings_form = QuotaSettingsForm(request.POST)
                if settings_form.is_valid():
                    services.quota_settings_update(
                        cycle=cycle,
                        rate=settings_form.cleaned_data["rate_percent"] / 100,
                        rounding=settings_form.cleaned_data["rounding"],
                        by=request.user,
                    )
                    messages.success(request, _("Đã lưu cách tính tỷ lệ HTXSNV."))
                    return redirect("cycles:quota_settings", pk=cycle.pk)
        except CycleError as exc:
            messages.error(request, str(exc))
    context = {
        "cycle": cycle,
        "settings_form": settings_form,
        "exception_form": exception_form,
        "exceptions": cycle.quota_exceptions.select_related("peer_group").order_by("peer_group__sort_order"),
        "quota_articles": cycle_quota_citations(cycle),
        "units_rule": small_unit_group_rule(cycle.framework),
    }
    return render(request, "cycles/quota_settings.html", context)


@require_POST
def quota_exception_delete(request, pk: int, exception_pk: int):
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    exception = get_object_or_404(cycle.quota_exceptions, pk=exception_pk)
    try:
        services.quota_exception_remove(exception=exception, by=request.user)
        messages.success(request, _("Đã bỏ ngoại lệ."))
    except CycleError as exc:
        messages.error(request, str(exc))
    return redirect("cycles:quota_settings", pk=cycle.pk)


@require_http_methods(["GET", "POST"])
def agency_ratings(request, pk: int):
    """Each agency's own level for the year: a head is not rated above it (Decree 233/2026 Art. 12(7))."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    organisations = list(Organisation.objects.filter(enrolments__cycle=cycle).distinct().order_by("name"))
    current = {r.organisation_id: r for r in AgencyRating.objects.filter(cycle=cycle)}
    if request.method == "POST":
        saved = 0
        try:
            with transaction.atomic():
                for organisation in organisations:
                    level = request.POST.get(f"level_{organisation.pk}", "")
                    source = request.POST.get(f"source_{organisation.pk}", "")
                    before = current.get(organisation.pk)
                    if (before.level if before else "", before.source if before else "") == (
                        level,
                        source.strip(),
                    ):
                        continue
                    services.agency_rating_set(
                        cycle=cycle, organisation=organisation, level=level, source=source, by=request.user
                    )
                    saved += 1
        except CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "Đã lưu xếp loại của %(n)d cơ quan, đơn vị.",
                    "Đã lưu xếp loại của %(n)d cơ quan, đơn vị.",
                    saved,
                )
                % {"n": saved},
            )
            return redirect("cycles:agency_ratings", pk=cycle.pk)
    rows = [(organisation, current.get(organisation.pk)) for organisation in organisations]
    return render(
        request, "cycles/agency_ratings.html", {"cycle": cycle, "rows": rows, "levels": Level.choices}
    )


# --- The conference (issue #5): Home Affairs is its secretary; the chair reads it and follows the screen. ---


def _may_edit_conference(user, cycle) -> bool:
    return roles_of(user).is_home_affairs and cycle.status in services.EDITABLE_FOR_RATING


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


def _conference_edit_context(request, cycle, conference, **extra):
    context = {
        "cycle": cycle,
        "conference": conference,
        "can_edit": _may_edit_conference(request.user, cycle),
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
def conference_edit(request, pk: int):
    """The conference's set-up: details, guests, attendance, the Home Affairs report, the closing."""
    cycle = get_cycle_for_conference(request.user, pk, write=request.method == "POST")
    conference = _conference_of(cycle)
    extra = {}
    if request.method == "POST":
        form = ConferenceForm(request.POST)
        if form.is_valid():
            try:
                services.conference_set(cycle=cycle, **form.cleaned_data, by=request.user)
            except CycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu thông tin hội nghị."))
                return redirect("cycles:conference_edit", pk=cycle.pk)
        extra["form"] = form
    return render(
        request, "cycles/conference_edit.html", _conference_edit_context(request, cycle, conference, **extra)
    )


def _conference_or_redirect(request, cycle):
    conference = _conference_of(cycle)
    if conference is None:
        messages.error(request, _("Hãy nhập thông tin hội nghị (ngày, giờ, địa điểm) trước."))
    return conference


@require_POST
def conference_attendance(request, pk: int):
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    rows = _attendance_rows(cycle, conference, posted=request.POST)
    entries = [
        services.AttendanceEntry(enrolment_id=enrolment.pk, present=present, absence_reason=reason)
        for enrolment, present, reason in rows
    ]
    try:
        services.conference_attendance_set(conference=conference, entries=entries, by=request.user)
    except CycleError as exc:
        # Keep what was ticked and typed; say what is missing.
        context = _conference_edit_context(
            request, cycle, conference, attendance=rows, attendance_error=str(exc)
        )
        context["present_count"] = sum(1 for _enrolment, present, _reason in rows if present)
        return render(request, "cycles/conference_edit.html", context)
    messages.success(request, _("Đã lưu điểm danh."))
    return redirect(reverse("cycles:conference_edit", kwargs={"pk": cycle.pk}) + "#attendance")


@require_POST
def conference_guest_add(request, pk: int):
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    form = ConferenceGuestForm(request.POST)
    if form.is_valid():
        try:
            services.conference_guest_add(conference=conference, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm khách mời."))
            return redirect(reverse("cycles:conference_edit", kwargs={"pk": cycle.pk}) + "#guests")
    return render(
        request,
        "cycles/conference_edit.html",
        _conference_edit_context(request, cycle, conference, guest_form=form),
    )


@require_POST
def conference_guest_delete(request, pk: int, guest_pk: int):
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    guest = get_object_or_404(
        ConferenceGuest.objects.select_related("conference__cycle"), pk=guest_pk, conference__cycle=cycle
    )
    try:
        services.conference_guest_remove(guest=guest, by=request.user)
        messages.success(request, _("Đã bỏ khách mời %(name)s.") % {"name": guest.name})
    except CycleError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("cycles:conference_edit", kwargs={"pk": cycle.pk}) + "#guests")


@require_POST
def conference_report_upload(request, pk: int):
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    form = ConferenceReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.conference_report_attach(
                conference=conference, upload=form.cleaned_data["report"], by=request.user
            )
        except CycleError as exc:
            form.add_error("report", str(exc))
        else:
            messages.success(request, _("Đã tải báo cáo lên."))
            return redirect(reverse("cycles:conference_edit", kwargs={"pk": cycle.pk}) + "#report")
    return render(
        request,
        "cycles/conference_edit.html",
        _conference_edit_context(request, cycle, conference, report_form=form),
    )


@require_GET
def conference_report_download(request, pk: int):
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
def conference_close(request, pk: int):
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    form = ConferenceCloseForm(request.POST)
    if form.is_valid():
        try:
            services.conference_close(conference=conference, **form.cleaned_data, by=request.user)
        except CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi kết luận và giờ kết thúc hội nghị."))
            return redirect(reverse("cycles:conference_edit", kwargs={"pk": cycle.pk}) + "#closing")
    return render(
        request,
        "cycles/conference_edit.html",
        _conference_edit_context(request, cycle, conference, close_form=form),
    )


@require_GET
def conference_start(request, pk: int):
    """Open the secretary's screen at the person on screen now, or at the first of the agenda."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    target = conference.current_evaluation_id or getattr(
        conference_agenda(cycle).first, "evaluation_id", None
    )
    if target is None:
        messages.error(request, _("Kỳ đánh giá chưa có ai trong danh sách."))
        return redirect("cycles:conference_edit", pk=cycle.pk)
    return redirect("cycles:conference_mode", pk=cycle.pk, evaluation_pk=target)


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


def _conference_mode_context(request, cycle, conference, evaluation_pk, **extra):
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
def conference_mode(request, pk: int, evaluation_pk: int):
    """The secretary's screen: one person at a time in agenda order, with a notes box that saves itself."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_or_redirect(request, cycle)
    if conference is None:
        return redirect("cycles:conference_edit", pk=cycle.pk)
    return render(
        request,
        "cycles/conference_mode.html",
        _conference_mode_context(request, cycle, conference, evaluation_pk),
    )


def _note_saved_text(note) -> str:
    if note is None:
        return ""
    return _("Đã lưu lúc %(time)s") % {"time": date_format(timezone.localtime(note.updated_at), "H:i")}


@require_POST
def conference_note(request, pk: int, evaluation_pk: int):
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
        except CycleError as exc:
            error = str(exc)
    else:
        error = "; ".join(message for messages_ in form.errors.values() for message in messages_)
    if autosave:
        return render(
            request,
            "cycles/_conference_note_status.html",
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
        return redirect("cycles:conference_mode", pk=cycle.pk, evaluation_pk=target.pk)
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
    return render(request, "cycles/conference_mode.html", context, status=409 if stale else 200)


@require_POST
def conference_focus(request, pk: int, evaluation_pk: int):
    """Put this person on the chair's screen."""
    cycle = get_cycle_for_conference(request.user, pk, write=True)
    conference = get_object_or_404(Conference, cycle=cycle)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("enrolment"), pk=evaluation_pk, enrolment__cycle=cycle
    )
    services.conference_focus(conference=conference, evaluation=evaluation, by=request.user)
    return redirect("cycles:conference_mode", pk=cycle.pk, evaluation_pk=evaluation.pk)


@require_GET
def conference_follow(request, pk: int):
    """The chair's screen: whoever the secretary has on screen, read-only; htmx polls it every 3 seconds."""
    cycle = get_cycle_for_conference(request.user, pk)
    conference = _conference_of(cycle)
    context = {"cycle": cycle, "conference": conference, "follow": True}
    if conference is not None and conference.current_evaluation_id:
        context.update(_conference_person(cycle, conference, conference.current_evaluation_id))
    template = "cycles/_conference_person.html" if request.htmx else "cycles/conference_follow.html"
    return render(request, template, context)


# --- Closing the cycle (issue #5): Home Affairs, once nothing is unfinished; read-only afterwards ---


@require_POST
def cycle_close(request, pk: int):
    """Home Affairs closes the cycle (cycles.services.cycle_close says why Home Affairs). A refusal shows the list
    of what is unfinished."""
    cycle = get_cycle_for_user(request.user, pk)
    require_home_affairs(request.user)
    try:
        services.cycle_close(cycle=cycle, by=request.user)
    except CycleError as exc:
        blockers = getattr(exc, "blockers", None) or [str(exc)]
        return render(request, "cycles/cycle_close_refused.html", {"cycle": cycle, "blockers": blockers})
    messages.success(request, _("Đã kết thúc kỳ đánh giá; mọi hồ sơ của kỳ chỉ còn xem được."))
    return redirect("cycles:cycle_detail", pk=cycle.pk)
