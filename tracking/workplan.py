"""The period's work plan as a workbook, for agencies that keep their task lists elsewhere (issue #12): a template
with the plan already entered, and the reading of a filled one. Pure functions: bytes in, task lines or errors out;
the service `period_tasks_import` decides who may import and writes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from common.spreadsheets import (
    CellError,
    cell_value_clean,
    norm,
    open_workbook,
    read_date,
    read_decimal,
    read_text,
)

from .errors import TrackingError

if TYPE_CHECKING:
    from .models import PeriodRecord
    from .services import TaskLine

__all__ = ["MAX_BYTES", "MAX_ROWS", "workplan_parse", "workplan_template"]

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 60  # tracking.services.TASKS_MAX


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: int


def _columns() -> list[Column]:
    return [
        Column("title", _("Nhiệm vụ, sản phẩm"), 50),
        Column("quantity_planned", _("Số lượng giao"), 12),
        Column("quality_required", _("Yêu cầu chất lượng"), 30),
        Column("due_on", _("Thời hạn (dd/mm/yyyy)"), 16),
        Column("quantity_done", _("Số lượng hoàn thành"), 12),
        Column("done_on", _("Ngày hoàn thành (dd/mm/yyyy)"), 16),
        Column("quality_achieved", _("Chất lượng đạt được"), 30),
    ]


def workplan_template(record: PeriodRecord) -> bytes:
    """The workbook a clerk fills: a title row, the headers on row 3, and the plan entered so far."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Kế hoạch")[:31]
    sheet["A1"] = _("Kế hoạch công việc %(period)s – %(name)s") % {
        "period": record.period.label,
        "name": record.enrolment.full_name,
    }
    sheet["A1"].font = Font(bold=True, size=13)
    columns = _columns()
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = column.width
    for row, task in enumerate(record.tasks.all(), start=4):
        values: list[Any] = [
            task.title,
            task.quantity_planned,
            task.quality_required,
            task.due_on.strftime("%d/%m/%Y") if task.due_on else "",
            task.quantity_done,
            task.done_on.strftime("%d/%m/%Y") if task.done_on else "",
            task.quality_achieved,
        ]
        for index, value in enumerate(values, start=1):
            # Text typed as "=..." stays text in the clerk's Excel (the portal's one rule for cells).
            sheet.cell(row=row, column=index, value=cell_value_clean(value))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(value: Any, label: str) -> int | None:
    number = read_decimal(value, places=0)
    if number is None:
        return None
    if number < 0 or number > 1_000_000:
        raise CellError(_("“%(label)s” phải là số nguyên không âm.") % {"label": label})
    return int(number)


def workplan_parse(data: bytes) -> tuple[list[TaskLine], list[str]]:
    """The task lines of a filled template, and one Vietnamese message per refused row (empty rows are skipped)."""
    from .services import TaskLine

    if len(data) > MAX_BYTES:
        return [], [_("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}]
    workbook = open_workbook(data, error=TrackingError)
    sheet = workbook.worksheets[0]
    columns = _columns()
    wanted = {norm(column.header): column.field for column in columns}
    header_row, positions = None, {}
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, max_row=10, max_col=30, values_only=True), start=1
    ):
        found = {wanted[norm(v)]: i for i, v in enumerate(values) if v is not None and norm(v) in wanted}
        if "title" in found:
            header_row, positions = number, found
            break
    if header_row is None:
        return [], [
            _("Không thấy dòng tiêu đề “%(header)s”: hãy dùng mẫu tải từ cổng.")
            % {"header": columns[0].header}
        ]
    lines: list[TaskLine] = []
    errors: list[str] = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
    ):
        cells = {field: values[index] if index < len(values) else None for field, index in positions.items()}
        if all(value is None or str(value).strip() == "" for value in cells.values()):
            continue
        if len(lines) >= MAX_ROWS:
            errors.append(_("Mỗi kỳ tối đa %(n)d nhiệm vụ.") % {"n": MAX_ROWS})
            break
        try:
            title = read_text(cells.get("title"), limit=500)
            if not title:
                raise CellError(_("thiếu tên nhiệm vụ, sản phẩm"))
            lines.append(
                TaskLine(
                    title=title,
                    quantity_planned=_count(cells.get("quantity_planned"), columns[1].header),
                    quality_required=read_text(cells.get("quality_required"), limit=500),
                    due_on=read_date(cells.get("due_on")),
                    quantity_done=_count(cells.get("quantity_done"), columns[4].header),
                    done_on=read_date(cells.get("done_on")),
                    quality_achieved=read_text(cells.get("quality_achieved"), limit=500),
                )
            )
        except CellError as exc:
            errors.append(_("Dòng %(row)d: %(error)s") % {"row": number, "error": exc})
    return lines, errors
