"""Home Affairs acting for people who do not use the portal: the paper form entered on their behalf with its signed
scan, and "not rated this year" with the reason and the article (issue #13)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.types import AuthenticatedHttpRequest
from cycles.selectors import self_assessment_form
from officials.permissions import roles_of

from .. import services
from ..errors import ReviewError, StaleFormError
from ..forms import ExemptionForm, PaperEntryForm
from ..models import EvaluationStatus
from ..permissions import get_evaluation_for_home_affairs, get_evaluation_for_user, is_own_evaluation


@require_http_methods(["GET", "POST"])
def paper_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    enrolment = evaluation.enrolment
    parts = self_assessment_form(enrolment)
    places = enrolment.cycle.points_decimal_places
    error = None
    if request.method == "POST":
        form = PaperEntryForm(request.POST, request.FILES, parts=parts, decimal_places=places)
        if form.is_valid():
            try:
                services.self_assessment_enter_on_paper(
                    evaluation=evaluation,
                    answers=form.answers(),
                    self_level=form.cleaned_data["self_level"],
                    scan=form.cleaned_data["scan"],
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except (ReviewError, StaleFormError) as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    _("Đã nhập phiếu giấy của %(name)s; phiếu được tính là đã nộp.")
                    % {"name": enrolment.full_name},
                )
                return redirect("reviews:evaluation_detail", pk=evaluation.pk)
    else:
        form = PaperEntryForm(
            initial=PaperEntryForm.initial_for(evaluation), parts=parts, decimal_places=places
        )
    context = {
        "evaluation": evaluation,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "form": form,
        "error": error,
        "enterable": evaluation.status in services.PAPER_ENTERABLE,
    }
    return render(request, "reviews/paper_entry.html", context)


@require_GET
def paper_scan_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The signed paper form: Home Affairs, the chair and the person themself."""
    evaluation = get_evaluation_for_user(request.user, pk)
    if not (roles_of(request.user).sees_whole_cohort or is_own_evaluation(request.user, evaluation)):
        raise PermissionDenied
    if not evaluation.paper_scan:
        raise Http404
    try:
        handle = evaluation.paper_scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=evaluation.paper_scan_name or "phieu-giay")


@require_http_methods(["GET", "POST"])
def exemption_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_home_affairs(request.user, pk)
    enrolment = evaluation.enrolment
    error = None
    form = ExemptionForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "lift":
                services.evaluation_exemption_lift(evaluation=evaluation, by=request.user)
                messages.success(request, _("Đã bỏ ghi trường hợp không đánh giá, xếp loại."))
                return redirect("reviews:evaluation_detail", pk=evaluation.pk)
            if form.is_valid():
                services.evaluation_exempt(
                    evaluation=evaluation,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    article=form.cleaned_data["article"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Đã ghi %(name)s không đánh giá, xếp loại năm nay.") % {"name": enrolment.full_name},
                )
                return redirect("reviews:evaluation_detail", pk=evaluation.pk)
        except ReviewError as exc:
            error = str(exc)
    context = {
        "evaluation": evaluation,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "form": form,
        "error": error,
        "is_exempt": evaluation.status == EvaluationStatus.EXEMPT,
    }
    return render(request, "reviews/exemption_edit.html", context)
