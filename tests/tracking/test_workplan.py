"""The period's work plan from a workbook (issue #12: "importable from a spreadsheet for agencies that keep them
elsewhere"): the template carries the plan entered so far, a filled one replaces it all or nothing, every bad row is
named in Vietnamese, and only the person and their tracker import."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tracking import services
from tracking.errors import TrackingError
from tracking.models import PeriodTask
from tracking.workplan import workplan_parse, workplan_template

from .test_services import record_of, tracked  # noqa: F401 (the tracked fixture)

pytestmark = pytest.mark.django_db

HEADERS = [
    "Nhiệm vụ, sản phẩm",
    "Số lượng giao",
    "Yêu cầu chất lượng",
    "Thời hạn (dd/mm/yyyy)",
    "Số lượng hoàn thành",
    "Ngày hoàn thành (dd/mm/yyyy)",
    "Chất lượng đạt được",
]


def workbook_of(*rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kế hoạch công việc"])
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_filled_template_is_read_tolerantly():
    data = workbook_of(
        ["Báo cáo chuyên đề quý", 3, "Đúng mẫu", "31/03/2026", "3", date(2026, 3, 28), "Đạt"],
        [None, None, None, None, None, None, None],  # empty rows are skipped
        ["Đề án chuyển đổi số", "1", "", "2026-03-15", None, "", ""],
    )
    lines, errors = workplan_parse(data)
    assert errors == []
    assert [line.title for line in lines] == ["Báo cáo chuyên đề quý", "Đề án chuyển đổi số"]
    assert lines[0].due_on == date(2026, 3, 31) and lines[0].done_on == date(2026, 3, 28)
    assert (
        lines[0].quantity_done == 3
        and lines[1].quantity_planned == 1
        and lines[1].due_on == date(2026, 3, 15)
    )


def test_every_bad_row_is_named():
    data = workbook_of(
        ["", 2, "", "", "", "", ""],
        ["Báo cáo", "hai", "", "", "", "", ""],
        ["Báo cáo", 1, "", "31/02/2026", "", "", ""],
        ["Báo cáo", -1, "", "", "", "", ""],
    )
    lines, errors = workplan_parse(data)
    assert len(errors) == 4
    assert (
        errors[0].startswith("Dòng 4: thiếu tên")
        and "Dòng 5" in errors[1]
        and "không phải là số" in errors[1]
    )
    assert "Dòng 6" in errors[2] and "ngày hợp lệ" in errors[2] and "Dòng 7" in errors[3]


def test_a_workbook_without_the_header_or_not_excel_is_refused():
    assert "tiêu đề" in workplan_parse(workbook_of(["x"], headers=["Cột lạ"]))[1][0]
    with pytest.raises(TrackingError, match="không phải tệp Excel"):
        workplan_parse(b"not a workbook at all")


def test_the_template_carries_the_plan_and_an_import_replaces_it_all_or_nothing(tracked):  # noqa: F811
    record = record_of(tracked)
    me = tracked.users["official_a"]
    record = services.period_tasks_save(
        record=record, tasks=[services.TaskLine(title="=HYPERLINK(1)")], version=record.version, by=me
    )
    sheet = load_workbook(io.BytesIO(workplan_template(record))).active
    assert [cell.value for cell in sheet[3]] == HEADERS and sheet["A4"].value == "'=HYPERLINK(1)"
    with pytest.raises(TrackingError, match="Dòng 5"):
        services.period_tasks_import(
            record=record, data=workbook_of(["Tốt", 1], ["Xấu", "x"]), version=record.version, by=me
        )
    assert list(PeriodTask.objects.filter(record=record).values_list("title", flat=True)) == ["=HYPERLINK(1)"]
    record = services.period_tasks_import(
        record=record, data=workbook_of(["Báo cáo tháng", 3], ["Kiểm tra", 2]), version=record.version, by=me
    )
    assert list(record.tasks.values_list("title", "imported")) == [
        ("Báo cáo tháng", True),
        ("Kiểm tra", True),
    ]


def test_the_tracker_imports_for_the_person_and_someone_else_cannot(tracked, login):  # noqa: F811
    record = record_of(tracked)
    url = reverse("tracking:workplan_import", kwargs={"pk": record.pk})
    upload = SimpleUploadedFile("kh.xlsx", workbook_of(["Giao ban tuần", 12]))
    response = login(tracked.tracker).post(url, {"file": upload, "version": record.version})
    assert response.status_code == 302 and response.url == reverse(
        "tracking:tracker_review", kwargs={"pk": record.pk}
    )
    assert record.tasks.get().title == "Giao ban tuần"
    other = login(tracked.users["official_b"]).post(url, {"file": upload, "version": record.version})
    assert other.status_code == 404
