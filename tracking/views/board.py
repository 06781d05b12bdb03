"""Home Affairs' period board (issue #12): the cohort × the periods with each cell's state, counted per period,
filtered by peer group, agency, period and state, the year's score with its working, who tracks whom; refreshed by
htmx every 30 s like the self-assessment progress board. The chair may read it; reminders are Home Affairs'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from officials.permissions import roles_of

from .. import services
from ..errors import TrackingError
from ..home_affairs_forms import BoardFilterForm
from ..models import TrackingPeriod
from ..permissions import get_cycle_for_tracking_board, get_cycle_for_tracking_setup
from ..selectors import enrolments_in_state, tracked_enrolments, tracking_board, tracking_of

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


# Rows per page of the period board.
PAGE_SIZE = 50


@require_GET
def board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = get_cycle_for_tracking_board(request.user, pk)
    tracking = tracking_of(cycle)
    is_home_affairs = roles_of(request.user).is_home_affairs
    if tracking is None:
        return render(
            request, "tracking/board_not_set_up.html", {"cycle": cycle, "is_home_affairs": is_home_affairs}
        )
    filters = BoardFilterForm(request.GET or None, cycle=cycle)
    population = tracked_enrolments(cycle)
    shown = None
    periods = None
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("peer_group"):
            population = population.filter(peer_group=data["peer_group"])
        if data.get("organisation"):
            population = population.filter(organisation=data["organisation"])
        if data.get("period"):
            periods = [data["period"]]
        if data.get("state"):
            candidates = periods or list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
            shown = enrolments_in_state(population, candidates, data["state"], timezone.now())
    # Issue #15: one page of rows (a 41-person cohort fits on one); the counts are over the whole population.
    paginator = Paginator(
        (shown if shown is not None else population).select_related("tracker_assignment"), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "cycle": cycle,
        "board": tracking_board(tracking, population, page.object_list, periods),
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number)),
        "filters": filters,
        "is_home_affairs": is_home_affairs,
        "now": timezone.now(),
    }
    template = "tracking/_board_table.html" if request.htmx else "tracking/board_periods.html"
    return render(request, template, context)


@require_POST
def period_reminders(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Remind now everyone who has not sent this period and every tracker with periods of it waiting (each once per
    period: whoever was reminded already is not reminded again)."""
    cycle = get_cycle_for_tracking_setup(request.user, pk)
    period = get_object_or_404(TrackingPeriod.objects.select_related("cycle"), cycle=cycle, pk=period_pk)
    try:
        count = services.period_reminders_request(period=period, by=request.user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "Đã xếp %(n)d thư nhắc %(period)s vào hàng gửi.",
                    "Đã xếp %(n)d thư nhắc %(period)s vào hàng gửi.",
                    count,
                )
                % {"n": count, "period": period.label},
            )
        else:
            messages.info(
                request,
                _("Không có ai cần nhắc thêm về %(period)s: những người cần nhắc đã được nhắc.")
                % {"period": period.label},
            )
    return redirect("tracking:board", pk=cycle.pk)
