"""The period's work plan as a workbook: the template to fill (with the plan entered so far) and its import, for the
person while drafting and for their tracker, who assigns the work (Decree 233/2026 Art. 13(1))."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.spreadsheets import XLSX_CONTENT_TYPE

from .. import services
from ..errors import TrackingError
from ..models import PeriodRecord, TrackerAssignment
from ..permissions import get_record_for_user
from ..workplan import MAX_BYTES, workplan_template
from . import back_to_period

if TYPE_CHECKING:
    from common.types import AuthenticatedHttpRequest


class WorkplanImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel kế hoạch công việc (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": gettext_lazy("Hãy chọn tệp Excel để nhập.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def _may_import(request: AuthenticatedHttpRequest, record: PeriodRecord) -> bool:
    return (
        record.enrolment.official.user_id == request.user.pk
        or TrackerAssignment.objects.filter(
            enrolment_id=record.enrolment_id, tracker_id=request.user.pk
        ).exists()
    )


@require_GET
def workplan_template_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Whoever may see the period may download its plan; only the person and their tracker import one."""
    record = get_record_for_user(request.user, pk)
    response = HttpResponse(workplan_template(record), content_type=XLSX_CONTENT_TYPE)
    name = f"ke-hoach-{record.period.short_label}-{slugify(record.enrolment.full_name)}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@require_POST
def workplan_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, pk)
    if not _may_import(request, record):
        raise PermissionDenied
    form = WorkplanImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back_to_period(request, record)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:
        messages.error(request, _("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        return back_to_period(request, record)
    try:
        record = services.period_tasks_import(
            record=record, data=upload.read(), version=form.cleaned_data["version"], by=request.user
        )
    except TrackingError as exc:
        messages.error(request, _("Chưa nhập được kế hoạch: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Đã nhập %(n)d nhiệm vụ từ tệp Excel.") % {"n": record.tasks.count()})
    return back_to_period(request, record)
