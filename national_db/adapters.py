"""How rating results leave the portal for the national database of cadres, civil servants and public employees.

The Ministry's data standard (QĐ 356/QĐ-BNV, 17 May 2023) fixes the packet format of the connection through the
sharing services of Decree 47/2020, but its rating fields are not public. So results go through an adapter:

- `JsonFileAdapter` (the default, `NATIONAL_DB_ADAPTER`): writes one JSON file per batch into
  `NATIONAL_DB_EXPORT_DIR`, in the documented format of `schema/rating-results-v1.json`; someone uploads it (or the
  Excel of `results_workbook`) to the national system by hand and marks the entries acknowledged.
- A future QĐ 356 adapter implements the same `send` and reports per entry what the national system refused.

The records carry the identification number in clear: it is what the national database is keyed by. Files are
written readable by the portal's user only; the folder belongs outside any web root.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from openpyxl import Workbook

from common.spreadsheets import cell_value_clean

FORMAT_NAME = "evaluation-portal/rating-results"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "rating-results-v1.json"


@dataclass(frozen=True)
class ResultRecord:
    """One person's rating result as the national database's rating group needs it (Decree 27/2026 Art. 5, group 6)."""

    entry_id: int
    identification_number: str
    full_name: str
    date_of_birth: date | None
    personnel_type: str
    agency: str
    position: str
    year: int
    level: str | None
    level_name: str
    not_rated_reason: str | None
    decision_number: str | None
    decision_date: date
    signing_as: str
    signer: str
    replaces_entry_id: int | None


@dataclass
class SendOutcome:
    """What an adapter reports: a reference for the batch and, per entry id, why the receiver refused it."""

    reference: str
    refused: dict[int, str] = field(default_factory=dict)


class ResultAdapter(Protocol):
    name: str

    def send(self, records: Sequence[ResultRecord]) -> SendOutcome: ...


def record_json(record: ResultRecord) -> dict[str, Any]:
    return {
        "entry_id": record.entry_id,
        "identification_number": record.identification_number,
        "full_name": record.full_name,
        "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else None,
        "personnel_type": record.personnel_type,
        "agency": record.agency,
        "position": record.position,
        "year": record.year,
        "result": {
            "not_rated": record.level is None,
            "level": record.level,
            "level_name": record.level_name,
            "not_rated_reason": record.not_rated_reason,
        },
        "decision": {
            "number": record.decision_number,
            "date": record.decision_date.isoformat(),
            "signing_as": record.signing_as,
            "signer": record.signer,
        },
        "replaces_entry_id": record.replaces_entry_id,
    }


def results_document(
    records: Sequence[ResultRecord], *, sender: str, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON packet, valid against schema/rating-results-v1.json."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": timezone.localtime(now or timezone.now()).isoformat(timespec="seconds"),
        "sender": sender,
        "records": [record_json(record) for record in records],
    }


def results_json(records: Sequence[ResultRecord], *, sender: str) -> bytes:
    return json.dumps(results_document(records, sender=sender), ensure_ascii=False, indent=2).encode()


WORKBOOK_HEADERS = [
    "Số định danh cá nhân",
    "Họ và tên",
    "Ngày sinh",
    "Loại",
    "Cơ quan",
    "Chức vụ",
    "Năm đánh giá",
    "Mức xếp loại",
    "Lý do không xếp loại",
    "Số văn bản",
    "Ngày quyết định",
    "Người ký",
]


def results_workbook(records: Sequence[ResultRecord]) -> bytes:
    """The same records as an Excel sheet for uploading by hand; the number is kept as text (no leading 0 lost)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Ket qua xep loai"
    sheet.append(WORKBOOK_HEADERS)
    for record in records:
        sheet.append(
            [
                cell_value_clean(value)
                for value in (
                    record.identification_number,
                    record.full_name,
                    record.date_of_birth.strftime("%d/%m/%Y") if record.date_of_birth else "",
                    record.personnel_type,
                    record.agency,
                    record.position,
                    record.year,
                    record.level_name,
                    record.not_rated_reason or "",
                    record.decision_number or "",
                    record.decision_date.strftime("%d/%m/%Y"),
                    f"{record.signing_as} {record.signer}",
                )
            ]
        )
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class JsonFileAdapter:
    """The default: one JSON file per batch in `NATIONAL_DB_EXPORT_DIR`, for the manual upload."""

    name = "json-file"

    def __init__(self, directory: Path | None = None, sender: str = "") -> None:
        self.directory = Path(directory or settings.NATIONAL_DB_EXPORT_DIR)
        self.sender = sender

    def send(self, records: Sequence[ResultRecord]) -> SendOutcome:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = self.directory / f"ket-qua-xep-loai-{stamp}-{uuid.uuid4().hex[:8]}.json"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(results_json(records, sender=self.sender))
        return SendOutcome(reference=path.name)


def adapter_from_settings(sender: str = "") -> ResultAdapter:
    adapter_class = import_string(settings.NATIONAL_DB_ADAPTER)
    adapter: ResultAdapter = adapter_class(sender=sender)
    return adapter
