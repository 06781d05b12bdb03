from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.types import AuthenticatedHttpRequest

from .permissions import require_home_affairs
from .selectors import officials_directory


@require_GET
def official_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    require_home_affairs(request.user)
    return render(request, "officials/official_list.html", {"officials": officials_directory()})
