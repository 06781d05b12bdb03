"""One person's evaluation page: what each role may see of it, gathered from the other view modules."""

from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.types import AuthenticatedHttpRequest
from cycles.selectors import self_assessment_form
from officials.permissions import roles_of

from .. import charts
from ..forms import (
    ExtensionForm,
    ReturnForm,
)
from ..permissions import (
    get_evaluation_for_user,
    is_own_evaluation,
)
from ..selectors import (
    evaluation_events,
    level_for_points,
    rating_history,
    result_visible_to_official,
)
from .compilation import meeting_card_context
from .objections import objection_context
from .results import result_context
from .self_assessment import answer_rows, deadline_context


@require_GET
def evaluation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evaluation = get_evaluation_for_user(request.user, pk)
    enrolment = evaluation.enrolment
    roles = roles_of(request.user)
    is_own = is_own_evaluation(request.user, evaluation)
    rulebook = enrolment.rulebook
    parts = self_assessment_form(enrolment)
    history = list(rating_history(enrolment.official)) if (is_own or roles.sees_whole_cohort) else None
    context = {
        "evaluation": evaluation,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "rulebook": rulebook,
        "form_title": rulebook.form_title(enrolment.personnel_type),
        "answer_rows": list(answer_rows(evaluation, parts)),
        "points_level": level_for_points(evaluation),
        "is_own": is_own,
        "is_home_affairs": roles.is_home_affairs,
        "may_download_paper": is_own or roles.sees_whole_cohort,
        # Proposals stay with Home Affairs and the chair until publication (domain.md §2).
        "show_proposal": roles.sees_whole_cohort,
        "show_result": roles.sees_whole_cohort or result_visible_to_official(evaluation),
        "history": history,
        # Issue #13 item 5: the level year over year, once there are two years to compare.
        "history_chart": charts.level_timeline(
            [(past.enrolment.cycle.year, past.final_level, past.final_not_rated) for past in history]
        )
        if history and len(history) > 1
        else None,
        "events": evaluation_events(evaluation, authority=roles.is_home_affairs)
        if (is_own or roles.is_home_affairs)
        else None,
        "attachments": evaluation.attachments.all(),
        "return_form": ReturnForm(),
        "extension_form": ExtensionForm(),
        **deadline_context(evaluation),
        **meeting_card_context(request.user, evaluation, roles, is_own),
        **result_context(request.user, evaluation, roles, is_own),
        **objection_context(request.user, evaluation, roles, is_own),
    }
    return render(request, "reviews/evaluation_detail.html", context)
