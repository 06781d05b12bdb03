from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from common.types import AuthenticatedHttpRequest

from .forms import IdentificationNumberForm
from .models import Official
from .permissions import require_home_affairs
from .selectors import officials_directory
from .services import OfficialsError, identification_number_set


@require_GET
def official_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    require_home_affairs(request.user)
    return render(request, "officials/official_list.html", {"officials": officials_directory()})


def _detail(
    request: AuthenticatedHttpRequest, official: Official, form: IdentificationNumberForm
) -> HttpResponse:
    return render(request, "officials/official_detail.html", {"official": official, "form": form})


@require_GET
def official_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The official's page for Home Affairs: current facts and the identification number (issue #17)."""
    require_home_affairs(request.user)
    official = get_object_or_404(officials_directory(), pk=pk)
    return _detail(request, official, IdentificationNumberForm())


@require_POST
@sensitive_post_parameters("identification_number")
def identification_number_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    require_home_affairs(request.user)
    official = get_object_or_404(officials_directory(), pk=pk)
    form = IdentificationNumberForm(request.POST)
    if form.is_valid():
        try:
            identification_number_set(
                official=official, number=form.cleaned_data["identification_number"], by=request.user
            )
        except OfficialsError as error:
            form.add_error("identification_number", str(error))
        else:
            messages.success(request, _("Đã lưu số định danh cá nhân."))
            return redirect("officials:official_detail", pk=official.pk)
    return _detail(request, official, form)
