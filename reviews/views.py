import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cycles.models import Cycle, CycleStatus, Enrolment, PhaseKind
from cycles.rulebooks import Level
from cycles.selectors import phase_of, self_assessment_deadline, self_assessment_form, time_left
from officials.permissions import roles_of

from . import services
from .errors import ReviewError, StaleFormError
from .forms import (
    NOT_RATED,
    CapFactsForm,
    CommentMeetingForm,
    CompilationFilterForm,
    EvidenceForm,
    ExtensionForm,
    MeetingListFilterForm,
    ObjectionAnswerForm,
    ObjectionForm,
    PartyOpinionForm,
    ProposalForm,
    ReturnForm,
    SelfAssessmentForm,
    VersionForm,
    opinion_formset,
    opinions_of,
)
from .models import (
    EDITABLE_BY_OFFICIAL,
    CapFacts,
    CommentMeeting,
    Decision,
    DecisionState,
    PartyOpinion,
    SigningAs,
)
from .permissions import (
    evaluations_visible_to,
    get_cycle_for_published_list,
    get_evaluation_for_home_affairs,
    get_evaluation_for_meeting,
    get_evaluation_for_user,
    get_own_evaluation_for_user,
    get_own_notice_for_user,
    is_own_evaluation,
    may_read_party_opinion,
    may_record_meeting,
    may_see_proposals,
    may_see_published_list,
)
from .selectors import (
    LevelSource,
    agency_level_of,
    caps_for,
    cohort_standing,
    cycle_is_published,
    decision_in_force,
    evaluation_events,
    published_results,
    rating_history,
    repeated_khtnv,
    result_visible_to_official,
)


def _deadline_context(evaluation):
    phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
    deadline = self_assessment_deadline(evaluation.enrolment, phase)
    return {
        "phase": phase,
        "deadline": deadline,
        "time_left": time_left(deadline) if deadline else None,
        "phase_allows_editing": services.editing_refusal(evaluation, timezone.now()) is None,
    }


def _answer_rows(evaluation, parts):
    for part in parts:
        yield part, [(criterion, evaluation.answers.get(criterion.code, {})) for criterion in part.criteria]


@require_GET
def evaluation_detail(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    enrolment = evaluation.enrolment
    roles = roles_of(request.user)
    is_own = is_own_evaluation(request.user, evaluation)
    rulebook = enrolment.rulebook
    parts = self_assessment_form(enrolment)
    context = {
        "evaluation": evaluation,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "rulebook": rulebook,
        "form_title": rulebook.form_title(enrolment.personnel_type),
        "answer_rows": list(_answer_rows(evaluation, parts)),
        "points_level": services.level_for_points(evaluation),
        "is_own": is_own,
        "is_home_affairs": roles.is_home_affairs,
        # Proposals stay with Home Affairs and the chair until publication (domain.md §2).
        "show_proposal": roles.sees_whole_cohort,
        "show_result": roles.sees_whole_cohort or result_visible_to_official(evaluation),
        "history": rating_history(enrolment.official) if (is_own or roles.sees_whole_cohort) else None,
        "events": evaluation_events(evaluation, authority=roles.is_home_affairs)
        if (is_own or roles.is_home_affairs)
        else None,
        "attachments": evaluation.attachments.all(),
        "return_form": ReturnForm(),
        "extension_form": ExtensionForm(),
        **_deadline_context(evaluation),
        **_meeting_card_context(request.user, evaluation, roles, is_own),
        **_result_context(request.user, evaluation, roles, is_own),
        **_objection_context(request.user, evaluation, roles, is_own),
    }
    return render(request, "reviews/evaluation_detail.html", context)


def _edit_context(evaluation, form, **extra):
    return {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        "form_title": evaluation.enrolment.rulebook.form_title(evaluation.enrolment.personnel_type),
        "form": form,
        "is_points": any(part.max_points is not None for part in form.parts),
        "bands_json": json.dumps(
            [
                {"min": str(band.min_score), "label": str(band.level.label)}
                for band in evaluation.enrolment.cycle.bands
            ]
            + [{"min": "0", "label": str(Level.KHTNV.label)}]
        ),
        "editable": evaluation.status in EDITABLE_BY_OFFICIAL,
        "evidence_form": EvidenceForm(),
        "attachments": evaluation.attachments.all(),
        **_deadline_context(evaluation),
        **extra,
    }


def _saved_at_text(evaluation) -> str:
    return _("Đã lưu lúc %(time)s") % {"time": date_format(timezone.localtime(evaluation.saved_at), "H:i")}


@require_http_methods(["GET", "POST"])
def self_assessment_edit(request, pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    parts = self_assessment_form(evaluation.enrolment)
    places = evaluation.enrolment.cycle.points_decimal_places
    autosave = request.method == "POST" and request.POST.get("autosave") == "1"
    if request.method == "GET":
        form = SelfAssessmentForm(
            initial=SelfAssessmentForm.initial_for(evaluation), parts=parts, decimal_places=places
        )
        return render(request, "reviews/self_assessment_edit.html", _edit_context(evaluation, form))

    form = SelfAssessmentForm(request.POST, parts=parts, decimal_places=places)
    error = None
    stale_version = None
    if form.is_valid():
        try:
            evaluation = services.self_assessment_save(
                evaluation=evaluation,
                answers=form.answers(),
                self_level=form.cleaned_data["self_level"],
                version=form.cleaned_data["version"],
                by=request.user,
                autosave=autosave,
            )
        except StaleFormError as exc:
            error, stale_version = str(exc), exc.current_version
        except ReviewError as exc:
            error = str(exc)
    else:
        error = _("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô.")

    if autosave:
        return render(
            request,
            "reviews/_save_status.html",
            {
                "evaluation": evaluation,
                "error": error,
                "saved_text": None if error else _saved_at_text(evaluation),
            },
        )
    if error is None:
        messages.success(request, _saved_at_text(evaluation))
        return redirect("reviews:self_assessment_edit", pk=evaluation.pk)
    if stale_version is not None:
        # Keep what the person typed, and let their next save knowingly replace the newer copy.
        data = request.POST.copy()
        data["version"] = stale_version
        form = SelfAssessmentForm(data, parts=parts, decimal_places=places)
        form.is_valid()
        evaluation.refresh_from_db()
    return render(
        request,
        "reviews/self_assessment_edit.html",
        _edit_context(
            evaluation,
            form,
            error=error,
            saved_rows=list(_answer_rows(evaluation, parts)) if stale_version is not None else None,
        ),
        status=409 if stale_version is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def self_assessment_submit(request, pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    if request.method == "POST":
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                services.self_assessment_submit(
                    evaluation=evaluation, version=form.cleaned_data["version"], by=request.user
                )
                messages.success(request, _("Đã nộp phiếu tự đánh giá. Sở Nội vụ sẽ xem xét."))
                return redirect("reviews:evaluation_detail", pk=evaluation.pk)
            except ReviewError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _("Yêu cầu nộp không hợp lệ; hãy tải lại trang."))
        return redirect("reviews:self_assessment_submit", pk=evaluation.pk)
    points_level = services.level_for_points(evaluation)
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "missing": services.missing_items(evaluation),
        "points_level": points_level,
        "level_differs": bool(
            points_level
            and evaluation.self_proposed_level
            and points_level.value != evaluation.self_proposed_level
        ),
        "form": VersionForm(initial={"version": evaluation.version}),
        "already_submitted": evaluation.status not in EDITABLE_BY_OFFICIAL,
        **_deadline_context(evaluation),
    }
    return render(request, "reviews/self_assessment_submit.html", context)


@require_POST
def self_assessment_withdraw(request, pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    try:
        services.self_assessment_withdraw(evaluation=evaluation, by=request.user)
        messages.success(request, _("Đã rút lại phiếu. Hãy sửa rồi nộp lại trước hạn."))
        return redirect("reviews:self_assessment_edit", pk=evaluation.pk)
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:evaluation_detail", pk=evaluation.pk)


@require_POST
def evidence_upload(request, pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp để tải lên."))
    else:
        try:
            attachment = services.evidence_attach(
                evaluation=evaluation, upload=form.cleaned_data["file"], by=request.user
            )
            messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": attachment.original_name})
        except ReviewError as exc:
            messages.error(request, str(exc))
    return redirect("reviews:self_assessment_edit", pk=evaluation.pk)


@require_GET
def evidence_download(request, pk: int, attachment_pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    attachment = get_object_or_404(evaluation.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
def evidence_delete(request, pk: int, attachment_pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    attachment = get_object_or_404(evaluation.attachments, pk=attachment_pk)
    try:
        services.evidence_remove(attachment=attachment, by=request.user)
        messages.success(request, _("Đã xóa tệp minh chứng."))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:self_assessment_edit", pk=evaluation.pk)


@require_POST
def evaluation_return(request, pk: int):
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.self_assessment_return(
                evaluation=evaluation, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, _("Đã trả lại phiếu kèm lý do."))
        except ReviewError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Hãy ghi lý do trả lại (tối đa 2000 ký tự)."))
    return redirect("reviews:evaluation_detail", pk=evaluation.pk)


@require_POST
def evaluation_review_start(request, pk: int):
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    try:
        services.review_start(evaluation=evaluation, by=request.user)
        messages.success(request, _("Đã chuyển phiếu sang trạng thái đang xem xét."))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:evaluation_detail", pk=evaluation.pk)


@require_POST
def deadline_extend(request, pk: int):
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_extend(evaluation=evaluation, until=form.cleaned_data["until"], by=request.user)
            messages.success(request, _("Đã gia hạn nộp cho người này."))
        except ReviewError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Ngày giờ gia hạn không hợp lệ."))
    return redirect("reviews:evaluation_detail", pk=evaluation.pk)


# --- Home Affairs' compilation: the working table, proposals, cap facts (issue #4) ---


def _cycle_for_proposals(user, cycle_pk: int):
    """Home Affairs and the chair; office staff see the cycle but never a proposal before publication."""
    from cycles.permissions import get_cycle_for_user

    cycle = get_cycle_for_user(user, cycle_pk)
    if not may_see_proposals(user):
        raise PermissionDenied
    return cycle


def _compilation_context(request, cycle, standing, **extra):
    return {
        "cycle": cycle,
        "groups": standing.groups,
        "can_propose": roles_of(request.user).is_home_affairs,
        # Abbreviations fit the table's narrow column; the legend above the table spells them out.
        "proposal_choices": [
            ("", _("— Chưa đề xuất —")),
            *((level.value, level.abbreviation) for level in Level),
            (NOT_RATED, _("Không xếp loại")),
        ],
        **extra,
    }


@require_GET
def compilation(request, cycle_pk: int):
    """The whole cohort with caps, proposals, warnings and the live quota meter per peer group."""
    cycle = _cycle_for_proposals(request.user, cycle_pk)
    standing = cohort_standing(cycle, LevelSource.PROPOSED)
    filters = CompilationFilterForm(request.GET or None, rows=standing.rows)
    rows = filters.apply(standing.rows) if filters.is_valid() else standing.rows
    context = _compilation_context(
        request, cycle, standing, rows=rows, filters=filters, total=len(standing.rows)
    )
    return render(request, "reviews/compilation.html", context)


@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk: int):
    """One person's proposal with every cap and its article. From the table it is posted by htmx and answers
    with the row and the group's quota meter; without JavaScript it is an ordinary page."""
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    cycle = evaluation.enrolment.cycle
    initial = {
        "proposal": NOT_RATED if evaluation.proposed_not_rated else evaluation.proposed_level,
        "reason": evaluation.proposal_reason,
    }
    form = ProposalForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation = services.proposal_set(
                    evaluation=evaluation,
                    level=form.level,
                    not_rated=form.not_rated,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ReviewError as exc:
                error = str(exc)
        else:
            error = _("Mức đề xuất hoặc lý do không hợp lệ (lý do tối đa %(max)d ký tự).") % {
                "max": services.MAX_REASON_LENGTH
            }
        if request.htmx:
            standing = cohort_standing(cycle, LevelSource.PROPOSED)
            row = next(r for r in standing.rows if r.evaluation.pk == evaluation.pk)
            if error:
                row.posted_choice = form.data.get("proposal", "")
            context = _compilation_context(
                request, cycle, standing, row=row, error=error, posted=form.data if error else None
            )
            return render(request, "reviews/_proposal_response.html", context)
        if error is None:
            messages.success(
                request, _("Đã ghi đề xuất cho %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:compilation", cycle_pk=cycle.pk)
        messages.error(request, error)
    standing = cohort_standing(cycle, LevelSource.PROPOSED)
    row = next(r for r in standing.rows if r.evaluation.pk == evaluation.pk)
    group = next(g for g in standing.groups if g.peer_group_id == evaluation.enrolment.peer_group_id)
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": cycle,
        "row": row,
        "group": group,
        "form": form,
        "points_level": services.level_for_points(evaluation),
    }
    return render(request, "reviews/proposal_edit.html", context)


@require_http_methods(["GET", "POST"])
def cap_facts_edit(request, pk: int):
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    facts = CapFacts.objects.filter(evaluation=evaluation).first()
    form = CapFactsForm(
        request.POST or None,
        instance=facts,
        initial={"version": facts.version if facts else None},
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.CAP_FACT_FIELDS}
        try:
            services.cap_facts_record(
                evaluation=evaluation, values=values, version=form.cleaned_data["version"], by=request.user
            )
        except ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Đã ghi căn cứ của %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:proposal_edit", pk=evaluation.pk)
    caps = caps_for(evaluation, agency_level_of(evaluation))
    context = {"evaluation": evaluation, "enrolment": evaluation.enrolment, "form": form, "caps": caps}
    return render(request, "reviews/cap_facts_edit.html", context)


# --- Spreadsheets: the compilation export and the cap-facts template and import (issue #4) ---


def _xlsx_response(data: bytes, filename: str):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from .spreadsheets import XLSX_CONTENT_TYPE

    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # Proposals before publication: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _cycle_for_home_affairs(user, cycle_pk: int):
    from django.core.exceptions import PermissionDenied

    from cycles.permissions import get_cycle_for_user

    cycle = get_cycle_for_user(user, cycle_pk)
    if not roles_of(user).is_home_affairs:
        raise PermissionDenied
    return cycle


@require_GET
def compilation_export(request, cycle_pk: int):
    """The compilation table as an Excel workbook: Home Affairs and the chair only (domain.md §2)."""
    from django.core.exceptions import PermissionDenied

    from cycles.permissions import get_cycle_for_user

    from .permissions import may_see_proposals
    from .selectors import LevelSource, cohort_standing
    from .spreadsheets import compilation_workbook

    cycle = get_cycle_for_user(request.user, cycle_pk)
    if not may_see_proposals(request.user):
        raise PermissionDenied
    standing = cohort_standing(cycle, LevelSource.PROPOSED)
    data = compilation_workbook(cycle=cycle, standing=standing)
    return _xlsx_response(data, f"tong-hop-de-xuat-{cycle.year}.xlsx")


@require_GET
def facts_template(request, cycle_pk: int):
    from .spreadsheets import facts_template_workbook

    cycle = _cycle_for_home_affairs(request.user, cycle_pk)
    return _xlsx_response(facts_template_workbook(cycle=cycle), f"mau-can-cu-xep-loai-{cycle.year}.xlsx")


@require_http_methods(["GET", "POST"])
def facts_import(request, cycle_pk: int):
    """Upload the filled template. Any error: nothing is imported and every error is listed by row."""
    from .forms import FactsImportForm
    from .spreadsheets import MAX_IMPORT_BYTES

    cycle = _cycle_for_home_affairs(request.user, cycle_pk)
    form = FactsImportForm(request.POST or None, request.FILES or None)
    errors = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            try:
                result = services.cap_facts_import(cycle=cycle, data=upload.read(), by=request.user)
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                if result.ok:
                    messages.success(
                        request,
                        ngettext(
                            "Đã nhập căn cứ của %(n)d người (%(same)d người không thay đổi).",
                            "Đã nhập căn cứ của %(n)d người (%(same)d người không thay đổi).",
                            result.recorded,
                        )
                        % {"n": result.recorded, "same": result.unchanged},
                    )
                    return redirect("reviews:facts_import", cycle_pk=cycle.pk)
                errors = result.errors
    context = {"cycle": cycle, "form": form, "errors": errors, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    return render(request, "reviews/facts_import.html", context)


# --- The comment meeting's minutes and the party committee's opinion (issue #4) ---


def _meeting_of(evaluation):
    return CommentMeeting.objects.filter(evaluation=evaluation).prefetch_related("opinions").first()


def _vote_rows(meeting) -> list[tuple[str, int]]:
    return [(Level(level).label, count) for level, count in meeting.votes.items()]


def _meeting_card_context(user, evaluation, roles, is_own) -> dict:
    """The "comment meeting and party opinion" card of the evaluation page: three small queries, and only
    for those who may read it."""
    may_record = may_record_meeting(user, evaluation)
    if not (may_record or roles.is_chair or is_own):
        return {"show_meeting_card": False}
    meeting = _meeting_of(evaluation)
    show_party = may_record or roles.is_chair
    return {
        "show_meeting_card": True,
        "meeting": meeting,
        "meeting_votes": _vote_rows(meeting) if meeting and meeting.votes_recorded else None,
        "show_party_opinion": show_party,
        "party_opinion": PartyOpinion.objects.filter(evaluation=evaluation).first() if show_party else None,
        "may_record_meeting": may_record,
        # Home Affairs, the agency's secretary and the chair print the minutes from here (documents app).
        "may_print_meeting_minutes": may_record or roles.is_chair,
    }


def _person_context(evaluation, **extra) -> dict:
    """What the recorder sees of the person above the form: read-only, from the evaluation."""
    return {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        **extra,
    }


def _unsaved_file_note(request) -> str:
    # A browser cannot refill a file input, so say so rather than let the scan silently go missing.
    if request.FILES:
        return " " + _("Tệp scan chưa được lưu: hãy chọn lại tệp trước khi lưu.")
    return ""


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    evaluation = get_evaluation_for_meeting(request.user, pk)
    meeting = _meeting_of(evaluation)
    refusal = services.phase_refusal(evaluation, PhaseKind.COMMENT_MEETING, request.user)
    if request.method == "GET":
        form = CommentMeetingForm(initial=CommentMeetingForm.initial_for(meeting))
        opinions = opinion_formset(meeting=meeting)
        context = _person_context(evaluation, form=form, opinions=opinions, meeting=meeting, refusal=refusal)
        return render(request, "reviews/meeting_edit.html", context)

    form = CommentMeetingForm(request.POST, request.FILES)
    opinions = opinion_formset(request.POST)
    error, stale_version = None, None
    if form.is_valid() and opinions.is_valid():
        try:
            services.comment_meeting_record(
                evaluation=evaluation,
                minutes=form.minutes(),
                opinions=opinions_of(opinions),
                scan=form.cleaned_data["scan"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleFormError as exc:
            error, stale_version = str(exc), exc.current_version
        except ReviewError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Đã lưu biên bản họp nhận xét của %(name)s.") % {"name": evaluation.enrolment.full_name},
            )
            return redirect("reviews:evaluation_detail", pk=evaluation.pk)
    else:
        error = _("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô.")
    if stale_version is not None:
        # Keep what was typed; the next save knowingly replaces the newer copy shown for comparison.
        data = request.POST.copy()
        data["version"] = stale_version
        form = CommentMeetingForm(data)
        form.is_valid()
        meeting = _meeting_of(evaluation)
    context = _person_context(
        evaluation,
        form=form,
        opinions=opinions,
        meeting=meeting,
        refusal=refusal,
        error=error + _unsaved_file_note(request),
        saved_meeting=meeting if stale_version is not None else None,
        meeting_votes=_vote_rows(meeting) if stale_version is not None and meeting.votes_recorded else None,
    )
    return render(request, "reviews/meeting_edit.html", context, status=409 if stale_version else 200)


def _stream_scan(record, evaluation):
    if record is None or not record.signed_scan:
        raise Http404
    try:
        handle = record.signed_scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = services.sniff_content_type(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=record.signed_scan_name or f"scan-{evaluation.pk}",
        content_type=content_type,
    )


@require_GET
def meeting_scan_download(request, pk: int):
    # Everyone who may see the evaluation: Home Affairs, the chair, the secretary of that agency, and the person
    # themself — the minutes record a meeting they attended and were adopted there, and hold no proposal of
    # Home Affairs (domain.md §2), so the person may keep a copy of their own file's minutes.
    evaluation = get_evaluation_for_user(request.user, pk)
    return _stream_scan(CommentMeeting.objects.filter(evaluation=evaluation).first(), evaluation)


@require_http_methods(["GET", "POST"])
def party_opinion_edit(request, pk: int):
    evaluation = get_evaluation_for_meeting(request.user, pk)
    opinion = PartyOpinion.objects.filter(evaluation=evaluation).first()
    refusal = services.phase_refusal(evaluation, PhaseKind.PARTY_OPINION, request.user)
    if request.method == "GET":
        form = PartyOpinionForm(initial=PartyOpinionForm.initial_for(opinion))
        context = _person_context(evaluation, form=form, opinion=opinion, refusal=refusal)
        return render(request, "reviews/party_opinion_edit.html", context)

    form = PartyOpinionForm(request.POST, request.FILES)
    error, stale_version = None, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.party_opinion_record(
                evaluation=evaluation,
                body=data["body"],
                given_on=data["given_on"],
                text=data["text"],
                scan=data["scan"],
                version=data["version"],
                by=request.user,
            )
        except StaleFormError as exc:
            error, stale_version = str(exc), exc.current_version
        except ReviewError as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("Đã lưu ý kiến cấp ủy về %(name)s.") % {"name": evaluation.enrolment.full_name}
            )
            return redirect("reviews:evaluation_detail", pk=evaluation.pk)
    else:
        error = _("Chưa lưu: có ô nhập chưa hợp lệ, xem thông báo đỏ ở từng ô.")
    if stale_version is not None:
        data = request.POST.copy()
        data["version"] = stale_version
        form = PartyOpinionForm(data)
        form.is_valid()
        opinion = PartyOpinion.objects.filter(evaluation=evaluation).first()
    context = _person_context(
        evaluation,
        form=form,
        opinion=opinion,
        refusal=refusal,
        error=error + _unsaved_file_note(request),
        saved_opinion=opinion if stale_version is not None else None,
    )
    return render(request, "reviews/party_opinion_edit.html", context, status=409 if stale_version else 200)


@require_GET
def party_opinion_scan_download(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    if not may_read_party_opinion(request.user, evaluation):
        raise PermissionDenied
    return _stream_scan(PartyOpinion.objects.filter(evaluation=evaluation).first(), evaluation)


@dataclass(frozen=True)
class MeetingRow:
    evaluation: object
    meeting: object
    party_opinion: object


@require_GET
def meeting_list(request, cycle_pk: int):
    """The people whose meeting this user may record: a unit secretary sees only their own agency's people,
    Home Affairs everyone (with a filter by agency). Anyone else has no business here: 404."""
    roles = roles_of(request.user)
    if not (roles.is_home_affairs or roles.secretary_organisation_ids):
        raise Http404
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    evaluations = evaluations_visible_to(request.user).filter(enrolment__cycle=cycle)
    if not roles.is_home_affairs:
        evaluations = evaluations.filter(enrolment__organisation_id__in=roles.secretary_organisation_ids)
    filters = None
    if roles.is_home_affairs:
        organisations = (
            Enrolment.objects.filter(cycle=cycle)
            .order_by("organisation_name")
            .values_list("organisation_id", "organisation_name")
            .distinct()
        )
        filters = MeetingListFilterForm(request.GET or None, organisations=list(organisations))
        if filters.is_valid() and filters.cleaned_data["organisation"]:
            evaluations = evaluations.filter(enrolment__organisation_id=filters.cleaned_data["organisation"])
    evaluations = evaluations.select_related("enrolment", "comment_meeting", "party_opinion").order_by(
        "enrolment__organisation_name", "enrolment__agenda_order", "enrolment__full_name"
    )
    rows = [
        MeetingRow(
            evaluation=evaluation,
            # select_related caches a missing reverse one-to-one as "none": no query per row.
            meeting=getattr(evaluation, "comment_meeting", None),
            party_opinion=getattr(evaluation, "party_opinion", None),
        )
        for evaluation in evaluations
    ]
    context = {
        "cycle": cycle,
        "rows": rows,
        "filters": filters,
        "recorded": sum(1 for row in rows if row.meeting),
        "with_party_opinion": sum(1 for row in rows if row.party_opinion),
    }
    return render(request, "reviews/meeting_list.html", context)


# --- The chair's decisions on one batch screen, and the sign-off (issue #5) ---


def _decision_rows_context(request, cycle, **extra):
    """Rows with each person's caps, proposal and current decision; the quota counted on the decisions."""
    standing = cohort_standing(cycle, LevelSource.FINAL)
    drafts = {
        decision.evaluation_id: decision
        for decision in Decision.objects.filter(
            evaluation__enrolment__cycle=cycle, state__in=[DecisionState.DRAFT, DecisionState.SIGNED]
        )
    }
    for row in standing.rows:
        row.decision = drafts.get(row.evaluation.pk)
    return {
        "cycle": cycle,
        "standing": standing,
        "groups": standing.groups,
        "can_decide": roles_of(request.user).is_chair and cycle.status == CycleStatus.IN_PROGRESS,
        "decision_choices": [
            ("", _("— Chưa quyết định —")),
            *((level.value, level.abbreviation) for level in Level),
            (NOT_RATED, _("Không xếp loại")),
        ],
        "check": services.sign_off_check(cycle, standing)
        if cycle.status == CycleStatus.IN_PROGRESS
        else None,
        "signing_choices": SigningAs.choices,
        **extra,
    }


@require_GET
def decision_board(request, cycle_pk: int):
    cycle = _cycle_for_proposals(request.user, cycle_pk)
    context = _decision_rows_context(request, cycle)
    context["rows"] = context["standing"].rows
    return render(request, "reviews/decision_board.html", context)


@require_POST
def decision_record(request, pk: int):
    """One person's decision, posted from its row (htmx: the row, the quota meters and the sign-off panel come
    back; without JavaScript: a redirect with a message)."""
    evaluation = get_evaluation_for_user(request.user, pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    cycle = evaluation.enrolment.cycle
    choice = request.POST.get("decision", "")
    error = None
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.decision_record(
            evaluation=evaluation,
            level="" if choice == NOT_RATED else choice,
            not_rated=choice == NOT_RATED,
            comments=request.POST.get("comments", ""),
            outlook=request.POST.get("outlook", ""),
            departure_reason=request.POST.get("departure_reason", ""),
            version=version,
            by=request.user,
        )
    except ReviewError as exc:
        error = str(exc)
    if request.htmx:
        context = _decision_rows_context(request, cycle, error=error, posted=request.POST if error else None)
        context["row"] = next(r for r in context["standing"].rows if r.evaluation.pk == evaluation.pk)
        return render(request, "reviews/_decision_response.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Đã ghi quyết định về %(name)s.") % {"name": evaluation.enrolment.full_name}
        )
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)


@require_POST
def cycle_sign_off(request, cycle_pk: int):
    cycle = _cycle_for_proposals(request.user, cycle_pk)
    if not roles_of(request.user).is_chair:
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Hãy đánh dấu xác nhận trước khi phê duyệt."))
        return redirect("reviews:decision_board", cycle_pk=cycle.pk)
    try:
        services.cycle_sign_off(
            cycle=cycle,
            signing_as=request.POST.get("signing_as", ""),
            signer_name=request.POST.get("signer_name", ""),
            by=request.user,
        )
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã phê duyệt kết quả; thông báo đang được gửi tới từng người."))
    return redirect("reviews:decision_board", cycle_pk=cycle.pk)


# --- The person's result, notices and the published list (domain.md §3.8) ---


def _result_context(user, evaluation, roles, is_own) -> dict:
    """The signed result with the authority's comments: for the person once published, and for Home Affairs and
    the chair. A unit secretary sees the level (`show_result`), not the comments."""
    shows_history = is_own or roles.sees_whole_cohort
    context = {"history_khtnv_years": repeated_khtnv(evaluation.enrolment.official) if shows_history else []}
    if result_visible_to_official(evaluation) and shows_history:
        decision = decision_in_force(evaluation)
        context["decision"] = decision
        context["notice"] = getattr(decision, "notice", None) if decision else None
        context["published_list_visible"] = may_see_published_list(user, evaluation.enrolment.cycle)
    return context


@require_POST
def notice_read(request, pk: int):
    notice = get_own_notice_for_user(request.user, pk)
    services.notice_mark_read(notice=notice, by=request.user)
    return redirect("reviews:evaluation_detail", pk=notice.evaluation_id)


@require_GET
def published_list(request, cycle_pk: int):
    """The cycle's list of results, for whom the cycle's publication setting allows (see
    `permissions.may_see_published_list`). Before the sign-off, Home Affairs and the chair get a page saying the
    results are not published yet; everyone else a 404."""
    cycle = get_cycle_for_published_list(request.user, cycle_pk)
    published = cycle_is_published(cycle)
    return render(
        request,
        "reviews/published_list.html",
        {
            "cycle": cycle,
            "published": published,
            "results": list(published_results(cycle)) if published else [],
            "roles": roles_of(request.user),
        },
    )


# --- Objections (issue #5, domain.md §3.9): the person files, the chair answers ---


def _objection_context(user, evaluation, roles, is_own, form=None) -> dict:
    """The "Kiến nghị" card of the evaluation page: the person's own objections and the form while the window is
    open; the chair and Home Affairs see the same list. Two queries, only after publication."""
    from .models import EvaluationStatus, Objection

    if evaluation.status != EvaluationStatus.PUBLISHED or not (is_own or roles.sees_whole_cohort):
        return {"objections": None}
    objections = list(
        Objection.objects.filter(evaluation=evaluation).select_related("decision", "new_decision")
    )
    refusal = services.objection_window_refusal(evaluation)
    has_open = any(objection.status == "open" for objection in objections)
    return {
        "objections": objections,
        "objection_window_refusal": refusal,
        "objection_deadline": getattr(
            phase_of(evaluation.enrolment.cycle, PhaseKind.OBJECTIONS), "deadline", None
        ),
        "objection_form": (form or ObjectionForm()) if is_own and not refusal and not has_open else None,
        "may_answer_objections": roles.is_chair,
        "may_read_audit": roles.sees_whole_cohort,
    }


@require_POST
def objection_file(request, pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_file(evaluation=evaluation, text=form.cleaned_data["text"], by=request.user)
        except ReviewError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(
                request, _("Đã gửi kiến nghị. Bạn sẽ nhận được trả lời trên cổng và qua thư điện tử.")
            )
            return redirect(
                reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk}) + "#objections"
            )
    context = {
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": evaluation.enrolment.cycle,
        "form": form,
    }
    return render(request, "reviews/objection_file.html", context)


@require_POST
def objection_withdraw(request, pk: int, objection_pk: int):
    evaluation = get_own_evaluation_for_user(request.user, pk)
    objection = get_object_or_404(evaluation.objections, pk=objection_pk)
    try:
        services.objection_withdraw(objection=objection, by=request.user)
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã rút kiến nghị."))
    return redirect(reverse("reviews:evaluation_detail", kwargs={"pk": evaluation.pk}) + "#objections")


@require_GET
def objection_list(request, cycle_pk: int):
    """Every objection of the cycle, open ones first: the chair answers, Home Affairs follows."""
    from .models import Objection

    cycle = _cycle_for_proposals(request.user, cycle_pk)
    objections = (
        Objection.objects.filter(evaluation__enrolment__cycle=cycle)
        .select_related("evaluation__enrolment", "decision", "new_decision")
        .order_by(
            Case(When(status="open", then=0), default=1),
            "-filed_at",
            "-pk",
        )
    )
    context = {
        "cycle": cycle,
        "objections": objections,
        "may_answer": roles_of(request.user).is_chair,
        "window": phase_of(cycle, PhaseKind.OBJECTIONS),
    }
    return render(request, "reviews/objection_list.html", context)


def _objection_for_chair(user, pk: int):
    from .models import Objection

    objection = get_object_or_404(
        Objection.objects.select_related("decision", "new_decision", "answered_by"), pk=pk
    )
    # The same 404 as for the person's file when there is no business with it; readers who may not answer: 403.
    evaluation = get_evaluation_for_user(user, objection.evaluation_id)
    if not roles_of(user).is_chair:
        raise PermissionDenied
    objection.evaluation = evaluation
    return objection


@require_http_methods(["GET", "POST"])
def objection_answer(request, pk: int):
    objection = _objection_for_chair(request.user, pk)
    evaluation = objection.evaluation
    cycle = evaluation.enrolment.cycle
    in_force = Decision.objects.filter(evaluation=evaluation, state=DecisionState.SIGNED).first()
    error = None
    if request.method == "POST":
        form = ObjectionAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_answer(
                    objection=objection,
                    answer=data["answer"],
                    outcome=data["outcome"],
                    level=form.level,
                    not_rated=form.not_rated,
                    comments=form.text_or_none("comments"),
                    outlook=form.text_or_none("outlook"),
                    reason=data["reason"],
                    signing_as=data["signing_as"],
                    signer_name=data["signer_name"],
                    by=request.user,
                )
            except ReviewError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    _("Đã trả lời kiến nghị của %(name)s.") % {"name": evaluation.enrolment.full_name},
                )
                return redirect("reviews:objection_list", cycle_pk=cycle.pk)
    else:
        current = in_force or objection.decision
        form = ObjectionAnswerForm(
            initial={
                "outcome": "kept",
                "decision": NOT_RATED if current.not_rated else current.level,
                "signing_as": current.signing_as,
                "signer_name": current.signer_name,
            }
        )
    standing = cohort_standing(cycle, LevelSource.FINAL)
    row = next(r for r in standing.rows if r.evaluation.pk == evaluation.pk)
    group = next(g for g in standing.groups if g.peer_group_id == evaluation.enrolment.peer_group_id)
    context = {
        "objection": objection,
        "evaluation": evaluation,
        "enrolment": evaluation.enrolment,
        "cycle": cycle,
        "in_force": in_force,
        "caps": row.caps,
        "group": group,
        "form": form,
        "error": error,
        "answerable": objection.status == "open" and cycle.status == CycleStatus.SIGNED_OFF,
    }
    return render(request, "reviews/objection_answer.html", context)
