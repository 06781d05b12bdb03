"""Evidence files of a period: the person while drafting and their tracker before confirming attach or remove them;
whoever may see the period downloads them, only through this access-checked view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..errors import TrackingError
from ..permissions import get_record_for_user
from . import back_to_period

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp minh chứng."))
        return back_to_period(request, record)
    try:
        services.period_evidence_attach(record=record, upload=upload, by=request.user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": upload.name})
    return back_to_period(request, record)


@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    record = get_record_for_user(request.user, pk)
    evidence = get_object_or_404(record.evidence, pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, pk)
    evidence = get_object_or_404(record.evidence, pk=evidence_pk)
    try:
        services.period_evidence_remove(evidence=evidence, by=request.user)
    except TrackingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã bỏ tệp “%(name)s”.") % {"name": evidence.original_name})
    return back_to_period(request, record)
