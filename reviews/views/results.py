"""The person's result, notices and the published list (domain.md §3.8)."""

from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from common.types import AuthenticatedHttpRequest
from officials.permissions import roles_of

from .. import services
from ..permissions import (
    get_cycle_for_published_list,
    get_own_notice_for_user,
    may_see_published_list,
)
from ..selectors import (
    decision_in_force,
    published_results,
    repeated_khtnv,
    result_visible_to_official,
)

# --- The person's result, notices and the published list (domain.md §3.8) ---


def result_context(user, evaluation, roles, is_own) -> dict:
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
def notice_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    notice = get_own_notice_for_user(request.user, pk)
    services.notice_mark_read(notice=notice, by=request.user)
    return redirect("reviews:evaluation_detail", pk=notice.evaluation_id)


@require_GET
def published_list(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """The cycle's list of results, for whom the cycle's publication setting allows (see
    `permissions.may_see_published_list`). Before the sign-off, Home Affairs and the chair get a page saying the
    results are not published yet; everyone else a 404."""
    cycle = get_cycle_for_published_list(request.user, cycle_pk)
    published = cycle.is_published
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
