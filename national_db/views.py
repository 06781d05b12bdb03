"""Home Affairs' pages of the sync log: a cycle's results on their way to the national database, sending now, the
JSON and Excel downloads for a manual upload, and marking each entry acknowledged, failed or to be sent again."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.spreadsheets import XLSX_CONTENT_TYPE
from common.types import AuthenticatedHttpRequest
from cycles.models import Cycle

from .adapters import results_json, results_workbook
from .forms import StateFilterForm
from .models import SyncEntry
from .permissions import get_cycle_for_sync, get_entry_for_sync
from .selectors import entries_in_work_order, entry_rows, export_records, live_entries, state_counts
from .services import (
    SyncError,
    sync_entries_reconcile,
    sync_entry_acknowledge,
    sync_entry_fail,
    sync_entry_resend,
    sync_export_recorded,
    sync_send_pending,
)


@require_GET
def sync_list(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    cycle = get_cycle_for_sync(request.user, cycle_pk)
    filters = StateFilterForm(request.GET)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    rows = entry_rows(entries_in_work_order(cycle, state))
    context = {
        "cycle": cycle,
        "filters": filters,
        "rows": rows,
        "counts": [(choice.value, choice.label, count) for choice, count in state_counts(cycle).items()],
        "near": sum(1 for row in rows if row.urgency == "near"),
        "past": sum(1 for row in rows if row.urgency == "past"),
        "missing_numbers": sum(1 for row in rows if not row.has_identification_number),
    }
    return render(request, "national_db/sync_list.html", context)


def _back(cycle: Cycle) -> HttpResponseBase:
    return redirect("national_db:sync_list", cycle_pk=cycle.pk)


@require_POST
def sync_send(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    """ "Gửi ngay": every signed result gets its entry, then the pending ones go through the adapter."""
    cycle = get_cycle_for_sync(request.user, cycle_pk)
    sync_entries_reconcile(cycle=cycle)
    sent = sync_send_pending(cycle=cycle)
    messages.success(request, ngettext("Đã gửi %(n)d kết quả.", "Đã gửi %(n)d kết quả.", sent) % {"n": sent})
    return _back(cycle)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    # Identification numbers: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def _export(
    request: AuthenticatedHttpRequest, cycle_pk: int, file_format: str
) -> tuple[Cycle, list[SyncEntry]]:
    cycle = get_cycle_for_sync(request.user, cycle_pk)
    entries = list(live_entries(cycle))
    sync_export_recorded(cycle=cycle, entries=entries, file_format=file_format, by=request.user)
    return cycle, entries


@require_GET
def export_json(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    cycle, entries = _export(request, cycle_pk, "json")
    data = results_json(export_records(entries), sender=cycle.authority.name)
    return _download(data, "application/json", f"ket-qua-xep-loai-{cycle.year}.json")


@require_GET
def export_xlsx(request: AuthenticatedHttpRequest, cycle_pk: int) -> HttpResponseBase:
    cycle, entries = _export(request, cycle_pk, "xlsx")
    return _download(
        results_workbook(export_records(entries)), XLSX_CONTENT_TYPE, f"ket-qua-xep-loai-{cycle.year}.xlsx"
    )


def _entry_action(
    request: AuthenticatedHttpRequest, pk: int, success: str, act: Callable[[SyncEntry], object]
) -> HttpResponseBase:
    entry = get_entry_for_sync(request.user, pk)
    try:
        act(entry)
    except SyncError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"name": entry.evaluation.enrolment.full_name})
    return _back(entry.cycle)


@require_POST
def entry_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    return _entry_action(
        request,
        pk,
        _("Đã ghi: CSDL quốc gia đã nhận kết quả của %(name)s."),
        lambda entry: sync_entry_acknowledge(entry=entry, by=request.user),
    )


@require_POST
def entry_fail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    # The service trims and caps the reason, and refuses an empty one with its message.
    reason = request.POST.get("reason", "")
    return _entry_action(
        request,
        pk,
        _("Đã ghi lỗi gửi kết quả của %(name)s."),
        lambda entry: sync_entry_fail(entry=entry, reason=reason, by=request.user),
    )


@require_POST
def entry_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    return _entry_action(
        request,
        pk,
        _("Kết quả của %(name)s sẽ được gửi lại trong lô tiếp theo."),
        lambda entry: sync_entry_resend(entry=entry, by=request.user),
    )
