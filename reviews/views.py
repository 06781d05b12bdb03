from django.shortcuts import render
from django.views.decorators.http import require_GET

from cycles.models import PhaseKind
from cycles.selectors import phase_of
from officials.permissions import roles_of

from .permissions import get_evaluation_for_user
from .selectors import rating_history, result_visible_to_official


@require_GET
def evaluation_detail(request, pk: int):
    evaluation = get_evaluation_for_user(request.user, pk)
    enrolment = evaluation.enrolment
    roles = roles_of(request.user)
    is_own = roles.official is not None and enrolment.official_id == roles.official.pk
    rulebook = enrolment.rulebook
    context = {
        "evaluation": evaluation,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "rulebook": rulebook,
        "form_title": rulebook.form_title(enrolment.personnel_type),
        "sections": rulebook.form_sections(
            personnel_type=enrolment.personnel_type, is_leader=enrolment.is_leader
        ),
        "phase": phase_of(enrolment.cycle, PhaseKind.SELF_ASSESSMENT),
        "is_own": is_own,
        # Proposals stay with Home Affairs and the chair until publication (domain.md §2).
        "show_proposal": roles.sees_whole_cohort,
        "show_result": roles.sees_whole_cohort or result_visible_to_official(evaluation),
        "history": rating_history(enrolment.official) if (is_own or roles.sees_whole_cohort) else None,
    }
    return render(request, "reviews/evaluation_detail.html", context)
