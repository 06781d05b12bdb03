"""The cap-facts template and the reading of a filled one. Everything a clerk types is read tolerantly (dates
typed as text or real Excel dates, decimal comma or dot, "có/không/x" booleans, discipline forms by their Vietnamese
label) and then checked by the same `cap_facts_clean` the on-screen form uses, so a spreadsheet cannot record what
the form would refuse."""

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from common.archives import zip_archive_refusal
from cycles.rulebooks.caps import DisciplineCounting
from cycles.selectors import cohort_order

from ..errors import ReviewError
from ..models import CapFacts, DisciplineForm, Evaluation
from ..services import CAP_FACT_FIELDS, cap_facts_clean
from .workbook import (
    BORDER,
    LOCKED_FILL,
    WRAP_TOP,
    cell_put,
    header_row_put,
    print_setup_apply,
    row_heights_fit,
    title_put,
    workbook_bytes,
)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 2000

# --- The cap-facts template and its import ---

FACTS_SHEET = "Căn cứ"
INSTRUCTIONS_SHEET = "Hướng dẫn"
FACTS_HEADER_ROW = 3
YES, NO = "có", "không"


@dataclass(frozen=True)
class FactColumn:
    field: str
    header: str
    kind: str  # "bool", "choice", "date", "decimal", "text"
    width: int = 14


def fact_columns() -> list[FactColumn]:
    """One column per cap fact, in the order a clerk reads a personnel file."""
    columns = [
        FactColumn("months_worked", _("Số tháng công tác trong năm"), "decimal", 11),
        FactColumn("months_absent", _("Số tháng nghỉ (không kể thai sản)"), "decimal", 11),
        FactColumn("on_maternity_leave", _("Nghỉ thai sản trong năm (có/không)"), "bool", 12),
        FactColumn("on_sick_leave", _("Nghỉ ốm theo chế độ BHXH trong năm (có/không)"), "bool", 12),
        FactColumn("discipline_form", _("Hình thức kỷ luật"), "choice", 18),
        FactColumn("discipline_date", _("Ngày quyết định kỷ luật (dd/mm/yyyy)"), "date", 14),
        FactColumn("discipline_source", _("Quyết định kỷ luật (số, cơ quan ban hành)"), "text", 24),
        FactColumn(
            "discipline_unrelated_to_duties",
            _("Vi phạm không liên quan đến thực hiện nhiệm vụ (có/không)"),
            "bool",
            12,
        ),
        FactColumn("discipline_counting", _("Năm tính kỷ luật (để trống: năm đánh giá này)"), "counting", 18),
        FactColumn("degradation_concluded", _("Có kết luận suy thoái (có/không)"), "bool", 12),
        FactColumn("degradation_source", _("Văn bản kết luận suy thoái"), "text", 22),
        FactColumn(
            "corruption_in_unit",
            _("Đơn vị trực tiếp phụ trách để xảy ra tham nhũng, lãng phí (có/không)"),
            "bool",
            16,
        ),
        FactColumn("corruption_source", _("Văn bản xử lý tham nhũng, lãng phí"), "text", 22),
        FactColumn(
            "corruption_self_remedied",
            _("Đã chủ động phát hiện, báo cáo, xử lý, khắc phục xong (có/không)"),
            "bool",
            16,
        ),
        FactColumn("targets_met_pct", _("Tỷ lệ chỉ tiêu hoàn thành (%)"), "decimal", 12),
        FactColumn("targets_exceeded_pct", _("Tỷ lệ chỉ tiêu vượt mức (%)"), "decimal", 12),
        FactColumn(
            "subordinates_htnv_or_above_pct", _("Tỷ lệ đơn vị trực thuộc từ HTNV trở lên (%)"), "decimal", 13
        ),
        FactColumn(
            "subordinates_httnv_or_above_pct",
            _("Tỷ lệ đơn vị trực thuộc từ HTTNV trở lên (%)"),
            "decimal",
            13,
        ),
        FactColumn("confidence_vote_low_pct", _("Tỷ lệ phiếu tín nhiệm thấp (%)"), "decimal", 12),
        FactColumn("points_total", _("Tổng điểm được xác nhận"), "decimal", 11),
        FactColumn("source", _("Nguồn số liệu"), "text", 26),
    ]
    assert sorted(c.field for c in columns) == sorted(CAP_FACT_FIELDS), "every cap fact needs a column"
    return columns


def _key_columns() -> list[tuple[str, str, int]]:
    # The evaluation id and the facts' version are hidden and locked; name, title and agency are for the clerk.
    return [
        ("key", _("Mã hồ sơ (không sửa)"), 10),
        ("version", _("Phiên bản (không sửa)"), 8),
        ("name", _("Họ và tên"), 22),
        ("title", _("Chức vụ"), 18),
        ("agency", _("Cơ quan, đơn vị"), 24),
    ]


def current_facts(evaluation: Evaluation) -> dict:
    """The person's recorded facts, or the model's defaults when none are recorded yet."""
    facts = getattr(evaluation, "cap_facts", None)
    if facts is None:
        return {name: CapFacts._meta.get_field(name).get_default() for name in CAP_FACT_FIELDS}
    return {name: getattr(facts, name) for name in CAP_FACT_FIELDS}


def facts_version(evaluation: Evaluation) -> int:
    facts = getattr(evaluation, "cap_facts", None)
    return facts.version if facts is not None else 0


def _template_value(column: FactColumn, value):
    if column.kind == "bool":
        return YES if value else NO
    if column.kind == "choice":
        return str(DisciplineForm(value).label) if value else ""
    if column.kind == "counting":
        return str(DisciplineCounting(value).label) if value else ""
    if column.kind == "date":
        # Text, not an Excel date: a dd/mm date typed into an English-locale Excel would turn into mm/dd.
        return value.strftime("%d/%m/%Y") if value else ""
    return value if value is not None else ""


def _cycle_evaluations(cycle):
    return (
        Evaluation.objects.filter(enrolment__cycle=cycle)
        .select_related("enrolment__cycle", "cap_facts")
        .order_by(*cohort_order("enrolment__"))
    )


def _instructions_sheet(ws, *, cycle, columns: list[FactColumn]):
    lines = [
        (_("HƯỚNG DẪN NHẬP CĂN CỨ GIỚI HẠN MỨC XẾP LOẠI"), True),
        (cycle.title, True),
        ("", False),
        (
            _("1. Mỗi dòng ở trang “%(sheet)s” là một người được đánh giá trong kỳ này.")
            % {"sheet": FACTS_SHEET},
            False,
        ),
        (
            _(
                "2. Không sửa các cột Mã hồ sơ, Họ và tên, Chức vụ, Cơ quan, đơn vị; không thêm người mới (người được đánh "
                "giá do Sở Nội vụ ghi danh trên cổng). Có thể xóa dòng của người không cần nhập."
            ),
            False,
        ),
        (_("3. Cột có/không: ghi “có” (hoặc x) hoặc “không” (hoặc để trống)."), False),
        (_("4. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 05/04/%(year)d.") % {"year": cycle.year}, False),
        (_("5. Số có thể dùng dấu phẩy hoặc dấu chấm thập phân, ví dụ 8,5 hoặc 8.5."), False),
        (
            _("6. Hình thức kỷ luật chọn trong danh sách: %(forms)s.")
            % {"forms": ", ".join(str(label) for label in DisciplineForm.labels)},
            False,
        ),
        (
            _(
                "7. Khi nhập, cổng kiểm tra từng dòng. Nếu có bất kỳ dòng nào lỗi thì không dòng nào được nhập; "
                "cổng liệt kê dòng, cột và lỗi để sửa rồi nhập lại."
            ),
            False,
        ),
        (
            _(
                "8. Nếu căn cứ của một người đã được sửa trên cổng sau khi tải mẫu này, dòng đó bị từ chối: hãy tải "
                "mẫu mới."
            ),
            False,
        ),
        ("", False),
        (_("Các cột:"), True),
        *[(f"- {column.header}", False) for column in columns],
    ]
    ws.column_dimensions["A"].width = 120
    for number, (text, bold) in enumerate(lines, start=1):
        cell_put(
            ws, number, 1, text, font=Font(bold=bold), alignment=Alignment(wrap_text=True, vertical="top")
        )


def facts_template_workbook(*, cycle) -> bytes:
    """One row per enrolled person, prefilled with what is recorded now, ready to fill and import."""
    columns = fact_columns()
    keys = _key_columns()
    headers = [k[1] for k in keys] + [c.header for c in columns]
    widths = [k[2] for k in keys] + [c.width for c in columns]
    workbook = Workbook()
    ws = workbook.active
    ws.title = FACTS_SHEET
    title_put(
        ws,
        1,
        _("CĂN CỨ GIỚI HẠN MỨC XẾP LOẠI CHẤT LƯỢNG NĂM %(year)d") % {"year": cycle.year},
        len(headers),
        alignment=Alignment(horizontal="left"),
    )
    title_put(
        ws,
        2,
        _("%(title)s. Xem trang “%(sheet)s” trước khi nhập.")
        % {"title": cycle.title, "sheet": INSTRUCTIONS_SHEET},
        len(headers),
        font=Font(italic=True),
        alignment=Alignment(horizontal="left"),
    )
    header_row_put(ws, FACTS_HEADER_ROW, headers, widths)
    first_fact = len(keys) + 1
    evaluations = list(_cycle_evaluations(cycle))
    for offset, evaluation in enumerate(evaluations, start=1):
        row = FACTS_HEADER_ROW + offset
        enrolment = evaluation.enrolment
        for column, value in enumerate(
            [
                evaluation.pk,
                facts_version(evaluation),
                enrolment.full_name,
                enrolment.title,
                enrolment.organisation_name,
            ],
            start=1,
        ):
            cell_put(ws, row, column, value, alignment=WRAP_TOP, border=BORDER, fill=LOCKED_FILL)
        values = current_facts(evaluation)
        for column, spec in enumerate(columns, start=first_fact):
            cell = cell_put(
                ws, row, column, _template_value(spec, values[spec.field]), alignment=WRAP_TOP, border=BORDER
            )
            cell.protection = Protection(locked=False)
            if spec.kind in ("date", "text", "choice", "bool"):
                cell.number_format = "@"
    last_row = FACTS_HEADER_ROW + max(len(evaluations), 1)

    def column_range(index: int) -> str:
        letter = get_column_letter(index)
        return f"{letter}{FACTS_HEADER_ROW + 1}:{letter}{last_row}"

    yes_no = DataValidation(
        type="list",
        formula1=f'"{YES},{NO}"',
        allow_blank=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=_("Ghi “có” hoặc “không”."),
    )
    forms = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in DisciplineForm.labels) + '"',
        allow_blank=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=_("Chọn hình thức kỷ luật trong danh sách, hoặc để trống."),
    )
    for index, spec in enumerate(columns, start=first_fact):
        if spec.kind == "bool":
            yes_no.add(column_range(index))
        elif spec.kind == "choice":
            forms.add(column_range(index))
    ws.add_data_validation(yes_no)
    ws.add_data_validation(forms)
    row_heights_fit(ws, 1, last_row)
    for letter in ("A", "B"):
        ws.column_dimensions[letter].hidden = True
    # Locked against slips, not against intent (no password): the import checks every key anyway.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.freeze_panes = ws.cell(row=FACTS_HEADER_ROW + 1, column=first_fact)
    print_setup_apply(ws, FACTS_HEADER_ROW)
    _instructions_sheet(workbook.create_sheet(INSTRUCTIONS_SHEET), cycle=cycle, columns=columns)
    workbook.properties.creator = "Cổng đánh giá"
    return workbook_bytes(workbook)


# --- Reading a filled template ---


@dataclass(frozen=True)
class RowError:
    row_number: int | None  # None: the file as a whole
    column: str
    message: str


class ParsedRow(NamedTuple):
    evaluation: Evaluation
    values: dict
    row_number: int
    version: int  # the facts' version when the template was downloaded; 0 when none were recorded


class _CellError(Exception):
    pass


def _norm(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _plain(text) -> str:
    """Lower case without diacritics, so "Khien trach" finds "Khiển trách"."""
    decomposed = unicodedata.normalize("NFD", _norm(text).replace("đ", "d"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


TRUE_WORDS = {"co", "x", "yes", "y", "true", "1", "dung"}
FALSE_WORDS = {"", "khong", "no", "n", "false", "0", "sai", "-"}


def _read_bool(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _plain(value).rstrip(".")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellError(
        _("Ghi “có” hoặc “không” (hoặc x / để trống), không phải “%(value)s”.") % {"value": value}
    )


def _discipline_lookup() -> dict[str, str]:
    lookup = {}
    for choice in DisciplineForm:
        label = str(choice.label)
        for text in (label, label.split(" (")[0], choice.value, choice.value.replace("_", " ")):
            lookup[_plain(text)] = choice.value
    return lookup


def _read_choice(value) -> str:
    if value is None or str(value).strip() == "":
        return ""
    found = _discipline_lookup().get(_plain(value))
    if found is None:
        raise _CellError(
            _("“%(value)s” không phải hình thức kỷ luật; chọn một trong: %(forms)s.")
            % {"value": value, "forms": ", ".join(str(label) for label in DisciplineForm.labels)}
        )
    return found


def _read_counting(value) -> str:
    """Which year a discipline counts in (Decree 90 Art. 2(5)(b)–(c); Decree 233 Art. 14(3)): label or code."""
    if value is None or str(value).strip() == "":
        return ""
    lookup = {_plain(choice.label): choice.value for choice in DisciplineCounting}
    lookup |= {_plain(choice.value): choice.value for choice in DisciplineCounting if choice.value}
    found = lookup.get(_plain(value))
    if found is None:
        raise _CellError(
            _("“%(value)s” không phải một trường hợp tính năm kỷ luật; chọn một trong: %(choices)s.")
            % {"value": value, "choices": "; ".join(str(c.label) for c in DisciplineCounting if c.value)}
        )
    return found


DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Excel serial numbers from 2000 to 2099, for a date cell that lost its format.
EXCEL_SERIAL_RANGE = (36526, 73051)


def _read_date(value) -> date | None:
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
        return from_excel(value).date()
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
    raise _CellError(_("“%(value)s” không phải ngày hợp lệ; ghi theo dạng dd/mm/yyyy.") % {"value": value})


def _read_decimal(value, *, places: int, percent_format: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _CellError(_("“%(value)s” không phải là số.") % {"value": value})
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
            raise _CellError(
                _("“%(value)s”: chỉ dùng một dấu thập phân (phẩy hoặc chấm).") % {"value": value}
            )
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise _CellError(_("“%(value)s” không phải là số.") % {"value": value})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise _CellError(
            _("“%(value)s”: tối đa %(places)d chữ số thập phân.") % {"value": value, "places": places}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def _read_text(value, *, limit: int) -> str:
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
        raise _CellError(_("Dài quá %(max)d ký tự.") % {"max": limit})
    return text


def _read_key(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _read_cell(spec: FactColumn, cell):
    value = cell.value
    if spec.kind == "bool":
        return _read_bool(value)
    if spec.kind == "choice":
        return _read_choice(value)
    if spec.kind == "counting":
        return _read_counting(value)
    if spec.kind == "date":
        return _read_date(value)
    field = CapFacts._meta.get_field(spec.field)
    if spec.kind == "decimal":
        number_format = getattr(cell, "number_format", None) or ""
        return _read_decimal(value, places=field.decimal_places, percent_format="%" in number_format)
    return _read_text(value, limit=field.max_length)


def _file_error(message: str) -> tuple[list, list[RowError]]:
    return [], [RowError(None, "", message)]


def _open_workbook(data: bytes):
    not_excel = _("Tệp tải lên không phải tệp Excel (.xlsx). Hãy dùng mẫu tải từ cổng.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReviewError(
            _("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx rồi tải lên.")
        )
    if data[:4] != b"PK\x03\x04":
        raise ReviewError(not_excel)
    # Judge the archive by its central directory before openpyxl inflates anything (issue #18 item 4: zip bombs).
    refusal = zip_archive_refusal(io.BytesIO(data))
    if refusal is not None:
        raise ReviewError(refusal)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # A broken package fails in many ways (BadZipFile, KeyError, lxml/expat errors); to a clerk all mean the same.
    except Exception as exc:
        raise ReviewError(not_excel) from exc


def _header_map(ws, expected: dict[str, str]) -> tuple[int, dict[str, int]] | None:
    """Find the header row (within the first 10) and where each known header sits."""
    wanted = {_norm(header): key for key, header in expected.items()}
    for number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=10, max_col=60, values_only=True), start=1
    ):
        found = {}
        for index, value in enumerate(values, start=1):
            if value is not None and _norm(value) in wanted:
                found[wanted[_norm(value)]] = index
        if "key" in found:
            return number, found
    return None


def facts_rows_parse(*, cycle, data: bytes) -> tuple[list[ParsedRow], list[RowError]]:
    """Read a filled template. Every row is checked; the caller writes nothing unless the error list is empty.
    A key that is not an evaluation of this cycle is refused, whatever it is elsewhere."""
    if len(data) > MAX_IMPORT_BYTES:
        return _file_error(_("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    if not data:
        return _file_error(_("Tệp tải lên rỗng."))
    try:
        workbook = _open_workbook(data)
    except ReviewError as exc:
        return _file_error(str(exc))
    try:
        return _parse_workbook(workbook, cycle)
    finally:
        workbook.close()


def _parse_workbook(workbook, cycle) -> tuple[list[ParsedRow], list[RowError]]:
    if FACTS_SHEET not in workbook.sheetnames:
        return _file_error(
            _("Không thấy trang “%(sheet)s” của mẫu. Hãy tải mẫu từ cổng rồi điền vào đó.")
            % {"sheet": FACTS_SHEET}
        )
    ws = workbook[FACTS_SHEET]
    columns = fact_columns()
    expected = {key: header for key, header, _width in _key_columns()} | {c.field: c.header for c in columns}
    located = _header_map(ws, expected)
    if located is None:
        return _file_error(_("Không thấy dòng tiêu đề của mẫu (cột “%(key)s”).") % {"key": expected["key"]})
    header_row, positions = located
    missing = [expected[key] for key in ["version", *[c.field for c in columns]] if key not in positions]
    if missing:
        return _file_error(_("Tệp không đúng mẫu, thiếu cột: %(columns)s.") % {"columns": "; ".join(missing)})
    evaluations = {evaluation.pk: evaluation for evaluation in _cycle_evaluations(cycle)}
    last_column = max(positions.values())
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}

    def where(key: str) -> str:
        return f"{get_column_letter(positions[key])} ({expected[key]})"

    rows = ws.iter_rows(min_row=header_row + 1, max_row=header_row + MAX_IMPORT_ROWS + 1, max_col=last_column)
    for number, cells in enumerate(rows, start=header_row + 1):
        cells = list(cells) + [None] * (last_column - len(cells))
        values = [getattr(cell, "value", None) for cell in cells]
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        if number > header_row + MAX_IMPORT_ROWS:
            return _file_error(_("Tệp có quá %(n)d dòng.") % {"n": MAX_IMPORT_ROWS})

        def cell(key: str, cells=cells):
            return cells[positions[key] - 1]

        raw_key = getattr(cell("key"), "value", None)
        key = _read_key(raw_key)
        if raw_key is None or (isinstance(raw_key, str) and not raw_key.strip()):
            errors.append(
                RowError(
                    number,
                    where("key"),
                    _("Thiếu mã hồ sơ. Không thêm người mới vào mẫu; hãy tải mẫu mới từ cổng."),
                )
            )
            continue
        evaluation = evaluations.get(key) if key is not None else None
        if evaluation is None:
            errors.append(
                RowError(
                    number,
                    where("key"),
                    _("Mã hồ sơ “%(key)s” không thuộc kỳ đánh giá này.") % {"key": raw_key},
                )
            )
            continue
        if key in seen:
            errors.append(
                RowError(number, where("key"), _("Người này đã có ở dòng %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = number
        enrolment = evaluation.enrolment
        if "name" in positions:
            name = getattr(cell("name"), "value", None)
            if name not in (None, "") and _norm(name) != _norm(enrolment.full_name):
                errors.append(
                    RowError(
                        number,
                        where("name"),
                        _(
                            "Họ tên “%(name)s” không khớp với mã hồ sơ (%(expected)s). Có thể các dòng đã bị sắp xếp lệch; hãy tải mẫu mới."
                        )
                        % {"name": name, "expected": enrolment.full_name},
                    )
                )
                continue
        row_values, row_errors = {}, []
        for spec in columns:
            try:
                row_values[spec.field] = _read_cell(spec, cell(spec.field))
            except _CellError as exc:
                row_errors.append(RowError(number, where(spec.field), str(exc)))
        raw_version = getattr(cell("version"), "value", None)
        version = _read_key(raw_version) if raw_version not in (None, "") else 0
        if version is None:
            row_errors.append(
                RowError(number, where("version"), _("Phiên bản không hợp lệ; hãy tải mẫu mới."))
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        try:
            cleaned = cap_facts_clean(evaluation=evaluation, values=row_values)
        except ReviewError as exc:
            errors.append(RowError(number, "", str(exc)))
            continue
        if cleaned != current_facts(evaluation) and version != facts_version(evaluation):
            facts = evaluation.cap_facts
            errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "Căn cứ của %(name)s đã được cập nhật trên cổng lúc %(when)s, sau khi tải mẫu này. "
                        "Hãy tải mẫu mới để không ghi đè."
                    )
                    % {
                        "name": enrolment.full_name,
                        "when": date_format(timezone.localtime(facts.updated_at), "H:i d/m/Y"),
                    },
                )
            )
            continue
        parsed.append(ParsedRow(evaluation, cleaned, number, version))
    return parsed, errors
