"""The self-assessment: the form, its autosave, submit and withdraw, evidence; Home Affairs' return, review start,
deadline extensions, the progress board and reminders."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.types import AuthenticatedHttpRequest
from cycles.models import Cycle, CycleStatus, PhaseKind
from cycles.permissions import get_cycle_for_user
from cycles.rulebooks import Level
from cycles.selectors import cohort, phase_of, self_assessment_deadline, self_assessment_form, time_left
from officials.permissions import require_home_affairs
from reviews.selectors import (
    cohort_progress_version,
    cohort_states,
    level_for_points,
    submissions_per_day,
    unreachable_by_email,
)

from .. import charts, services
from ..errors import ReviewError, StaleFormError
from ..forms import (
    EvidenceForm,
    ExtensionForm,
    ProgressFilterForm,
    ReturnForm,
    SelfAssessmentForm,
    VersionForm,
)
from ..models import (
    EDITABLE_BY_OFFICIAL,
)
from ..permissions import (
    get_evaluation_for_home_affairs,
    get_evaluation_for_user,
    get_own_evaluation_for_user,
)


def deadline_context(evaluation):
    phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
    deadline = self_assessment_deadline(evaluation.enrolment, phase)
    return {
        "phase": phase,
        "deadline": deadline,
        "time_left": time_left(deadline) if deadline else None,
        "phase_allows_editing": services.editing_refusal(evaluation, timezone.now()) is None,
    }


def answer_rows(evaluation, parts):
    for part in parts:
        yield part, [(criterion, evaluation.answers.get(criterion.code, {})) for criterion in part.criteria]


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
        **deadline_context(evaluation),
        **extra,
    }


def _saved_at_text(evaluation) -> str:
    return _("Đã lưu lúc %(time)s") % {
        "time": date_format(timezone.localtime(evaluation.saved_at), "H:i d/m/Y")
    }


def _invalid_fields_text(form: SelfAssessmentForm, parts) -> str:
    """The autosave's status line names each field that is not valid with its message: the red messages under the
    fields appear only when the whole page is posted, so the status line must say it itself (issue #13)."""
    titles = {}
    for part in parts:
        for criterion in part.criteria:
            titles[f"points__{criterion.code}"] = titles[f"text__{criterion.code}"] = gettext(criterion.title)
    lines = []
    for name, errors in form.errors.items():
        label = titles.get(name) or str(form.fields[name].label if name in form.fields else name)
        lines.append(f"{label}: {' '.join(str(e) for e in errors)}")
    return _("Chưa lưu: %(errors)s") % {"errors": "; ".join(lines)}


@require_http_methods(["GET", "POST"])
def self_assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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
    elif autosave:
        error = _invalid_fields_text(form, parts)
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
            saved_rows=list(answer_rows(evaluation, parts)) if stale_version is not None else None,
        ),
        status=409 if stale_version is not None else 200,
    )


@require_http_methods(["GET", "POST"])
def self_assessment_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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
    points_level = level_for_points(evaluation)
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
        **deadline_context(evaluation),
    }
    return render(request, "reviews/self_assessment_submit.html", context)


@require_POST
def self_assessment_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_own_evaluation_for_user(request.user, pk)
    try:
        services.self_assessment_withdraw(evaluation=evaluation, by=request.user)
        messages.success(request, _("Đã rút lại phiếu. Hãy sửa rồi nộp lại trước hạn."))
        return redirect("reviews:self_assessment_edit", pk=evaluation.pk)
    except ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("reviews:evaluation_detail", pk=evaluation.pk)


@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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
def evidence_download(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
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
def evidence_delete(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    evaluation = get_own_evaluation_for_user(request.user, pk)
    attachment = get_object_or_404(evaluation.attachments, pk=attachment_pk)
    try:
        services.evidence_remove(attachment=attachment, by=request.user)
        messages.success(request, _("Đã xóa tệp minh chứng."))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:self_assessment_edit", pk=evaluation.pk)


@require_POST
def evaluation_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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
def evaluation_review_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    try:
        services.review_start(evaluation=evaluation, by=request.user)
        messages.success(request, _("Đã chuyển phiếu sang trạng thái đang xem xét."))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("reviews:evaluation_detail", pk=evaluation.pk)


@require_POST
def deadline_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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


# Rows per page of the progress board.
PROGRESS_PAGE_SIZE = 50


@require_GET
def progress_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Home Affairs' live view of who has not submitted yet, filterable, one page at a time; refreshes itself every
    30 s, and the refresh answers 204 (nothing to swap) when no form of the cohort changed (issue #15)."""
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    states = cohort_states(cycle)
    version = cohort_progress_version(cycle, states)
    etag = f'"{version}"'
    # GZipMiddleware turns a strong ETag weak ("W/…"); either form names the same fingerprint.
    validators = {etag, f"W/{etag}"}
    if request.htmx and (
        request.GET.get("since") == version or request.headers.get("If-None-Match") in validators
    ):
        return HttpResponse(status=204)
    filters = ProgressFilterForm(request.GET or None, cycle=cycle)
    rows = cohort(cycle)
    if filters.is_valid():
        rows = filters.apply(rows)
    page = Paginator(rows, PROGRESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cycle": cycle,
        "rows": page.object_list,
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number)),
        "filters": filters,
        "states": states,
        "version": version,
    }
    if not request.htmx:
        context["progress_chart"] = _progress_chart(cycle, states.total)
    template = "reviews/_progress_table.html" if request.htmx else "reviews/progress_board.html"
    response = render(request, template, context)
    response["ETag"] = etag
    return response


def _progress_chart(cycle: Cycle, total: int) -> charts.ProgressChart:
    """Forms handed in over time (issue #13 item 5), from the self-assessment phase's first day (or the cycle's
    creation) to today or the deadline while the cycle runs, or to the last form once it is signed off."""
    per_day = submissions_per_day(cycle)
    phase = phase_of(cycle, PhaseKind.SELF_ASSESSMENT)
    start = phase.starts_on if phase else timezone.localdate(cycle.created_at)
    if per_day:
        start = min(start, min(per_day))
    deadline = timezone.localdate(phase.deadline) if phase else None
    if cycle.status == CycleStatus.IN_PROGRESS:
        # While the cycle runs, the axis reaches the deadline, so the days left show.
        end = max(timezone.localdate(), deadline or timezone.localdate())
    else:
        end = max(per_day, default=start)
    return charts.progress_over_time(per_day, total=total, start=start, end=end, deadline=deadline)


@require_POST
def reminders_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    require_home_affairs(request.user)
    cycle = get_cycle_for_user(request.user, pk)
    count = services.reminders_send(cycle=cycle, by=request.user)
    messages.success(request, _("Đã xếp %(n)d thư nhắc vào hàng gửi.") % {"n": count})
    unreachable = unreachable_by_email(cycle)
    if unreachable:
        messages.warning(
            request,
            _(
                "%(n)d người chưa nộp không có tài khoản hoặc địa chỉ thư điện tử nên không nhận được thư nhắc: "
                "%(names)s. Hãy liên hệ trực tiếp hoặc nhập phiếu giấy thay họ."
            )
            % {"n": len(unreachable), "names": ", ".join(unreachable)},
        )
    return redirect("reviews:progress_board", pk=cycle.pk)
