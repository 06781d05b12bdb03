"""Objections (domain.md §3.9): the person files, the chair answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import step_up_refusal
from common.types import AuthenticatedHttpRequest
from cycles.models import CycleStatus
from cycles.selectors import objection_window
from officials.permissions import roles_of

from .. import services
from ..errors import ReviewError
from ..forms import (
    NOT_RATED,
    ObjectionAnswerForm,
    ObjectionForm,
)
from ..models import ObjectionOutcome, ObjectionStatus
from ..permissions import (
    get_cycle_for_proposals,
    get_evaluation_for_user,
    get_own_evaluation_for_user,
)
from ..selectors import (
    LevelSource,
    cohort_standing,
    decision_in_force,
    objections_of_cycle,
)

# --- Objections (issue #5, domain.md §3.9): the person files, the chair answers ---


def objection_context(user, evaluation, roles, is_own, form=None) -> dict:
    """The "Kiến nghị" card of the evaluation page: the person's own objections and the form while the window is
    open; the chair and Home Affairs see the same list. Two queries, only after publication."""
    from ..models import Objection

    if not evaluation.is_published or not (is_own or roles.sees_whole_cohort):
        return {"objections": None}
    objections = list(
        Objection.objects.filter(evaluation=evaluation).select_related("decision", "new_decision")
    )
    refusal = services.objection_window_refusal(evaluation) or services.objection_answered_refusal(
        evaluation, objections
    )
    has_open = any(objection.status == ObjectionStatus.OPEN for objection in objections)
    window = objection_window(evaluation.enrolment.cycle)
    return {
        "objections": objections,
        "objection_window_refusal": refusal,
        "objection_window": window,
        "objection_deadline": window.deadline,
        "objection_form": (form or ObjectionForm()) if is_own and not refusal and not has_open else None,
        "may_answer_objections": roles.is_chair,
        "may_read_audit": roles.sees_whole_cohort,
        # The decision on an objection (issue #14 item 8): Home Affairs drafts it, the chair issues it.
        "may_print_objection_decision": roles.sees_whole_cohort,
    }


@require_POST
def objection_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
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
def objection_withdraw(request: AuthenticatedHttpRequest, pk: int, objection_pk: int) -> HttpResponseBase:
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
def objection_list(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """Every objection of the cycle, open ones first: the chair answers, Home Affairs follows."""
    cycle = get_cycle_for_proposals(request.user, cycle_pk)
    context = {
        "cycle": cycle,
        "objections": objections_of_cycle(cycle),
        "may_answer": roles_of(request.user).is_chair,
        "window": objection_window(cycle),
    }
    return render(request, "reviews/objection_list.html", context)


def _objection_for_chair(user, pk: int):
    from ..models import Objection

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
def objection_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    objection = _objection_for_chair(request.user, pk)
    evaluation = objection.evaluation
    cycle = evaluation.enrolment.cycle
    in_force = decision_in_force(evaluation)
    error = None
    # Issue #18: a new decision replacing the one objected to asks for a fresh second factor.
    changing = request.method == "POST" and request.POST.get("outcome") == ObjectionOutcome.CHANGED
    if changing and (refused := step_up_refusal(request)) is not None:
        return refused
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
        "answerable": objection.status == ObjectionStatus.OPEN and cycle.status == CycleStatus.SIGNED_OFF,
    }
    return render(request, "reviews/objection_answer.html", context)
