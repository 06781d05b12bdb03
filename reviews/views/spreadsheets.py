"""The compilation's Excel export and the cap-facts template and import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from common.types import AuthenticatedHttpRequest
from cycles.permissions import get_cycle_for_user
from reviews.permissions import get_cycle_for_home_affairs

from .. import services
from ..errors import ReviewError

# --- Spreadsheets: the compilation export and the cap-facts template and import (issue #4) ---


def _xlsx_response(data: bytes, filename: str):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from ..spreadsheets.workbook import XLSX_CONTENT_TYPE

    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # Proposals before publication: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def compilation_export(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """The compilation table as an Excel workbook: Home Affairs and the chair only (domain.md §2). Built by the
    worker now (issue #15: 74 s at 5,000 people, past gunicorn's timeout): this link leads to the page that asks
    for it (documents, above this app, owns the job; named by its URL only)."""
    from ..permissions import may_see_proposals

    cycle = get_cycle_for_user(request.user, cycle_pk)
    if not may_see_proposals(request.user):
        raise PermissionDenied
    return redirect("documents:compilation_workbook_request", cycle.pk)


@require_GET
def facts_template(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    from ..spreadsheets.facts_import import facts_template_workbook

    cycle = get_cycle_for_home_affairs(request.user, cycle_pk)
    return _xlsx_response(facts_template_workbook(cycle=cycle), f"mau-can-cu-xep-loai-{cycle.year}.xlsx")


@require_http_methods(["GET", "POST"])
def facts_import(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """Upload the filled template. Any error: nothing is imported and every error is listed by row."""
    from ..forms import FactsImportForm
    from ..spreadsheets.facts_import import MAX_IMPORT_BYTES

    cycle = get_cycle_for_home_affairs(request.user, cycle_pk)
    form = FactsImportForm(request.POST or None, request.FILES or None)
    errors = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            try:
                result = services.cap_facts_import(cycle=cycle, data=upload.read(), by=request.user)
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                if result.ok:
                    messages.success(
                        request,
                        ngettext(
                            "Đã nhập căn cứ của %(n)d người (%(same)d người không thay đổi).",
                            "Đã nhập căn cứ của %(n)d người (%(same)d người không thay đổi).",
                            result.recorded,
                        )
                        % {"n": result.recorded, "same": result.unchanged},
                    )
                    return redirect("reviews:facts_import", cycle_pk=cycle.pk)
                errors = result.errors
    context = {"cycle": cycle, "form": form, "errors": errors, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    return render(request, "reviews/facts_import.html", context)
