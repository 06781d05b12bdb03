"""The tracker assignments' template and the reading of a filled one (Home Affairs assigns a tracker to each person,
Decree 233/2026 Art. 13(2)). Read as tolerantly as the cap-facts import (reviews/spreadsheets/facts_import.py):
headers found in the first rows whatever their case and spacing, ids typed as text or numbers, names compared in
Unicode NFC and case-folded. All or nothing: the caller writes only when no row has an error."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from common.spreadsheets import CellError, norm, open_workbook, read_key, read_text
from cycles.models import Cycle, Enrolment

from .errors import TrackingError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "MAX_IMPORT_BYTES",
    "AssignmentRow",
    "RowError",
    "assignments_parse",
    "assignments_template_workbook",
]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
SHEET = "Người theo dõi"
HEADER_ROW = 3

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _columns() -> list[tuple[str, str, int]]:
    """(key, header, width). The id and the name identify the person (either is enough); the tracker is named by
    their login, as the administrator created it."""
    return [
        ("key", _("Mã người được đánh giá"), 12),
        ("name", _("Họ và tên"), 26),
        ("title", _("Chức vụ"), 26),
        ("agency", _("Cơ quan, đơn vị"), 28),
        ("tracker", _("Tên đăng nhập người theo dõi"), 22),
        ("tracker_title", _("Chức vụ người theo dõi"), 30),
    ]


@dataclass(frozen=True)
class RowError:
    row_number: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class AssignmentRow:
    row_number: int
    enrolment: Enrolment
    tracker: User
    title: str


def _cohort(cycle: Cycle) -> list[Enrolment]:
    from cycles.selectors import cohort_order

    return list(
        Enrolment.objects.filter(cycle=cycle)
        .select_related("tracker_assignment__tracker")
        .order_by(*cohort_order())
    )


def assignments_template_workbook(*, cycle: Cycle) -> bytes:
    """One row per person of the cohort, with the tracker assigned now (if any), ready to fill and import."""
    columns = _columns()
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = SHEET
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.cell(
        row=1,
        column=1,
        value=_("NGƯỜI THEO DÕI, ĐÁNH GIÁ THEO KỲ NĂM %(year)d") % {"year": cycle.year},
    ).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    ws.cell(
        row=2,
        column=1,
        value=_(
            "Ghi tên đăng nhập của người theo dõi (lãnh đạo giao việc, Nghị định 233/2026 Điều 13 khoản 2) và chức "
            "vụ của họ. Để trống thì giữ nguyên. Có lỗi ở bất kỳ dòng nào thì không dòng nào được nhập."
        ),
    ).font = Font(italic=True)
    for index, (_key, header, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(index)].width = width
    for offset, enrolment in enumerate(_cohort(cycle), start=1):
        row = HEADER_ROW + offset
        assignment = getattr(enrolment, "tracker_assignment", None)
        values: list[Any] = [
            enrolment.pk,
            enrolment.full_name,
            enrolment.title,
            enrolment.organisation_name,
            assignment.tracker.get_username() if assignment else "",
            assignment.tracker_title if assignment else "",
        ]
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.border = _BORDER
            cell.alignment = _WRAP
            if index <= 4:
                cell.fill = _LOCKED_FILL
            else:
                cell.protection = Protection(locked=False)
                cell.number_format = "@"
    ws.freeze_panes = "E4"  # the people's columns stay in view
    workbook.properties.creator = "Cổng đánh giá"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading a filled template ---


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_map(rows: Iterable[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first 10) and where each known header sits; it needs the tracker's column and
    a column naming the person (id or name)."""
    wanted = {norm(header): key for key, header, _width in _columns()}
    for number, values in enumerate(rows, start=1):
        found = {}
        for index, value in enumerate(values, start=1):
            if value is not None and norm(value) in wanted:
                found[wanted[norm(value)]] = index
        if "tracker" in found and ("key" in found or "name" in found):
            return number, found
        if number >= 10:
            break
    return None


def _file_error(message: str) -> tuple[list[AssignmentRow], list[RowError]]:
    return [], [RowError(None, "", message)]


def assignments_parse(*, cycle: Cycle, data: bytes) -> tuple[list[AssignmentRow], list[RowError]]:
    """Every row of a filled template checked: the person is of this cycle (by id, else by a name that is unique in
    the cohort), the tracker's login exists and is active, the title fits. Rows with no tracker are skipped."""
    if not data:
        return _file_error(_("Tệp tải lên rỗng."))
    if len(data) > MAX_IMPORT_BYTES:
        return _file_error(_("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    try:
        workbook = open_workbook(data, error=TrackingError)
    except TrackingError as exc:
        return _file_error(str(exc))
    try:
        ws = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        located = _header_map(ws.iter_rows(min_row=1, max_row=10, max_col=40, values_only=True))
        if located is None:
            return _file_error(
                _("Không thấy dòng tiêu đề của mẫu (cột “%(tracker)s” và “%(key)s” hoặc “%(name)s”).")
                % {
                    "tracker": _("Tên đăng nhập người theo dõi"),
                    "key": _("Mã người được đánh giá"),
                    "name": _("Họ và tên"),
                }
            )
        header_row, positions = located
        rows = list(
            ws.iter_rows(
                min_row=header_row + 1,
                max_row=header_row + MAX_IMPORT_ROWS + 1,
                max_col=max(positions.values()),
                values_only=True,
            )
        )
    finally:
        workbook.close()
    return _rows_check(cycle, header_row, positions, rows)


def _rows_check(
    cycle: Cycle, header_row: int, positions: dict[str, int], rows: Sequence[Sequence[object]]
) -> tuple[list[AssignmentRow], list[RowError]]:
    headers = {key: header for key, header, _width in _columns()}
    cohort = _cohort(cycle)
    by_pk = {person.pk: person for person in cohort}
    by_name: dict[str, list[Enrolment]] = {}
    for person in cohort:
        by_name.setdefault(norm(person.full_name), []).append(person)
    user_model = get_user_model()
    users = {user.get_username().casefold(): user for user in user_model.objects.filter(is_active=True)}
    parsed: list[AssignmentRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}

    def where(key: str) -> str:
        return f"{get_column_letter(positions[key])} ({headers[key]})"

    for number, values in enumerate(rows, start=header_row + 1):
        if all(_blank(value) for value in values):
            continue
        if number > header_row + MAX_IMPORT_ROWS:
            return _file_error(_("Tệp có quá %(n)d dòng.") % {"n": MAX_IMPORT_ROWS})

        def cell(key: str, values: Sequence[object] = values) -> object:
            index = positions.get(key)
            return values[index - 1] if index is not None and index <= len(values) else None

        raw_key, raw_name = cell("key"), cell("name")
        enrolment: Enrolment | None = None
        if not _blank(raw_key):
            key = read_key(raw_key)
            enrolment = by_pk.get(key) if key is not None else None
            if enrolment is None:
                errors.append(
                    RowError(
                        number,
                        where("key"),
                        _("Mã “%(key)s” không phải người được đánh giá của kỳ này.") % {"key": raw_key},
                    )
                )
                continue
            if not _blank(raw_name) and norm(raw_name) != norm(enrolment.full_name):
                errors.append(
                    RowError(
                        number,
                        where("name"),
                        _("Họ tên “%(name)s” không khớp với mã %(key)s (%(expected)s).")
                        % {"name": raw_name, "key": enrolment.pk, "expected": enrolment.full_name},
                    )
                )
                continue
        elif not _blank(raw_name):
            matches = by_name.get(norm(raw_name), [])
            if not matches:
                errors.append(
                    RowError(
                        number,
                        where("name"),
                        _("Không có ai tên “%(name)s” trong danh sách người được đánh giá.")
                        % {"name": raw_name},
                    )
                )
                continue
            if len(matches) > 1:
                errors.append(
                    RowError(
                        number,
                        where("name"),
                        _("Có %(n)d người tên “%(name)s”; hãy ghi mã người được đánh giá.")
                        % {"n": len(matches), "name": raw_name},
                    )
                )
                continue
            enrolment = matches[0]
        else:
            column = where("key") if "key" in positions else where("name")
            errors.append(RowError(number, column, _("Thiếu mã hoặc họ tên người được đánh giá.")))
            continue
        raw_login = cell("tracker")
        if _blank(raw_login):
            continue  # nothing to change for this person
        if enrolment.pk in seen:
            errors.append(
                RowError(
                    number,
                    where("key") if "key" in positions else where("name"),
                    _("%(name)s đã có ở dòng %(row)d.")
                    % {"name": enrolment.full_name, "row": seen[enrolment.pk]},
                )
            )
            continue
        seen[enrolment.pk] = number
        tracker = users.get(str(raw_login).strip().casefold())
        if tracker is None:
            errors.append(
                RowError(
                    number,
                    where("tracker"),
                    _("Không có tài khoản đang hoạt động với tên đăng nhập “%(login)s”.")
                    % {"login": raw_login},
                )
            )
            continue
        try:
            title = read_text(cell("tracker_title"), limit=255) if "tracker_title" in positions else ""
        except CellError as exc:
            errors.append(RowError(number, where("tracker_title"), str(exc)))
            continue
        parsed.append(AssignmentRow(number, enrolment, tracker, title))
    return parsed, errors
