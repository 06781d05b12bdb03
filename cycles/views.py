from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from officials.permissions import require_home_affairs, roles_of
from reviews import services as review_services

from .forms import ProgressFilterForm
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
