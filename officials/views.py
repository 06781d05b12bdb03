from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cycles.models import CycleStatus, PhaseKind
from cycles.selectors import cycle_progress, cycles_in_progress, next_deadline, phase_of, time_left
from reviews.permissions import evaluations_visible_to
from reviews.selectors import current_evaluation, notices_of, rating_history, repeated_khtnv

from .permissions import require_home_affairs, roles_of
from .selectors import officials_directory


@require_GET
def home(request):
    """Each role lands on what it has to do next; a person with several roles sees each part."""
    roles = roles_of(request.user)
    context = {"roles": roles}
    if roles.is_official:
        evaluation = current_evaluation(roles.official)
        context["my_evaluation"] = evaluation
        if evaluation:
            phase = phase_of(evaluation.enrolment.cycle, PhaseKind.SELF_ASSESSMENT)
            context["my_phase"] = phase
            context["my_time_left"] = time_left(phase.deadline) if phase else None
        context["my_history"] = rating_history(roles.official)
        context["history_khtnv_years"] = repeated_khtnv(roles.official)
        context["my_notices"] = notices_of(roles.official)
        context["my_unread_notices"] = sum(1 for notice in context["my_notices"] if notice.is_unread)
    if roles.sees_whole_cohort or roles.is_office_staff or roles.is_unit_secretary:
        cycles = []
        for cycle in cycles_in_progress():
            totals, _groups = cycle_progress(cycle)
            cycles.append({"cycle": cycle, "totals": totals, "next_phase": next_deadline(cycle)})
        context["open_cycles"] = cycles
    if roles.is_unit_secretary:
        context["unit_evaluations"] = (
            evaluations_visible_to(request.user)
            .filter(
                enrolment__organisation_id__in=roles.secretary_organisation_ids,
                enrolment__cycle__status=CycleStatus.IN_PROGRESS,
            )
            .select_related("enrolment")
            .order_by("enrolment__full_name")
        )
    return render(request, "officials/home.html", context)


@require_GET
def official_list(request):
    require_home_affairs(request.user)
    return render(request, "officials/official_list.html", {"officials": officials_directory()})


@login_not_required
@require_GET
def healthz(request):
    """For the load balancer and docker-compose: says nothing but "ok"."""
    return HttpResponse("ok", content_type="text/plain")
