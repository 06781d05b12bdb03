from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.spreadsheets import XLSX_CONTENT_TYPE
from common.types import AuthenticatedHttpRequest

from .forms import IdentificationImportForm, IdentificationNumberForm
from .models import Official
from .permissions import require_home_affairs
from .selectors import officials_directory
from .services import OfficialsError, identification_number_set, identification_numbers_import
from .spreadsheets import identification_template


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


@require_GET
def identification_template_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The officials to fill in, without any number already recorded (an empty cell keeps it)."""
    require_home_affairs(request.user)
    response = HttpResponse(identification_template(officials_directory()), content_type=XLSX_CONTENT_TYPE)
    disposition = content_disposition_header(as_attachment=True, filename="mau-so-dinh-danh.xlsx")
    response["Content-Disposition"] = disposition or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def identification_import(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Upload the filled template. Any error: nothing is imported and every error is listed by row."""
    require_home_affairs(request.user)
    form = IdentificationImportForm(request.POST or None, request.FILES or None)
    errors: tuple[Any, ...] = ()
    if request.method == "POST" and form.is_valid():
        try:
            result = identification_numbers_import(data=form.cleaned_data["file"].read(), by=request.user)
        except OfficialsError as error:
            form.add_error(None, str(error))
        else:
            if result.ok:
                messages.success(
                    request,
                    ngettext(
                        "Đã ghi số định danh của %(n)d người (%(same)d người không thay đổi).",
                        "Đã ghi số định danh của %(n)d người (%(same)d người không thay đổi).",
                        result.recorded,
                    )
                    % {"n": result.recorded, "same": result.unchanged},
                )
                return redirect("officials:official_list")
            errors = result.errors
    return render(request, "officials/identification_import.html", {"form": form, "errors": errors})
