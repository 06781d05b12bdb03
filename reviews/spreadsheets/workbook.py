"""What every workbook of the portal shares: styles, cells, titles, headers, print setup, bytes."""

import io
import math
import re
from copy import copy
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from common.spreadsheets import XLSX_CONTENT_TYPE, cell_value_clean  # noqa: F401 (XLSX_CONTENT_TYPE re-exported)
from cycles.rulebooks import Level

# Excel's own limit on sheet names, and the characters it refuses in them.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
WARN_FILL = PatternFill("solid", fgColor="F8CBAD")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
RED = "C00000"
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
NUMBER_TOP = Alignment(vertical="top", horizontal="center")
TITLE_FONT = Font(bold=True, size=13)


# --- Writing helpers ---


def cell_put(ws, row: int, column: int, value, **style):
    cell = ws.cell(row=row, column=column, value=cell_value_clean(value))
    # A reason typed as "=HYPERLINK(...)" must stay text, never become a formula in the clerk's Excel.
    if cell.data_type == "f":
        cell.data_type = "s"
    if style:
        _style_apply(ws, cell, style)
    return cell


def _style_apply(ws, cell, style: dict) -> None:
    """Give the cell these styles. openpyxl hashes every style object (recursively) each time one is set, which was
    half of a 5,000-person export (issue #15); the same combination is looked up once per workbook and then copied.
    Keyed by the objects' identity, and the objects are kept with the entry so that an id is never reused."""
    cache = ws.parent.__dict__.setdefault("_portal_styles", {})
    key = tuple((name, id(setting)) for name, setting in style.items())
    known = cache.get(key)
    if known is None:
        for name, setting in style.items():
            setattr(cell, name, setting)
        cache[key] = (tuple(style.values()), copy(cell._style))
    else:
        cell._style = copy(known[1])


def title_put(ws, row: int, text: str, last_column: int, font=TITLE_FONT, alignment=None):
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    cell_put(
        ws, row, 1, text, font=font, alignment=alignment or Alignment(horizontal="center", wrap_text=True)
    )


def header_row_put(ws, row: int, headers: list[str], widths: list[int]):
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell_put(
            ws, row, column, header, font=Font(bold=True), alignment=CENTER, fill=HEADER_FILL, border=BORDER
        )
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup_apply(ws, header_row: int):
    """A4 landscape, one page wide, the header repeated on every printed page, page numbers in the footer."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.oddFooter.center.text = _("Trang &P/&N")


LINE_POINTS = 15  # one line of 11 pt text


def row_heights_fit(ws, first_row: int, last_row: int):
    """Row heights for wrapped text. Neither openpyxl nor LibreOffice sizes rows on opening, so each row gets
    the height of its longest cell, estimated from the column widths (one width unit ≈ one character).

    One pass over the rows (issue #15): `ws[row]` makes openpyxl rescan every cell of the sheet for its last
    column, so reading row by row was quadratic (81 % of a 5,000-person export's 74 s)."""
    spans = {}
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = range(merged.min_col, merged.max_col + 1)
    widths: dict[int, float] = {}

    def width_of(column: int) -> float:
        if column not in widths:
            widths[column] = ws.column_dimensions[get_column_letter(column)].width or 8.43
        return widths[column]

    for row, cells in enumerate(ws.iter_rows(min_row=first_row, max_row=last_row), start=first_row):
        lines = 1
        for cell in cells:
            if cell.value is None or not isinstance(cell.value, str):
                continue
            columns = spans.get((row, cell.column), [cell.column])
            width = sum(width_of(c) for c in columns)
            per_line = max(int(width * (0.95 if cell.font and cell.font.bold else 1.1)) - 1, 1)
            needed = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_POINTS


def level_abbreviation_text(value: str) -> str:
    return Level(value).abbreviation if value else ""


def percent_text(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def levels_legend() -> str:
    return _("Ghi chú: ") + "; ".join(f"{level.abbreviation} – {level.label}" for level in Level) + "."


def unique_sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\, not starting or ending with an apostrophe,
    and unique ignoring case (Excel compares sheet names that way)."""
    base = SHEET_NAME_FORBIDDEN.sub("-", " ".join((name or "").split())).strip("'").strip() or _("Nhóm")
    candidate, counter = base[:SHEET_NAME_MAX].strip(), 1
    while candidate.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)].strip() + suffix
    taken.add(candidate.casefold())
    return candidate


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
