"""The compilation table as a workbook: one sheet per peer group plus a summary (issue #4)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from cycles.rulebooks import Level, Scoring

from ..selectors import points_that_count
from .workbook import (
    BORDER,
    NUMBER_TOP,
    RED,
    WARN_FILL,
    WRAP_TOP,
    cell_put,
    header_row_put,
    level_abbreviation_text,
    levels_legend,
    percent_text,
    print_setup_apply,
    row_heights_fit,
    title_put,
    unique_sheet_name,
    workbook_bytes,
)

# --- The compilation table ---

SUMMARY_SHEET = "Tổng hợp"


def _summary_sheet(ws, *, cycle, standing):
    headers = [
        _("STT"),
        _("Nhóm đối tượng"),
        _("Số người"),
        *[level.abbreviation for level in Level],
        _("Không xếp loại"),
        _("Chưa đề xuất"),
        _("Tỷ lệ HTXSNV áp dụng"),
        _("Số HTXSNV tối đa"),
        _("Cách tính"),
        _("Tỷ lệ HTXSNV"),
        _("Ngoại lệ (lý do, văn bản)"),
    ]
    widths = [5, 30, 9, 8, 8, 8, 8, 10, 10, 10, 10, 36, 16, 36]
    last = len(headers)
    title_put(
        ws, 1, _("DANH SÁCH TỔNG HỢP ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG NĂM %(year)d") % {"year": cycle.year}, last
    )
    title_put(ws, 2, cycle.title, last, font=Font(bold=True))
    title_put(
        ws,
        3,
        _("Mức xếp loại theo đề xuất của Sở Nội vụ. Số liệu lúc %(when)s.")
        % {"when": date_format(timezone.localtime(), "H:i d/m/Y")},
        last,
        font=Font(italic=True),
    )
    header_row = 5
    header_row_put(ws, header_row, headers, widths)
    row = header_row
    totals = [0] * 7
    rate_column = headers.index(_("Tỷ lệ HTXSNV áp dụng")) + 1
    for number, group in enumerate(standing.groups, start=1):
        row += 1
        counts = [group.counts.get(level.value, 0) for level in Level]
        figures = [group.total, *counts, group.not_rated, group.undecided]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        exception = ""
        if group.exception is not None:
            exception = _("%(rate)s: %(reason)s (văn bản: %(document)s)") % {
                "rate": percent_text(group.exception.rate),
                "reason": group.exception.reason,
                "document": group.exception.document,
            }
        if group.within:
            verdict = _("Trong tỷ lệ")
        else:
            verdict = _("VƯỢT TỶ LỆ: thừa %(n)d HTXSNV") % {"n": group.position.over_by}
        values = [
            number,
            group.name,
            *figures,
            percent_text(group.position.rate),
            group.position.allowed,
            group.position.arithmetic,
            verdict,
            exception,
        ]
        for column, value in enumerate(values, start=1):
            alignment = NUMBER_TOP if isinstance(value, int) or column == rate_column else WRAP_TOP
            cell_put(ws, row, column, value, alignment=alignment, border=BORDER)
        if not group.within:
            verdict_cell = ws.cell(row=row, column=headers.index(_("Tỷ lệ HTXSNV")) + 1)
            verdict_cell.font = Font(bold=True, color=RED)
            verdict_cell.fill = WARN_FILL
    row += 1
    cell_put(ws, row, 2, _("Tổng cộng"), font=Font(bold=True), border=BORDER)
    for column, value in enumerate(totals, start=3):
        cell_put(ws, row, column, value, font=Font(bold=True), border=BORDER, alignment=NUMBER_TOP)
    cell_put(ws, row + 2, 1, levels_legend(), font=Font(italic=True))
    ws.merge_cells(start_row=row + 2, start_column=1, end_row=row + 2, end_column=last)
    row_heights_fit(ws, 1, row + 2)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    print_setup_apply(ws, header_row)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE


def _uses_points(standing) -> bool:
    return any(row.enrolment.rulebook.scoring is Scoring.POINTS for row in standing.rows)


def _points_of(row, cycle):
    """The score that counts (reviews.selectors.points_that_count), to the cycle's decimal places."""
    points = points_that_count(row.evaluation)
    if points is None:
        return None
    return points.quantize(Decimal(1).scaleb(-cycle.points_decimal_places))


def _meeting_view(evaluation) -> str:
    meeting = getattr(evaluation, "comment_meeting", None)
    if meeting is None:
        return _("Chưa có biên bản")
    level = level_abbreviation_text(meeting.meeting_level) or _("Không nêu mức")
    adopted = _("biên bản đã thông qua") if meeting.minutes_adopted else _("biên bản chưa thông qua")
    return f"{level}\n({adopted})"


def _party_view(evaluation) -> str:
    if getattr(evaluation, "party_opinion", None) is not None:
        return _("Có")
    return _("Chưa có") if evaluation.enrolment.is_party_member else _("Không áp dụng")


def _proposal(evaluation) -> str:
    if evaluation.proposed_not_rated:
        return _("Không xếp loại")
    return level_abbreviation_text(evaluation.proposed_level) or _("Chưa đề xuất")


def compilation_columns(with_points: bool) -> list[tuple[str, int]]:
    columns = [
        (_("STT"), 5),
        (_("Họ và tên"), 20),
        (_("Chức vụ"), 16),
        (_("Cơ quan, đơn vị"), 22),
        (_("Nhóm đối tượng"), 14),
        (_("Tự xếp loại"), 9),
        (_("Ý kiến cuộc họp nhận xét"), 15),
        (_("Ý kiến cấp ủy"), 10),
    ]
    if with_points:
        columns.append((_("Tổng điểm"), 8))
    columns += [
        (_("Mức tối đa được phép"), 11),
        (_("Căn cứ giới hạn (điều, khoản)"), 34),
        (_("Sở Nội vụ đề xuất"), 11),
        (_("Lý do đề xuất"), 28),
        (_("Lưu ý"), 28),
    ]
    return columns


def _group_sheet(ws, *, cycle, group, rows, with_points: bool):
    columns = compilation_columns(with_points)
    headers, widths = [c[0] for c in columns], [c[1] for c in columns]
    last = len(headers)
    title_put(
        ws, 1, _("DANH SÁCH TỔNG HỢP ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG NĂM %(year)d") % {"year": cycle.year}, last
    )
    title_put(ws, 2, _("Nhóm: %(name)s") % {"name": group.name}, last, font=Font(bold=True))
    quota = _("Tỷ lệ HTXSNV: %(arithmetic)s; đề xuất %(n)d HTXSNV.") % {
        "arithmetic": group.position.arithmetic,
        "n": group.position.htxsnv,
    }
    if group.exception is not None:
        quota += " " + _("Ngoại lệ %(rate)s theo %(document)s.") % {
            "rate": percent_text(group.exception.rate),
            "document": group.exception.document,
        }
    if not group.within:
        quota += " " + _("VƯỢT TỶ LỆ: thừa %(n)d HTXSNV.") % {"n": group.position.over_by}
    title_put(
        ws,
        3,
        quota,
        last,
        font=Font(bold=not group.within, color=None if group.within else RED),
        alignment=Alignment(horizontal="left", wrap_text=True),
    )
    header_row = 4
    header_row_put(ws, header_row, headers, widths)
    level_legend = Comment(levels_legend(), "Cổng đánh giá")
    ws.cell(row=header_row, column=headers.index(_("Tự xếp loại")) + 1).comment = level_legend
    proposal_column = headers.index(_("Sở Nội vụ đề xuất")) + 1
    if with_points:
        points_column = headers.index(_("Tổng điểm")) + 1
        places = cycle.points_decimal_places
        points_format = "0." + "0" * places if places else "0"
    for number, row in enumerate(rows, start=1):
        evaluation, enrolment, caps = row.evaluation, row.enrolment, row.caps
        reasons = "\n".join(f"- {reason.text} ({reason.citation})" for reason in caps.binding())
        values = [
            number,
            enrolment.full_name,
            enrolment.title,
            enrolment.organisation_name,
            enrolment.peer_group_name,
            level_abbreviation_text(evaluation.self_proposed_level),
            _meeting_view(evaluation),
            _party_view(evaluation),
        ]
        if with_points:
            values.append(_points_of(row, cycle))
        values += [
            _("Thiếu căn cứ")
            if caps.missing and not caps.not_rated
            else (caps.max_level.abbreviation if caps.max_level else _("Không xếp loại")),
            reasons,
            _proposal(evaluation),
            evaluation.proposal_reason,
            "\n".join(row.warnings),
        ]
        sheet_row = header_row + number
        for column, value in enumerate(values, start=1):
            alignment = NUMBER_TOP if isinstance(value, int | Decimal) else WRAP_TOP
            cell_put(ws, sheet_row, column, value, alignment=alignment, border=BORDER)
        if with_points:
            ws.cell(row=sheet_row, column=points_column).number_format = points_format
        if row.above_cap or (caps.not_rated and evaluation.proposed_level):
            cell = ws.cell(row=sheet_row, column=proposal_column)
            cell.fill, cell.font = WARN_FILL, Font(bold=True, color=RED)
    legend_row = header_row + len(rows) + 2
    cell_put(ws, legend_row, 1, levels_legend(), font=Font(italic=True))
    ws.merge_cells(start_row=legend_row, start_column=1, end_row=legend_row, end_column=last)
    row_heights_fit(ws, 1, legend_row)
    # Number and name stay in view when scrolling right through the wide table.
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    print_setup_apply(ws, header_row)


def compilation_workbook(*, cycle, standing, on_progress=None) -> bytes:
    """The compilation as a clerk files it: the summary first, then one sheet per peer group.
    Reads only what `cohort_standing` already loaded, so it costs no queries of its own. `on_progress(done, total)`
    is told the rows written after each sheet (the worker's progress bar, issue #15)."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    _summary_sheet(summary, cycle=cycle, standing=standing)
    taken = {SUMMARY_SHEET.casefold()}
    with_points = _uses_points(standing)
    rows_of: dict[int, list] = {}
    for row in standing.rows:
        rows_of.setdefault(row.enrolment.peer_group_id, []).append(row)
    written, total = 0, len(standing.rows)
    for group in standing.groups:
        rows = rows_of.get(group.peer_group_id, [])
        ws = workbook.create_sheet(unique_sheet_name(group.name, taken))
        _group_sheet(ws, cycle=cycle, group=group, rows=rows, with_points=with_points)
        written += len(rows)
        if on_progress is not None:
            on_progress(written, total)
    workbook.properties.title = _("Tổng hợp đề xuất xếp loại năm %(year)d") % {"year": cycle.year}
    workbook.properties.creator = "Cổng đánh giá"
    return workbook_bytes(workbook)
