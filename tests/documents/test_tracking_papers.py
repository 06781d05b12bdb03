"""The printed papers of periodic tracking (issue #12), rendered for real with WeasyPrint and read back with pypdf: the
period form (Decree 335 Mẫu 01A staff / 01B leaders; "… viên chức" under Decree 233), the year's summary with its
arithmetic, section "I. Tổng hợp kết quả theo dõi, đánh giá" of the annual form (Decree 233 Phụ lục II) from the
periods, and every form of one period as one PDF with a bookmark per person. Then who may ask for them."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles.models import CycleStatus
from cycles.rulebooks.tracking import period_lines
from documents import services
from documents.models import Document, DocumentJob, DocumentKind
from officials.models import PersonnelType
from tests.factories import OfficialFactory, UserFactory, enrol
from tracking import services as tracking
from tracking.models import PeriodTask, TrackingPeriod

from .conftest import pdf_reader, pdf_text, run

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _values(is_leader=True, **changes):
    values = {
        line.code: (str(line.max_points) if line.max_points is not None else "90")
        for line in period_lines(is_leader=is_leader)
    }
    values.update(changes)
    return values


class Tracked:
    """The cast's 2026 cycle tracked quarterly (every deadline a week away); a vice-chair tracks official_a (a
    department director: công chức, leader, Mẫu 01B), a staff member (Mẫu 01A) and a public employee (viên chức,
    Decree 233). official_b has no tracker."""

    def __init__(self, cast):
        self.cast = cast
        self.ha = cast.users["home_affairs"]
        tracking.tracking_set_up(cycle=cast.cycle, frequency="quarterly", by=self.ha)
        TrackingPeriod.objects.filter(cycle=cast.cycle).update(deadline=timezone.now() + timedelta(days=7))
        self.tracker = UserFactory(username="pho_chu_tich", first_name="Phó Chủ tịch Thử")
        self.leader = cast.official_a.enrolments.get()
        staff_user = UserFactory(username="chuyen_vien")
        self.staff = enrol(
            cast.cycle,
            OfficialFactory(
                full_name="Phạm Văn Chuyên", title="Chuyên viên", is_leader=False, user=staff_user
            ),
        )
        employee_user = UserFactory(username="vien_chuc")
        self.employee = enrol(
            cast.cycle,
            OfficialFactory(
                full_name="Đỗ Thị Viên",
                title="Giám đốc Trung tâm",
                personnel_type=PersonnelType.VIEN_CHUC,
                user=employee_user,
            ),
        )
        self.users = {self.leader.pk: cast.users["official_a"], self.staff.pk: staff_user}
        self.users[self.employee.pk] = employee_user
        for enrolment in (self.leader, self.staff, self.employee):
            tracking.tracker_assign(
                enrolment=enrolment, tracker=self.tracker, title="Phó Chủ tịch UBND tỉnh", by=self.ha
            )

    def period(self, number):
        return TrackingPeriod.objects.get(cycle=self.cast.cycle, number=number)

    def record(self, enrolment, number=1):
        return tracking.period_record_get(enrolment=enrolment, period=self.period(number))

    def submit(self, enrolment, number=1, **changes):
        record = self.record(enrolment, number)
        me = self.users[enrolment.pk]
        record = tracking.period_self_save(
            record=record,
            values=_values(enrolment.is_leader, **changes),
            comments={"quantity": "Hoàn thành 12/12 báo cáo."},
            strengths="Chủ động, đúng hạn.",
            shortcomings="Còn chậm ở một hồ sơ.",
            version=record.version,
            by=me,
        )
        return tracking.period_submit(record=record, version=record.version, by=me)

    def confirm(self, enrolment, number=1, reasons=None, opinion="Đồng ý với kết quả tự chấm.", **changes):
        record = self.submit(enrolment, number)
        tracking.period_confirm(
            record=record,
            values=_values(enrolment.is_leader, **changes),
            reasons=reasons or {},
            opinion=opinion,
            version=record.version,
            by=self.tracker,
        )
        record.refresh_from_db()
        return record


@pytest.fixture
def tracked(cast):
    return Tracked(cast)


def _issue(kind, by, **kwargs) -> Document:
    job = services.document_request(kind=kind, by=by, **kwargs)
    assert run(job) == "done", job.error

    return job.document


def _pages(document) -> list[str]:
    return [page.extract_text() for page in pdf_reader(document).pages]


def test_a_leaders_confirmed_period_form_prints_every_part_the_leaders_lines_and_the_working(tracked):
    record = tracked.confirm(tracked.leader, quality="70", reasons={"quality": "Hai báo cáo phải làm lại."})
    PeriodTask.objects.create(
        record=record,
        title="Báo cáo tình hình kinh tế - xã hội quý",
        quantity_planned=3,
        quantity_done=3,
        quality_required="Đúng biểu mẫu",
        quality_achieved="Đạt",
        due_on=tracked.period(1).ends_on,
        done_on=tracked.period(1).ends_on,
    )
    document = _issue(DocumentKind.TRACKING_PERIOD_FORM, tracked.tracker, period_record=record)
    text = _flat(pdf_text(document))
    assert document.number is None  # a form, not a numbered document
    for heading in (
        "Mẫu số 01B",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC",
        "Kỳ theo dõi, đánh giá: Quý I/2026",
        "Họ và tên: Nguyễn Thị An",
        "I. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ CHUNG",
        "II. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "1. Kế hoạch công việc được giao",
        "2. Tỷ lệ hoàn thành (%)",
        "3. Tổng điểm của kỳ",
        "4. Ưu điểm",
        "5. Hạn chế, khuyết điểm",
        "6. Ý kiến của người theo dõi, đánh giá",
        "NGƯỜI ĐƯỢC THEO DÕI, ĐÁNH GIÁ",
        "NGƯỜI THEO DÕI, ĐÁNH GIÁ",
        "Phó Chủ tịch UBND tỉnh",
        "Báo cáo tình hình kinh tế - xã hội quý",
        "Đúng hạn",
        "Chủ động, đúng hạn.",
        "Đồng ý với kết quả tự chấm.",
        "Lý do điều chỉnh khi xác nhận: Hai báo cáo phải làm lại.",
        "Giải trình: Hoàn thành 12/12 báo cáo.",
    ):
        assert heading in text, heading
    # The general criteria: groups I–III with their lines and maxima (5 + 5, 4 × 2,5, 10), the total of 30.
    for line in ("Phẩm chất chính trị", "Năng lực chuyên môn, nghiệp vụ", "Năng lực đổi mới, sáng tạo"):
        assert line in text
    assert text.count("2,5") >= 4
    # The leader's lines d, đ, e after a, b, c.
    for line in (
        "Số lượng sản phẩm, công việc hoàn thành",
        "Tiến độ thực hiện",
        "Chất lượng sản phẩm, công việc",
        "Kết quả hoạt động của cơ quan, đơn vị được giao phụ trách",
        "Khả năng tổ chức triển khai thực hiện nhiệm vụ",
        "Năng lực tập hợp, đoàn kết",
    ):
        assert line in text, line
    # 30 + 70 × (90 + 90 + 70 + 90 + 90 + 90) / 6 / 100 = 30 + 60,666…; the cycle keeps one decimal, down: 90,6.
    assert "30 + 70 × (90 + 90 + 70 + 90 + 90 + 90) / 6 / 100 = 30 + 60,666666… = 90,666666… → 90,6" in text
    assert "30 + 70 × (90 + 90 + 90 + 90 + 90 + 90) / 6 / 100 = 30 + 63 = 93 → 93" in text  # the self-score
    assert "DỰ THẢO" not in text


def test_a_staff_form_unconfirmed_is_a_draft_on_every_page_without_the_leaders_lines(tracked):
    record = tracked.submit(tracked.staff)
    document = _issue(
        DocumentKind.TRACKING_PERIOD_FORM, tracked.users[tracked.staff.pk], period_record=record
    )
    pages = _pages(document)
    text = _flat("\n".join(pages))
    assert "Mẫu số 01A" in text and "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC" in text
    assert len(pages) >= 2 and all("DỰ THẢO" in page for page in pages)
    assert "Kết quả hoạt động của cơ quan, đơn vị được giao phụ trách" not in text
    assert "Năng lực tập hợp, đoàn kết" not in text
    assert "Chất lượng sản phẩm, công việc" in text
    assert "30 + 70 × (90 + 90 + 90) / 3 / 100 = 30 + 63 = 93 → 93" in text
    assert "chưa xác nhận" in text
    assert document.number is None


def test_a_public_employees_form_is_titled_vien_chuc(tracked):
    record = tracked.confirm(tracked.employee)
    text = _flat(pdf_text(_issue(DocumentKind.TRACKING_PERIOD_FORM, tracked.tracker, period_record=record)))
    assert "PHIẾU THEO DÕI, ĐÁNH GIÁ VIÊN CHỨC" in text
    assert "CÔNG CHỨC" not in text and "Mẫu số 01" not in text


def test_the_year_summary_shows_every_period_and_the_arithmetic(tracked):
    leader = tracked.leader
    tracked.confirm(leader, 1)  # 93
    tracking.period_absence_set(
        record=tracked.record(leader, 2), months_worked=0, absence="maternity", by=tracked.ha
    )
    tracked.confirm(
        leader, 3, quantity="75", reasons={"quantity": "Thiếu hai sản phẩm."}
    )  # 30 + 70 × 525/6 % = 91,2
    document = _issue(DocumentKind.TRACKING_YEAR_SUMMARY, tracked.users[leader.pk], enrolment=leader)
    pages = _pages(document)
    text = _flat("\n".join(pages))
    for piece in (
        "BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ",
        "Năm 2026",
        "1. Kết quả theo dõi, đánh giá của từng kỳ",
        "2. Điểm của năm",
        "3. Tổng hợp theo nhóm tiêu chí",
        "Quý I/2026",
        "Quý IV/2026",
        "0/3",
        "Nghỉ thai sản",
        "(93 + 91,2) / 2 = 92,1 → 92,1",
        "Các kỳ được tính: Quý I/2026, Quý III/2026.",
        "Chưa đến hạn: Quý IV/2026.",
        "Không làm việc trong kỳ (không tính): Quý II/2026.",
        "Tiêu chí chung (tối đa 30 điểm): 30 điểm ((30 + 30) / 2 = 30 → 30)",
        "Kết quả thực hiện nhiệm vụ (tối đa 70 điểm): 62,1 điểm ((63 + 61,25) / 2 = 62,125 → 62,1)",
    ):
        assert piece in text, piece
    # Q4 is still to come: the year is provisional.
    assert all("DỰ THẢO" in page for page in pages)


def test_a_complete_year_is_no_draft(tracked):
    for number in (1, 2, 3, 4):
        tracked.confirm(tracked.staff, number)
    text = _flat(
        pdf_text(_issue(DocumentKind.TRACKING_YEAR_SUMMARY, tracked.tracker, enrolment=tracked.staff))
    )
    assert "(93 + 93 + 93 + 93) / 4 = 93 → 93" in text
    assert "DỰ THẢO" not in text


def test_the_annual_form_of_decree_233_prints_section_one_from_the_periods(tracked):
    employee = tracked.employee
    tracked.confirm(employee, 1)  # 30 + 63
    tracked.confirm(
        employee, 2, i_politics="4", quality="60", reasons={"i_politics": "Muộn họp", "quality": "Sai"}
    )
    evaluation = employee.evaluation
    text = _flat(pdf_text(_issue(DocumentKind.RATING_FORM, tracked.ha, evaluation=evaluation)))
    assert "PHIẾU XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC" in text
    assert "I. TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ" in text
    # General: (30 + 29) / 2 = 29,5. Tasks: 70 × 90 % = 63 and 70 × (90 × 5 + 60) / 6 % = 59,5 → (63 + 59,5) / 2.
    assert (
        "1. Kết quả theo dõi, đánh giá theo tiêu chí chung (tối đa 30 điểm): 29,5 điểm ((30 + 29) / 2 = 29,5 → 29,5)"
        in text
    )
    assert "(tối đa 70 điểm): 61,2 điểm ((63 + 59,5) / 2 = 61,25 → 61,2)" in text
    assert (
        "Điểm năm (trung bình điểm được xác nhận của các kỳ): 90,7 điểm ((93 + 88,5) / 2 = 90,75 → 90,7)"
        in text
    )
    # The rest of the form as Phụ lục II has it: the self-rating (issue #14 item 7).
    assert "II. VIÊN CHỨC TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text


def test_an_untracked_annual_form_has_no_tracking_section(decree_90_evaluation, cast):
    text = pdf_text(
        _issue(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=decree_90_evaluation)
    )
    assert "TỔNG HỢP KẾT QUẢ THEO DÕI" not in text


def test_every_form_of_a_period_is_one_pdf_with_a_bookmark_per_person(tracked):
    tracked.confirm(tracked.leader, 3)
    tracked.submit(tracked.staff, 3)
    document = _issue(DocumentKind.TRACKING_PERIOD_FORMS, tracked.ha, tracking_period=tracked.period(3))
    reader = pdf_reader(document)
    titles = [item.title for item in reader.outline]
    # Everyone of the cycle's points rulebooks is tracked: the cast's two directors, the staff member, the employee.
    assert len(titles) == 4
    assert all(title.endswith("– Quý III/2026") for title in titles)
    assert {"Nguyễn Thị An – Quý III/2026", "Phạm Văn Chuyên – Quý III/2026"} <= set(titles)
    # Only the confirmed one is not a draft: the first page of each form says which.
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    firsts = {title: reader.pages[page].extract_text() for title, page in zip(titles, starts, strict=True)}
    assert "DỰ THẢO" not in firsts["Nguyễn Thị An – Quý III/2026"]
    assert "DỰ THẢO" in firsts["Phạm Văn Chuyên – Quý III/2026"]
    assert document.page_count >= 4 and document.number is None


# --- Who may ask for them ------------------------------------------------------------------------------------


def _post(client, name, pk):
    return client.post(reverse(f"documents:{name}", kwargs={"pk": pk}))


def test_the_person_prints_their_own_and_the_tracker_those_assigned_to_them(tracked, login):
    record = tracked.submit(tracked.leader)
    client = login(tracked.cast.users["official_a"])
    response = _post(client, "tracking_period_form_request", record.pk)
    assert response.status_code == 302
    job = DocumentJob.objects.get(kind=DocumentKind.TRACKING_PERIOD_FORM)
    assert response.url == reverse("documents:job_detail", kwargs={"pk": job.pk})
    assert client.get(response.url).status_code == 200
    assert _post(client, "tracking_year_summary_request", tracked.leader.pk).status_code == 302

    client = login(tracked.tracker)
    assert client.get(reverse("documents:job_detail", kwargs={"pk": job.pk})).status_code == 200
    assert _post(client, "tracking_year_summary_request", tracked.staff.pk).status_code == 302
    run(job)
    download = reverse("documents:document_download", kwargs={"pk": job.document.pk})
    assert client.get(download).status_code == 200


def test_anyone_else_gets_404_and_the_tracker_only_reaches_the_people_assigned(tracked, login):
    own_b = tracked.record(tracked.cast.official_b.enrolments.get())
    record_a = tracked.record(tracked.leader)
    client = login(tracked.tracker)
    assert _post(client, "tracking_period_form_request", own_b.pk).status_code == 404
    assert _post(client, "tracking_period_forms_request", tracked.period(1).pk).status_code == 404
    for user in ("official_b", "outsider", "unit_secretary"):
        client = login(tracked.cast.users[user])
        assert _post(client, "tracking_period_form_request", record_a.pk).status_code == 404
        assert _post(client, "tracking_year_summary_request", tracked.leader.pk).status_code == 404
    # A job of someone else's paper is not theirs to see either.
    job = services.document_request(
        kind=DocumentKind.TRACKING_PERIOD_FORM, by=tracked.ha, period_record=record_a
    )
    client = login(tracked.cast.users["official_b"])
    assert client.get(reverse("documents:job_detail", kwargs={"pk": job.pk})).status_code == 404


def test_office_staff_print_the_tracking_papers_once_the_results_are_signed_off(tracked, login):
    record = tracked.record(tracked.leader)
    client = login(tracked.cast.users["office_staff"])
    assert _post(client, "tracking_period_form_request", record.pk).status_code == 403
    assert _post(client, "tracking_period_forms_request", tracked.period(1).pk).status_code == 403
    type(tracked.cast.cycle).objects.filter(pk=tracked.cast.cycle.pk).update(status=CycleStatus.SIGNED_OFF)
    assert _post(client, "tracking_period_form_request", record.pk).status_code == 302
    assert _post(client, "tracking_period_forms_request", tracked.period(1).pk).status_code == 302


def test_the_documents_page_has_a_button_per_period_and_a_summary_per_tracked_person(tracked, login):
    page = login(tracked.ha).get(reverse("documents:cycle_documents", kwargs={"pk": tracked.cast.cycle.pk}))
    html = page.content.decode()
    assert "Phiếu theo dõi theo kỳ" in html
    for number in (1, 2, 3, 4):
        assert (
            reverse("documents:tracking_period_forms_request", kwargs={"pk": tracked.period(number).pk})
            in html
        )
    assert reverse("documents:tracking_year_summary_request", kwargs={"pk": tracked.staff.pk}) in html


def test_asking_twice_for_the_same_data_renders_once_and_a_change_makes_a_new_version(tracked):
    record = tracked.submit(tracked.staff)
    first = services.document_request(
        kind=DocumentKind.TRACKING_PERIOD_FORM, by=tracked.ha, period_record=record
    )
    again = services.document_request(
        kind=DocumentKind.TRACKING_PERIOD_FORM, by=tracked.ha, period_record=record
    )
    assert first.pk == again.pk and first.subject_key == f"period_record:{record.pk}"
    run(first)
    record.refresh_from_db()
    tracking.period_confirm(
        record=record, values=record.self_values, version=record.version, by=tracked.tracker
    )
    second = services.document_request(
        kind=DocumentKind.TRACKING_PERIOD_FORM, by=tracked.ha, period_record=record
    )
    assert second.pk != first.pk
    run(second)
    assert second.document.version == 2 and second.document.replaces == first.document
    assert D(second.document.data["confirmed_score"].replace(",", ".")) == D("93")
