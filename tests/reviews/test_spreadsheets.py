"""Excel for Home Affairs' clerks (issue #4): the compilation export, the cap-facts template and its import.
Every workbook is opened again with openpyxl and read back, as a clerk's Excel would."""

import io
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import Cycle, CycleStatus
from reviews import services
from reviews.errors import ReviewError
from reviews.models import CapFacts, EventKind
from reviews.spreadsheets import facts_import
from reviews.spreadsheets import workbook as workbook_module

from ..factories import CycleFactory, OfficialFactory, PeerGroupFactory, enrol, submitted

pytestmark = pytest.mark.django_db

VICE_CHAIRS = "Phó Chủ tịch UBND tỉnh"
DIRECTORS = "Giám đốc sở và tương đương"


def evaluation_of(official):
    return official.enrolments.get().evaluation


def open_workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def column_values(ws, header_row: int, header: str):
    headers = [cell.value for cell in ws[header_row]]
    index = headers.index(header)
    return [row[index] for row in ws.iter_rows(min_row=header_row + 1, values_only=True)]


@pytest.fixture
def compiled(cast):
    """official_a proposed HTXSNV with nobody at HTTNV (over quota); official_b disciplined, so capped at
    KHTNV; a vice-chair in a group of their own."""
    by = cast.users["home_affairs"]
    vice_chairs = PeerGroupFactory(code="vice_chairs", name=VICE_CHAIRS, sort_order=1)
    vice_chair = OfficialFactory(full_name="Lê Văn Cường", title="Phó Chủ tịch", peer_group=vice_chairs)
    enrol(cast.cycle, vice_chair)
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    services.proposal_set(evaluation=a, level="htxsnv", reason='=HYPERLINK("http://x")', by=by)
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("80"))
    services.cap_facts_record(
        evaluation=b,
        values={
            "discipline_form": "khien_trach",
            "discipline_date": date(2026, 5, 4),
            "discipline_source": "QĐ 12/QĐ-UBND",
        },
        version=None,
        by=by,
    )
    services.proposal_set(evaluation=b, level="khtnv", reason="Bị kỷ luật khiển trách", by=by)
    return cast


def export(client, cycle):
    """The export as a person gets it since issue #15: the link leads to the request page, the POST asks the worker
    for the workbook (run here in this process, for real), the job page offers the file."""
    from types import SimpleNamespace

    from documents.models import DocumentJob
    from documents.services import document_job_run

    response = client.get(reverse("reviews:compilation_export", kwargs={"cycle_pk": cycle.pk}))
    assert response.status_code == 302
    response = client.post(response.url)
    job = DocumentJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert document_job_run(job_id=job.pk) == "done"
    job.refresh_from_db()
    response = client.get(reverse("documents:document_download", kwargs={"pk": job.document.pk}))
    assert response.status_code == 200
    return SimpleNamespace(content=b"".join(response.streaming_content), headers=response.headers)


# --- The compilation export ---


def test_export_has_the_summary_then_one_sheet_per_peer_group(compiled, login):
    response = export(login(compiled.users["home_affairs"]), compiled.cycle)
    assert response.headers["Content-Type"] == workbook_module.XLSX_CONTENT_TYPE
    assert 'attachment; filename="tong-hop-de-xuat-2026.xlsx"' in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    workbook = open_workbook(response.content)
    assert workbook.sheetnames == ["Tổng hợp", VICE_CHAIRS, DIRECTORS]
    directors = workbook[DIRECTORS]
    headers = [cell.value for cell in directors[4]]
    for header in (
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Cơ quan, đơn vị",
        "Tự xếp loại",
        "Ý kiến cuộc họp nhận xét",
    ):
        assert header in headers
    assert "Tổng điểm" in headers  # the 2026 rulebooks rate by points
    assert column_values(directors, 4, "Họ và tên")[:2] == ["Nguyễn Thị An", "Trần Văn Bình"]
    assert column_values(workbook[VICE_CHAIRS], 4, "Họ và tên")[0] == "Lê Văn Cường"
    assert column_values(directors, 4, "Sở Nội vụ đề xuất")[:2] == ["HTXSNV", "KHTNV"]
    assert column_values(workbook[VICE_CHAIRS], 4, "Sở Nội vụ đề xuất")[0] == "Chưa đề xuất"
    assert column_values(directors, 4, "STT")[:2] == [1, 2]
    assert column_values(directors, 4, "Tổng điểm")[:2] == [95, 80]
    caps = column_values(directors, 4, "Căn cứ giới hạn (điều, khoản)")[1]
    assert "Điều" in caps and column_values(directors, 4, "Mức tối đa được phép")[1] == "KHTNV"
    warnings = column_values(directors, 4, "Lưu ý")[0]
    assert "Chưa có biên bản họp nhận xét." in warnings
    # The over-quota group is marked on its sheet and in the summary.
    assert "VƯỢT TỶ LỆ" in directors["A3"].value
    summary = workbook["Tổng hợp"]
    assert summary["A1"].value == "DANH SÁCH TỔNG HỢP ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG NĂM 2026"
    assert summary["A2"].value == compiled.cycle.title
    rows = {row[1]: row for row in summary.iter_rows(min_row=6, values_only=True) if row[1]}
    headers = [cell.value for cell in summary[5]]
    directors_row = dict(zip(headers, rows[DIRECTORS], strict=True))
    assert directors_row["Số người"] == 2 and directors_row["HTXSNV"] == 1 and directors_row["KHTNV"] == 1
    assert directors_row["Số HTXSNV tối đa"] == 0
    assert "20% × 0 người HTTNV" in directors_row["Cách tính"]
    assert directors_row["Tỷ lệ HTXSNV"].startswith("VƯỢT TỶ LỆ")
    assert dict(zip(headers, rows[VICE_CHAIRS], strict=True))["Chưa đề xuất"] == 1
    assert dict(zip(headers, rows["Tổng cộng"], strict=True))["Số người"] == 3


def test_export_is_set_up_to_read_and_print(compiled, login):
    workbook = open_workbook(export(login(compiled.users["chair"]), compiled.cycle).content)
    sheet = workbook[DIRECTORS]
    assert sheet.freeze_panes == "C5"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert all(cell.font.bold for cell in sheet[4])
    assert sheet.column_dimensions["B"].width >= 20
    assert sheet.cell(row=5, column=2).alignment.wrap_text
    # A reason that looks like a formula stays text in the clerk's Excel, even once edited (OWASP: a leading
    # apostrophe; issue #18 item 7).
    reason = sheet.cell(row=5, column=[c.value for c in sheet[4]].index("Lý do đề xuất") + 1)
    assert reason.data_type == "s" and reason.value.startswith("'=HYPERLINK")
    legend = [
        row[0] for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("Ghi chú")
    ]
    assert "HTXSNV – Hoàn thành xuất sắc nhiệm vụ" in legend[0]


def test_export_with_a_quota_exception_shows_its_reason_and_document(compiled, login):
    from cycles.models import QuotaException

    enrolment = compiled.official_a.enrolments.get()
    QuotaException.objects.create(
        cycle=compiled.cycle,
        peer_group=enrolment.peer_group,
        rate=D("0.25"),
        reason="Dẫn đầu khối thi đua",
        document="QĐ 99/QĐ-UBND",
    )
    summary = open_workbook(export(login(compiled.users["home_affairs"]), compiled.cycle).content)["Tổng hợp"]
    text = " ".join(str(value) for row in summary.iter_rows(values_only=True) for value in row if value)
    assert "25%: Dẫn đầu khối thi đua (văn bản: QĐ 99/QĐ-UBND)" in text


def test_sheet_names_are_what_excel_accepts():
    taken = {"tổng hợp"}
    names = [
        workbook_module.unique_sheet_name(name, taken)
        for name in [
            "Tổng hợp",
            "Nhóm [A]: Giám đốc/Phó giám đốc? *",
            "Chủ tịch UBND các xã, phường, đặc khu thuộc tỉnh",
            "Chủ tịch UBND các xã, phường, đặc khu thuộc tỉnh (khác)",
            "'",
        ]
    ]
    assert all(len(name) <= 31 and not set("[]:*?/\\") & set(name) for name in names)
    assert len({name.casefold() for name in names} | {"tổng hợp"}) == len(names) + 1
    assert names[0] == "Tổng hợp (2)" and names[4] == "Nhóm"


def _grow(cycle, to):
    for _ in range(to - cycle.enrolments.count()):
        enrol(cycle, OfficialFactory())


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        # The export's link now leads to the page that asks the worker for it (302); the template is served here.
        assert client.get(url).status_code in (200, 302)
    return len(captured)


@pytest.mark.parametrize("name", ["reviews:compilation_export", "reviews:facts_template"])
def test_spreadsheet_queries_do_not_grow_with_the_cohort(name, compiled, login):
    client = login(compiled.users["home_affairs"])
    url = reverse(name, kwargs={"cycle_pk": compiled.cycle.pk})
    _grow(compiled.cycle, 5)
    small = _queries(client, url)
    _grow(compiled.cycle, 25)
    assert _queries(client, url) == small


@pytest.mark.parametrize(
    ("persona", "status"),
    [("unit_secretary", 404), ("official_a", 404), ("outsider", 404), ("office_staff", 403)],
)
def test_only_home_affairs_and_the_chair_download_the_proposals(persona, status, compiled, login):
    client = login(compiled.users[persona])
    url = reverse("reviews:compilation_export", kwargs={"cycle_pk": compiled.cycle.pk})
    assert client.get(url).status_code == status


# --- The cap-facts template and its import ---


def template(cycle):
    workbook = open_workbook(facts_import.facts_template_workbook(cycle=cycle))
    return workbook, workbook[facts_import.FACTS_SHEET]


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def headers_of(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[facts_import.FACTS_HEADER_ROW] if cell.value}


def row_of(ws, name) -> int:
    for row in range(facts_import.FACTS_HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row=row, column=headers_of(ws)["Họ và tên"]).value == name:
            return row
    raise AssertionError(name)


def fill(ws, name, **values):
    """Type into a person's row by column header, as a clerk would."""
    headers, row = headers_of(ws), row_of(ws, name)
    for header, value in values.items():
        # ws.cell(..., value=None) would leave the cell as it was.
        ws.cell(row=row, column=headers[header]).value = value
    return row


def upload(client, cycle, data: bytes, name="can-cu.xlsx"):
    return client.post(
        reverse("reviews:facts_import", kwargs={"cycle_pk": cycle.pk}),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_the_template_lists_everyone_with_every_fact_and_hidden_keys(cast, login):
    response = login(cast.users["home_affairs"]).get(
        reverse("reviews:facts_template", kwargs={"cycle_pk": cast.cycle.pk})
    )
    assert response.status_code == 200
    assert 'filename="mau-can-cu-xep-loai-2026.xlsx"' in response.headers["Content-Disposition"]
    workbook = open_workbook(response.content)
    assert workbook.sheetnames == ["Căn cứ", "Hướng dẫn"]
    ws = workbook["Căn cứ"]
    headers = headers_of(ws)
    for header in (
        "Nghỉ ốm theo chế độ BHXH trong năm (có/không)",
        "Vi phạm không liên quan đến thực hiện nhiệm vụ (có/không)",
        "Năm tính kỷ luật (để trống: năm đánh giá này)",
        "Hình thức kỷ luật",
        "Ngày quyết định kỷ luật (dd/mm/yyyy)",
        "Tổng điểm được xác nhận",
        "Nguồn số liệu",
    ):
        assert header in headers
    assert len(headers) == len(services.CAP_FACT_FIELDS) + 5
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    evaluation = evaluation_of(cast.official_a)
    row = row_of(ws, "Nguyễn Thị An")
    assert ws.cell(row=row, column=1).value == evaluation.pk
    # Whether the person heads the agency is the enrolment's, not a fact of this sheet (Decree 233 Art. 12(7)).
    assert "Là người đứng đầu (có/không)" not in headers
    assert ws.cell(row=row, column=headers["Nghỉ ốm theo chế độ BHXH trong năm (có/không)"]).value == "không"
    assert ws.cell(row=row, column=1).protection.locked
    assert not ws.cell(row=row, column=headers["Hình thức kỷ luật"]).protection.locked
    lists = [validation.formula1 for validation in ws.data_validations.dataValidation]
    assert '"có,không"' in lists and any("Khiển trách" in formula for formula in lists)


def test_template_round_trip_records_the_facts_and_an_event_per_person(cast, login):
    third = OfficialFactory(full_name="Phạm Thị Dung")
    enrol(cast.cycle, third)
    workbook, ws = template(cast.cycle)
    fill(ws, "Nguyễn Thị An", **{"Số tháng nghỉ (không kể thai sản)": "4,5", "Nguồn số liệu": "BC 12/BC-SNV"})
    fill(
        ws,
        "Trần Văn Bình",
        **{
            "Hình thức kỷ luật": "Khiển trách",
            "Ngày quyết định kỷ luật (dd/mm/yyyy)": "05/04/2026",
            "Quyết định kỷ luật (số, cơ quan ban hành)": "QĐ 12/QĐ-UBND",
            "Vi phạm không liên quan đến thực hiện nhiệm vụ (có/không)": "có",
            "Năm tính kỷ luật (để trống: năm đánh giá này)": "Vi pham xay ra o to chuc cu, bi ky luat o to chuc moi chuyen den",
            "Tổng điểm được xác nhận": 87.5,
        },
    )
    client = login(cast.users["home_affairs"])
    response = upload(client, cast.cycle, to_bytes(workbook))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Đã nhập căn cứ của 2 người (1 người không thay đổi)." in page.content.decode()
    facts_a = CapFacts.objects.get(evaluation=evaluation_of(cast.official_a))
    assert facts_a.months_absent == D("4.5") and facts_a.source == "BC 12/BC-SNV"
    facts_b = CapFacts.objects.get(evaluation=evaluation_of(cast.official_b))
    assert (facts_b.discipline_form, facts_b.discipline_date) == ("khien_trach", date(2026, 4, 5))
    assert facts_b.points_total == D("87.5") and facts_b.discipline_unrelated_to_duties
    assert facts_b.discipline_counting == "former_organisation"
    for official in (cast.official_a, cast.official_b):
        events = evaluation_of(official).events.filter(kind=EventKind.FACTS_RECORDED)
        assert events.count() == 1 and events.get().by == cast.users["home_affairs"]
    assert not CapFacts.objects.filter(evaluation=evaluation_of(third)).exists()
    # The same file again changes nothing and records nothing.
    assert upload(client, cast.cycle, to_bytes(workbook)).status_code == 302
    assert evaluation_of(cast.official_a).events.filter(kind=EventKind.FACTS_RECORDED).count() == 1


def test_the_import_reads_what_clerks_type(cast):
    Cycle.objects.filter(pk=cast.cycle.pk).update(points_decimal_places=2)
    cast.cycle.refresh_from_db()
    workbook, ws = template(cast.cycle)
    row = fill(
        ws,
        "Nguyễn Thị An",
        **{
            "Hình thức kỷ luật": "canh cao",  # no diacritics
            "Ngày quyết định kỷ luật (dd/mm/yyyy)": datetime(2026, 3, 9),  # a real Excel date
            "Nghỉ thai sản trong năm (có/không)": "X",
            "Nghỉ ốm theo chế độ BHXH trong năm (có/không)": None,
            "Số tháng công tác trong năm": "7.5",
            "Tỷ lệ chỉ tiêu hoàn thành (%)": 0.855,
            "Tổng điểm được xác nhận": "91,25",
        },
    )
    ws.cell(row=row, column=headers_of(ws)["Tỷ lệ chỉ tiêu hoàn thành (%)"]).number_format = "0.0%"
    rows, errors = facts_import.facts_rows_parse(cycle=cast.cycle, data=to_bytes(workbook))
    assert errors == []
    values = {row.evaluation.pk: row.values for row in rows}[evaluation_of(cast.official_a).pk]
    assert values["discipline_form"] == "canh_cao" and values["discipline_date"] == date(2026, 3, 9)
    assert values["on_maternity_leave"] is True and values["on_sick_leave"] is False
    assert values["months_worked"] == D("7.5") and values["targets_met_pct"] == D("85.5")
    assert values["points_total"] == D("91.25")


def test_the_import_refuses_a_score_finer_than_the_cycle_keeps(cast):
    # The cycle keeps 1 decimal: 89,95 is refused, never rounded to 90,0 (HTXSNV) behind the clerk's back.
    workbook, ws = template(cast.cycle)
    fill(ws, "Nguyễn Thị An", **{"Tổng điểm được xác nhận": "89,95"})
    _rows, errors = facts_import.facts_rows_parse(cycle=cast.cycle, data=to_bytes(workbook))
    assert len(errors) == 1 and "không tự làm tròn" in errors[0].message


def test_one_bad_row_among_good_ones_imports_nothing_and_names_the_row(cast, login):
    workbook, ws = template(cast.cycle)
    fill(ws, "Nguyễn Thị An", **{"Số tháng công tác trong năm": 12})
    bad = fill(
        ws,
        "Trần Văn Bình",
        **{"Hình thức kỷ luật": "Cảnh cáo", "Ngày quyết định kỷ luật (dd/mm/yyyy)": "20/12/2025"},
    )
    response = upload(login(cast.users["home_affairs"]), cast.cycle, to_bytes(workbook))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa nhập dòng nào" in page and "không thuộc năm đánh giá 2026" in page
    assert f"<td>{bad}</td>" in page
    assert not CapFacts.objects.exists()
    result = services.cap_facts_import(
        cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["home_affairs"]
    )
    assert [error.row_number for error in result.errors] == [bad] and result.recorded == 0


def test_cell_errors_name_the_row_and_column(cast):
    workbook, ws = template(cast.cycle)
    row = fill(
        ws,
        "Nguyễn Thị An",
        **{
            "Số tháng công tác trong năm": "bảy",
            "Ngày quyết định kỷ luật (dd/mm/yyyy)": "31/02/2026",
            "Hình thức kỷ luật": "Phê bình",
            "Có kết luận suy thoái (có/không)": "có lẽ",
            "Tổng điểm được xác nhận": "90.125",
        },
    )
    result = services.cap_facts_import(
        cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["home_affairs"]
    )
    assert {error.row_number for error in result.errors} == {row}
    messages = {error.column.split(" ")[0]: error.message for error in result.errors}
    assert len(messages) == 5
    assert any("không phải là số" in message for message in messages.values())
    assert any("không phải ngày hợp lệ" in message for message in messages.values())
    assert any("không phải hình thức kỷ luật" in message for message in messages.values())
    assert any("tối đa 2 chữ số thập phân" in message for message in messages.values())
    assert not CapFacts.objects.exists()


def test_a_key_from_another_cycle_is_refused(cast):
    other_cycle = CycleFactory(year=2025)
    stranger = OfficialFactory(full_name="Người Kỳ Khác")
    other = enrol(other_cycle, stranger).evaluation
    workbook, ws = template(cast.cycle)
    row = fill(ws, "Nguyễn Thị An", **{"Số tháng công tác trong năm": 3})
    ws.cell(row=row, column=1, value=other.pk)
    result = services.cap_facts_import(
        cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["home_affairs"]
    )
    assert [(error.row_number, error.message) for error in result.errors] == [
        (row, f"Mã hồ sơ “{other.pk}” không thuộc kỳ đánh giá này.")
    ]
    assert not CapFacts.objects.exists()


def test_rows_out_of_step_with_their_keys_are_refused(cast):
    workbook, ws = template(cast.cycle)
    row_a, row_b = row_of(ws, "Nguyễn Thị An"), row_of(ws, "Trần Văn Bình")
    # A clerk sorted the visible columns but not the hidden key: names no longer match their keys.
    name_column = headers_of(ws)["Họ và tên"]
    ws.cell(row=row_a, column=name_column, value="Trần Văn Bình")
    ws.cell(row=row_b, column=name_column, value="Nguyễn Thị An")
    _rows, errors = facts_import.facts_rows_parse(cycle=cast.cycle, data=to_bytes(workbook))
    assert {error.row_number for error in errors} == {row_a, row_b}
    assert "không khớp với mã hồ sơ" in errors[0].message


def test_facts_saved_on_the_portal_after_the_download_are_not_overwritten(cast):
    by = cast.users["home_affairs"]
    workbook, ws = template(cast.cycle)
    fill(ws, "Nguyễn Thị An", **{"Số tháng công tác trong năm": 12})
    services.cap_facts_record(
        evaluation=evaluation_of(cast.official_a), values={"months_worked": D(5)}, version=None, by=by
    )
    result = services.cap_facts_import(cycle=cast.cycle, data=to_bytes(workbook), by=by)
    assert "đã được cập nhật trên cổng" in result.errors[0].message
    assert CapFacts.objects.get().months_worked == D(5)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a workbook", "không phải tệp Excel (.xlsx)"),
        (b"PK\x03\x04 a broken zip", "không phải tệp Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "Excel 97-2003 (.xls)"),
    ],
)
def test_a_file_that_is_not_xlsx_gets_one_clear_message(data, message, cast, login):
    response = upload(login(cast.users["home_affairs"]), cast.cycle, data, name="can-cu.xlsx")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CapFacts.objects.exists()


def test_a_workbook_that_is_not_the_template_is_refused(cast):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Họ và tên"
    result = services.cap_facts_import(
        cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["home_affairs"]
    )
    assert "Không thấy trang “Căn cứ”" in result.errors[0].message


def test_size_and_row_limits(cast, monkeypatch):
    monkeypatch.setattr(facts_import, "MAX_IMPORT_BYTES", 100)
    _rows, errors = facts_import.facts_rows_parse(cycle=cast.cycle, data=b"PK\x03\x04" + b"0" * 200)
    assert "lớn quá" in errors[0].message
    monkeypatch.undo()
    monkeypatch.setattr(facts_import, "MAX_IMPORT_ROWS", 1)
    workbook, _ws = template(cast.cycle)
    _rows, errors = facts_import.facts_rows_parse(cycle=cast.cycle, data=to_bytes(workbook))
    assert "quá 1 dòng" in errors[0].message


def test_only_home_affairs_imports_and_only_while_the_cycle_is_in_progress(cast):
    workbook, _ws = template(cast.cycle)
    with pytest.raises(PermissionDenied):
        services.cap_facts_import(cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["chair"])
    Cycle.objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.SIGNED_OFF)
    cast.cycle.refresh_from_db()
    with pytest.raises(ReviewError, match="không còn ở giai đoạn đánh giá"):
        services.cap_facts_import(cycle=cast.cycle, data=to_bytes(workbook), by=cast.users["home_affairs"])


def test_the_import_page_shows_the_form_and_the_template_link(cast, login):
    response = login(cast.users["home_affairs"]).get(
        reverse("reviews:facts_import", kwargs={"cycle_pk": cast.cycle.pk})
    )
    assert response.status_code == 200
    assert reverse("reviews:facts_template", kwargs={"cycle_pk": cast.cycle.pk}) in response.content.decode()
