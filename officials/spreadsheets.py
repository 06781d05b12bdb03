"""The identification numbers' workbook (issue #17): a template listing the officials (never their numbers), and
reading it back. Every row is checked before anything is written; a message never repeats the digits typed."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from common.spreadsheets import CellError, cell_value_clean, header_map, open_workbook, read_key, read_text

from .models import Official, identification_number_clean

HEADERS = {
    "key": "Mã",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "agency": "Cơ quan",
    "number": "Số định danh cá nhân",
}


class WorkbookRefused(Exception):
    """The file as a whole cannot be read; the message is for the clerk."""


@dataclass(frozen=True)
class NumberRow:
    row_number: int
    official: Official
    number: str


@dataclass(frozen=True)
class RowError:
    row_number: int | None
    column: str
    message: str


def identification_template(officials: Iterable[Official]) -> bytes:
    """One row per official; the number column is text (so leading zeros stay) and empty: an empty cell leaves the
    recorded number as it is."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "So dinh danh"
    sheet.append(list(HEADERS.values()))
    for official in officials:
        sheet.append(
            [
                official.pk,
                cell_value_clean(official.full_name),
                official.date_of_birth.strftime("%d/%m/%Y") if official.date_of_birth else "",
                cell_value_clean(official.organisation.name),
                None,
            ]
        )
    for (cell,) in sheet.iter_rows(min_col=5, max_col=5, min_row=2, max_row=max(sheet.max_row, 2)):
        cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number_of(value: Any) -> str:
    text = read_text(value, limit=30)
    try:
        return identification_number_clean(text)
    except ValidationError as error:
        message = error.messages[0]
        if isinstance(value, int | float):
            message += " " + _("Ô đang ở dạng số nên các số 0 ở đầu bị mất: hãy định dạng cột là văn bản.")
        raise CellError(message) from None


def identification_parse(
    data: bytes, officials: dict[int, Official]
) -> tuple[list[NumberRow], list[RowError]]:
    """The rows with a number, or every error by row. Rows whose number cell is empty are skipped."""
    sheet: Any = open_workbook(data, error=WorkbookRefused).active
    found = header_map(sheet, HEADERS)
    if found is None or "number" not in found[1]:
        raise WorkbookRefused(
            _("Không thấy dòng tiêu đề có cột “Mã” và “Số định danh cá nhân”: hãy dùng mẫu của cổng.")
        )
    header_row, columns = found
    rows: list[NumberRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row_number, values in enumerate(
        sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        cell = values[columns["number"] - 1] if len(values) >= columns["number"] else None
        if cell is None or str(cell).strip() == "":
            continue
        official = officials.get(read_key(values[columns["key"] - 1]) or 0)
        if official is None:
            errors.append(
                RowError(row_number, HEADERS["key"], _("Không có cán bộ với mã này trong danh sách."))
            )
            continue
        try:
            number = _number_of(cell)
        except CellError as error:
            errors.append(RowError(row_number, HEADERS["number"], str(error)))
            continue
        if number in seen:
            errors.append(
                RowError(
                    row_number, HEADERS["number"], _("Trùng số với dòng %(row)d.") % {"row": seen[number]}
                )
            )
            continue
        seen[number] = row_number
        rows.append(NumberRow(row_number, official, number))
    return rows, errors
