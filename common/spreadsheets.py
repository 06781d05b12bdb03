"""Reading what a clerk typed into a workbook, tolerantly: dates typed as text or real Excel dates, decimal comma or
dot, "có/không/x" booleans, labels without their diacritics. Every app's import uses these readers; each raises
CellError with a Vietnamese message for the row-by-row report. And the one rule for what goes into a cell the portal
writes (`cell_value_clean`)."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook

from .archives import zip_archive_refusal

__all__ = [
    "FORMULA_TRIGGERS",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "cell_value_clean",
    "header_map",
    "norm",
    "open_workbook",
    "plain",
    "read_bool",
    "read_date",
    "read_decimal",
    "read_key",
    "read_text",
]


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell_value_clean(value: Any) -> Any:
    """Text goes in as text: control characters pasted from Word are dropped (openpyxl refuses them), and text
    that a spreadsheet would read as a formula once a clerk edits the cell gets a leading apostrophe (OWASP
    "CSV Injection": cells starting with =, +, -, @, tab or carriage return; issue #18 item 7)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


class CellError(Exception):
    """A cell the reader refuses; the message is for the clerk."""


def norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def plain(text: Any) -> str:
    """Lower case without diacritics, so "Khien trach" finds "Khiển trách"."""
    decomposed = unicodedata.normalize("NFD", norm(text).replace("đ", "d"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


TRUE_WORDS = {"co", "x", "yes", "y", "true", "1", "dung"}
FALSE_WORDS = {"", "khong", "no", "n", "false", "0", "sai", "-"}


def read_bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = plain(value).rstrip(".")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("Ghi “có” hoặc “không” (hoặc x / để trống), không phải “%(value)s”.") % {"value": value}
    )


DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Excel serial numbers from 2000 to 2099, for a date cell that lost its format.
EXCEL_SERIAL_RANGE = (36526, 73051)


def read_date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]
    ):
        converted: datetime = from_excel(value)
        return converted.date()
    text = str(value).strip()
    try:
        if match := DATE_DMY.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := DATE_ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise CellError(_("“%(value)s” không phải ngày hợp lệ; ghi theo dạng dd/mm/yyyy.") % {"value": value})


def read_decimal(value: Any, *, places: int, percent_format: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” không phải là số.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(round(value, 9))) if isinstance(value, float) else Decimal(value)
        if percent_format:
            # The clerk typed 85% into a percentage-formatted cell: Excel stores 0.85.
            number *= 100
    else:
        text = "".join(str(value).split()).replace("\u00a0", "")
        if text.endswith("%"):
            text = text[:-1]
        if "," in text and "." in text:
            raise CellError(_("“%(value)s”: chỉ dùng một dấu thập phân (phẩy hoặc chấm).") % {"value": value})
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise CellError(_("“%(value)s” không phải là số.") % {"value": value}) from exc
        if not number.is_finite():
            raise CellError(_("“%(value)s” không phải là số.") % {"value": value})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(
            _("“%(value)s”: tối đa %(places)d chữ số thập phân.") % {"value": value, "places": places}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def read_text(value: Any, *, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        text = value.strftime("%d/%m/%Y")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if len(text) > limit:
        raise CellError(_("Dài quá %(max)d ký tự.") % {"max": limit})
    return text


def read_key(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def open_workbook(data: bytes, *, error: type[Exception]) -> Workbook:
    not_excel = _("Tệp tải lên không phải tệp Excel (.xlsx). Hãy dùng mẫu tải từ cổng.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise error(_("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx rồi tải lên."))
    if data[:4] != b"PK\x03\x04":
        raise error(not_excel)
    # Judge the archive by its central directory before openpyxl inflates anything (issue #18 item 4: zip bombs).
    refusal = zip_archive_refusal(io.BytesIO(data))
    if refusal is not None:
        raise error(refusal)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A broken package fails in many ways (BadZipFile, KeyError, lxml/expat errors); to a clerk all mean the same.
    except Exception as exc:
        raise error(not_excel) from exc


def header_map(ws: Any, expected: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """Find the header row (within the first 10) and where each known header sits."""
    wanted = {norm(header): key for key, header in expected.items()}
    for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=10, max_col=60, values_only=True), start=1
    ):
        found = {}
        for index, value in enumerate(values, start=1):
            if value is not None and norm(value) in wanted:
                found[wanted[norm(value)]] = index
        if "key" in found:
            return number, found
    return None
