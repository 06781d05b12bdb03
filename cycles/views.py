from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from officials.permissions import roles_of

from .permissions import can_see_cycles, cycles_visible_to, get_cycle_for_user
from .selectors import cohort, cycle_progress


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
    context = {"cycle": cycle, "cohort": cohort(cycle), "show_status": roles.sees_whole_cohort}
    if roles.sees_whole_cohort:
        context["totals"], context["groups"] = cycle_progress(cycle)
    return render(request, "cycles/cycle_detail.html", context)
