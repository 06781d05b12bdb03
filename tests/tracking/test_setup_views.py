"""Home Affairs' set-up pages of periodic tracking (issue #12): the settings with their sources, the deadlines, the
tracker assignments on one form and from Excel (all or nothing, errors by row), a person's months not worked and
carried results. Refusals in Vietnamese, with what was typed kept."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tracking.models import PeriodRecord, PeriodStatus, TrackerAssignment, TrackingPeriod

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name, cast, **kwargs):
    return reverse(f"tracking:{name}", kwargs={"pk": cast.cycle.pk, **kwargs})


def test_the_settings_show_each_defaults_source_and_set_the_cycle_up(cast, login):
    client = login(cast.users["home_affairs"])
    page = client.get(url("setup", cast)).content.decode()
    assert "Điều 3 khoản 5" in page and "Điều 14 khoản 2" in page and "Điều 12 khoản 5" in page
    assert "làm tròn xuống" in page
    response = client.post(
        url("setup", cast),
        {"frequency": "monthly", "short_period": "counts", "missing_period": "blocks", "rounding": "down"},
    )
    assert response.status_code == 302
    assert TrackingPeriod.objects.filter(cycle=cast.cycle).count() == 12
    assert "Tháng 12/2026" in client.get(url("setup", cast)).content.decode()


def test_an_unknown_choice_is_refused_in_vietnamese(cast, login):
    client = login(cast.users["home_affairs"])
    response = client.post(
        url("setup", cast),
        {"frequency": "weekly", "short_period": "counts", "missing_period": "blocks", "rounding": "down"},
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not TrackingPeriod.objects.filter(cycle=cast.cycle).exists()


def test_the_frequency_cannot_change_once_someone_saved_a_period(tracked, login):
    from .test_services import fill_and_submit

    fill_and_submit(tracked)
    client = login(tracked.users["home_affairs"])
    response = client.post(
        url("setup", tracked),
        {"frequency": "monthly", "short_period": "counts", "missing_period": "blocks", "rounding": "down"},
    )
    assert "không đổi được kỳ theo dõi" in response.content.decode()
    assert TrackingPeriod.objects.filter(cycle=tracked.cycle).count() == 4


def _deadline_data(periods, **changes):
    data = {f"deadline_{p.pk}": timezone.localtime(p.deadline).strftime("%Y-%m-%dT%H:%M") for p in periods}
    data.update(changes)
    return data


def test_deadlines_are_edited_and_a_bad_one_is_refused_with_the_typed_value_kept(tracked, login):
    client = login(tracked.users["home_affairs"])
    periods = list(TrackingPeriod.objects.filter(cycle=tracked.cycle).order_by("number"))
    q2 = periods[1]
    response = client.post(
        url("deadlines", tracked), _deadline_data(periods, **{f"deadline_{q2.pk}": "2026-07-20T17:00"})
    )
    assert response.status_code == 302
    q2.refresh_from_db()
    assert timezone.localtime(q2.deadline).strftime("%d/%m %H:%M") == "20/07 17:00"
    response = client.post(
        url("deadlines", tracked), _deadline_data(periods, **{f"deadline_{q2.pk}": "2026-01-02T08:00"})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hạn gửi phải sau ngày bắt đầu của kỳ." in page and 'value="2026-01-02T08:00"' in page
    q2.refresh_from_db()
    assert timezone.localtime(q2.deadline).month == 7  # nothing saved


def test_many_trackers_are_assigned_on_one_form(tracked, login):
    client = login(tracked.users["home_affairs"])
    vice = UserFactory(username="pct2", first_name="Phó Chủ tịch Hai")
    b = tracked.official_b.enrolments.get()
    a = tracked.enrolment
    page = client.get(url("assignments", tracked)).content.decode()
    assert "Phó Chủ tịch Hai (pct2)" in page and "Đã giao: 1/2 người." in page
    response = client.post(
        url("assignments", tracked),
        {
            f"tracker_{a.pk}": vice.pk,
            f"title_{a.pk}": "Phó Chủ tịch",
            f"tracker_{b.pk}": vice.pk,
            f"title_{b.pk}": "Phó Chủ tịch",
        },
    )
    assert response.status_code == 302
    assert set(TrackerAssignment.objects.filter(tracker=vice).values_list("enrolment_id", flat=True)) == {
        a.pk,
        b.pk,
    }


def test_a_refused_line_saves_nothing_and_keeps_what_was_typed(tracked, login):
    client = login(tracked.users["home_affairs"])
    vice = UserFactory(username="pct2")
    b = tracked.official_b.enrolments.get()
    a = tracked.enrolment
    response = client.post(
        url("assignments", tracked),
        {
            f"tracker_{a.pk}": vice.pk,
            f"title_{a.pk}": "Phó Chủ tịch phụ trách",
            # Bình cannot track himself.
            f"tracker_{b.pk}": tracked.users["official_b"].pk,
            f"title_{b.pk}": "Giám đốc",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "không thể tự theo dõi, đánh giá chính mình" in page
    assert "Chưa lưu người theo dõi nào" in page
    assert 'value="Phó Chủ tịch phụ trách"' in page
    assert TrackerAssignment.objects.get(enrolment=a).tracker == tracked.tracker  # unchanged


def _xlsx(
    rows,
    headers=("Mã người được đánh giá", "Họ và tên", "Tên đăng nhập người theo dõi", "Chức vụ người theo dõi"),
):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Người theo dõi"
    ws.append(["Tiêu đề"])
    ws.append([])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "nguoi-theo-doi.xlsx"
    return buffer


def test_the_template_lists_the_cohort_with_the_current_trackers(tracked, login):
    response = login(tracked.users["home_affairs"]).get(url("assignments_template", tracked))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content), read_only=True)["Người theo dõi"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert (tracked.enrolment.pk, "Nguyễn Thị An") == rows[0][:2] or (
        tracked.enrolment.pk,
        "Nguyễn Thị An",
    ) == rows[1][:2]
    assert any(row[4] == "pho_chu_tich" for row in rows)


def test_the_import_assigns_by_id_or_by_name_tolerantly(tracked, login):
    vice = UserFactory(username="PCT_Hai", first_name="Phó Chủ tịch Hai")
    b = tracked.official_b.enrolments.get()
    upload = _xlsx(
        [
            (str(tracked.enrolment.pk), "", " pct_hai ", "Phó Chủ tịch UBND tỉnh"),
            ("", "trần  văn bình", "pct_hai", 12.0),
        ]
    )
    response = login(tracked.users["home_affairs"]).post(url("assignments_import", tracked), {"file": upload})
    assert response.status_code == 302
    assert TrackerAssignment.objects.get(enrolment=b).tracker == vice
    assert TrackerAssignment.objects.get(enrolment=b).tracker_title == "12"
    assert TrackerAssignment.objects.get(enrolment=tracked.enrolment).tracker == vice


def test_an_import_with_errors_imports_nothing_and_lists_each_row(tracked, login):
    UserFactory(username="pct2")
    b = tracked.official_b.enrolments.get()
    upload = _xlsx(
        [
            (str(b.pk), "Trần Văn Bình", "pct2", "Phó Chủ tịch"),
            ("", "Trần Văn Bình", "pct2", ""),
            ("999999", "", "pct2", ""),
            ("", "Không Ai Cả", "pct2", ""),
            (str(tracked.enrolment.pk), "Người Khác", "pct2", ""),
            (str(tracked.enrolment.pk), "", "khong_co", ""),
        ]
    )
    response = login(tracked.users["home_affairs"]).post(url("assignments_import", tracked), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa nhập dòng nào" in page
    assert "Mã “999999” không phải người được đánh giá của kỳ này." in page
    assert "Không có ai tên “Không Ai Cả”" in page
    assert "không khớp với mã" in page
    assert "Trần Văn Bình đã có ở dòng 4." in page
    assert "Không có tài khoản đang hoạt động với tên đăng nhập “khong_co”." in page
    assert not TrackerAssignment.objects.filter(enrolment=b).exists()


def test_a_self_assignment_in_the_import_is_reported_at_its_row_and_nothing_is_saved(tracked, login):
    UserFactory(username="pct2")
    b = tracked.official_b.enrolments.get()
    upload = _xlsx([(str(b.pk), "", "pct2", ""), (str(tracked.enrolment.pk), "", "alice", "")])
    page = (
        login(tracked.users["home_affairs"])
        .post(url("assignments_import", tracked), {"file": upload})
        .content.decode()
    )
    assert "không thể tự theo dõi, đánh giá chính mình" in page and "<td>5</td>" in page
    assert not TrackerAssignment.objects.filter(enrolment=b).exists()


def test_a_file_that_is_not_excel_is_refused(tracked, login):
    upload = io.BytesIO(b"ho ten;tai khoan\n")
    upload.name = "x.xlsx"
    page = (
        login(tracked.users["home_affairs"])
        .post(url("assignments_import", tracked), {"file": upload})
        .content.decode()
    )
    assert "không phải tệp Excel" in page


def _record_url(cast, number):
    period = TrackingPeriod.objects.get(cycle=cast.cycle, number=number)
    return url("period_record_edit", cast, enrolment_pk=cast.enrolment.pk, period_pk=period.pk), period


def test_home_affairs_records_months_not_worked(tracked, login):
    client = login(tracked.users["home_affairs"])
    address, period = _record_url(tracked, 2)
    assert "3 tháng làm việc" in client.get(address).content.decode()
    response = client.post(
        address, {"action": "absence", "months_worked": "0", "absence": "maternity", "note": "Từ 01/4"}
    )
    assert response.status_code == 302
    record = PeriodRecord.objects.get(enrolment=tracked.enrolment, period=period)
    assert record.months_worked == 0 and record.absence == "maternity"


def test_months_without_a_reason_are_refused_and_the_form_keeps_them(tracked, login):
    client = login(tracked.users["home_affairs"])
    address, period = _record_url(tracked, 2)
    response = client.post(
        address, {"action": "absence", "months_worked": "1", "absence": "", "note": "Ghi chú gõ dở"}
    )
    page = response.content.decode()
    assert "Hãy chọn lý do không làm việc đủ kỳ." in page and 'value="Ghi chú gõ dở"' in page
    assert not PeriodRecord.objects.filter(enrolment=tracked.enrolment, period=period).exists()


def test_results_carried_from_the_earlier_agency_confirm_the_period(tracked, login):
    client = login(tracked.users["home_affairs"])
    address, period = _record_url(tracked, 1)
    response = client.post(
        address, {"action": "carried", "score": "84,5", "source": "Sở Xây dựng, CV 45/SXD-VP"}
    )
    assert response.status_code == 302
    record = PeriodRecord.objects.get(enrolment=tracked.enrolment, period=period)
    assert record.status == PeriodStatus.CONFIRMED and record.confirmed_score == D("84.5")


def test_a_carried_score_with_too_many_decimals_is_refused_and_kept(tracked, login):
    client = login(tracked.users["home_affairs"])
    address, period = _record_url(tracked, 1)
    response = client.post(address, {"action": "carried", "score": "84,55", "source": "Sở Xây dựng"})
    page = response.content.decode()
    assert "tối đa 1 chữ số thập phân" in page and 'value="84,55"' in page
    assert not PeriodRecord.objects.filter(
        enrolment=tracked.enrolment, period=period, status="confirmed"
    ).exists()


def test_another_cycles_person_is_404(tracked, login):
    from ..factories import CycleFactory

    other = CycleFactory(year=2027)
    period = TrackingPeriod.objects.filter(cycle=tracked.cycle).first()
    address = reverse(
        "tracking:period_record_edit",
        kwargs={"pk": other.pk, "enrolment_pk": tracked.enrolment.pk, "period_pk": period.pk},
    )
    assert login(tracked.users["home_affairs"]).get(address).status_code == 404


def test_state_changes_are_post_only(tracked, login):
    client = login(tracked.users["home_affairs"])
    assert client.get(url("deadlines", tracked)).status_code == 405
    period = TrackingPeriod.objects.filter(cycle=tracked.cycle).first()
    assert client.get(url("period_reminders", tracked, period_pk=period.pk)).status_code == 405
