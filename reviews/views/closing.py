"""Closing the cycle (domain.md §3.10)."""

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.types import AuthenticatedHttpRequest
from cycles.permissions import get_cycle_for_user
from officials.permissions import require_home_affairs

from .. import services
from ..errors import ReviewError

# --- Closing the cycle (issue #5): Home Affairs, once nothing is unfinished; read-only afterwards ---


@require_POST
def cycle_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """Home Affairs closes the cycle (cycles.services.cycle_close says why Home Affairs). A refusal shows the list
    of what is unfinished."""
    cycle = get_cycle_for_user(request.user, pk)
    require_home_affairs(request.user)
    try:
        services.cycle_close(cycle=cycle, by=request.user)
    except ReviewError as exc:
        blockers = getattr(exc, "blockers", None) or [str(exc)]
        return render(request, "reviews/cycle_close_refused.html", {"cycle": cycle, "blockers": blockers})
    messages.success(request, _("Đã kết thúc kỳ đánh giá; mọi hồ sơ của kỳ chỉ còn xem được."))
    return redirect("portal:cycle_detail", pk=cycle.pk)
