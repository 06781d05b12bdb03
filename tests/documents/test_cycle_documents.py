"""The documents of issue #6 rendered for real and read back with pypdf: the comment meeting's minutes, the Home
Affairs report, the landscape summary table, the conference minutes, the notice and the form from the decision
in force, the conference pack with its outline; numbers per issuer, year and type; an audit event per issue."""

import re
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from cycles.models import CycleStatus
from documents import services
from documents.errors import DocumentError
from documents.models import ISSUED_KINDS, Document, DocumentJob, DocumentKind
from reviews.models import (
    Decision,
    DecisionState,
    Evaluation,
    SigningAs,
)
from reviews.selectors import LevelSource, cohort_standing
from tests.factories import OfficialFactory, PeerGroupFactory, enrol

from .conftest import TZ, fill, pdf_reader, pdf_text, run
from .conftest import make_meeting as _meeting
from .conftest import sign_decision as _sign

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(autouse=True)
def _issue_day(monkeypatch):
    """Papers are issued on 15 December 2026: after the conference (10 December) and the decisions (14 December)."""
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 15))


def _issue(kind, by, reissue=False, **kwargs) -> Document:
    """The paper as issued: a numbered one through the explicit issue (issue #14), the others as asked."""
    if kind in ISSUED_KINDS:
        kwargs.update(issue=True, reissue=reissue)
    job = services.document_request(kind=kind, by=by, **kwargs)
    assert run(job) == "done", job.error
    return job.document


def _issued_events(document):
    return AuditEvent.objects.filter(action=Action.DOCUMENT_ISSUED, target=f"document:{document.pk}")


# --- (2) Minutes of the comment meeting ------------------------------------------------------------------


def test_meeting_minutes_are_issued_by_the_persons_own_agency_numbered_per_agency(cast, compiled):
    a = compiled[0]
    agency = a.enrolment.organisation
    document = _issue(DocumentKind.MEETING_MINUTES, cast.users["home_affairs"], evaluation=a)
    raw = pdf_text(document)
    text = _flat(raw)
    assert document.issuer == agency and document.number == 1
    assert f"Số: 01/BB-{agency.abbreviation}" in text
    assert agency.name.upper() in text  # the agency's own letterhead, not the province's
    assert "BIÊN BẢN" in text
    assert "Họp nhận xét, đánh giá, xếp loại chất lượng năm 2026 đối với ông Nguyễn Thị An" in text
    # Dated the day of the meeting, leading zeros, place from the province.
    # Dated the day it is issued (the register runs in date order); the meeting's own day is in the text.
    assert "Thử, ngày 15 tháng 12 năm 2026" in text and "ngày 21 tháng 11 năm 2026" in text
    assert "Chủ trì: Đặng Văn Chủ." in text and "Thư ký: Lý Thị Ghi." in text
    assert "Số người được triệu tập: 17; có mặt: 16; vắng mặt: 1." in text
    assert "- Bà Phó Giám Đốc: Đồng ý, cần đẩy mạnh cải cách." in text  # position not said twice
    assert "- Ông Hoàng Công Đoàn (Chủ tịch Công đoàn): Gương mẫu." in text
    assert "Kết quả biểu quyết về mức xếp loại" in text and "Hoàn thành tốt nhiệm vụ 15 93,8%" in text
    assert "Cuộc họp đề nghị mức xếp loại chất lượng: Hoàn thành tốt nhiệm vụ." in text
    assert "được thông qua tại cuộc họp" in text
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text
    assert "\ufffd" not in raw

    # A second person of the same agency: the next number of that agency's BB register.
    colleague = fill(
        enrol(cast.cycle, OfficialFactory(full_name="Đào Văn Phó", organisation=agency)).evaluation
    )
    _meeting(colleague, votes=False)
    second = _issue(DocumentKind.MEETING_MINUTES, cast.users["home_affairs"], evaluation=colleague)
    assert second.number_text == f"02/BB-{agency.abbreviation}"
    assert "Kết quả biểu quyết" not in _flat(pdf_text(second))  # no vote recorded, none printed
    # Another agency starts its own register at 01.
    b = compiled[1]
    _meeting(b)
    assert _issue(DocumentKind.MEETING_MINUTES, cast.users["chair"], evaluation=b).number == 1

    event = _issued_events(document).get()
    assert (
        event.after["kind"] == "meeting_minutes" and event.after["number"] == f"01/BB-{agency.abbreviation}"
    )
    assert event.after["version"] == 1 and event.actor == cast.users["home_affairs"]


def test_minutes_need_a_recorded_meeting(cast):
    from documents.errors import DocumentError

    with pytest.raises(DocumentError, match="Chưa có biên bản họp nhận xét"):
        services.document_request(
            kind=DocumentKind.MEETING_MINUTES,
            evaluation=cast.official_a.enrolments.get().evaluation,
            by=cast.users["home_affairs"],
        )


def test_the_secretary_prints_their_agencys_minutes_from_the_meeting_card(cast, login):
    b = fill(cast.official_b.enrolments.get().evaluation)
    _meeting(b)
    client = login(cast.users["unit_secretary"])
    page = client.get(reverse("reviews:evaluation_detail", kwargs={"pk": b.pk})).content.decode()
    action = reverse("documents:meeting_minutes_request", kwargs={"pk": b.pk})
    assert f'action="{action}"' in page and "In biên bản (PDF)" in page
    response = client.post(action)
    job = DocumentJob.objects.get()
    assert response.url == reverse("documents:job_detail", kwargs={"pk": job.pk})
    run(job)
    download = client.get(reverse("documents:document_download", kwargs={"pk": job.document.pk}))
    assert download.status_code == 200
    # Not official_a's minutes (another agency), and never the official's own form.
    a = cast.official_a.enrolments.get().evaluation
    _meeting(a)
    assert client.post(reverse("documents:meeting_minutes_request", kwargs={"pk": a.pk})).status_code == 404


# --- (3) The Home Affairs report ---------------------------------------------------------------------------


def test_report_counts_levels_per_group_from_cohort_standing_with_quota_list_remarks_and_signature(
    cast, compiled
):
    document = _issue(
        DocumentKind.REPORT,
        cast.users["home_affairs"],
        cycle=cast.cycle,
        options={
            "remarks": "Hai cơ quan gửi biên bản chậm.\nĐề nghị giữ tỷ lệ 25%.",
            "signer_name": "Phan Văn Nội",
            "signing": "deputy",
        },
    )
    raw = pdf_text(document)
    text = _flat(raw)
    assert document.issuer.name == "Sở Nội vụ" and document.number_text == "01/BC-SNV"
    assert "Số: 01/BC-SNV" in text and "SỞ NỘI VỤ" in text
    assert "BÁO CÁO" in text and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Thử." in text
    standing = cohort_standing(cast.cycle, LevelSource.PROPOSED)
    (group,) = standing.groups
    assert group.total == 3 and group.counts["htxsnv"] == 1 and group.counts["httnv"] == 2
    # Counts and shares per level: 1 HTXSNV (33,3%), 2 HTTNV (66,7%).
    assert "Giám đốc sở và tương đương 3 1 33,3% 2 66,7% 0 0% 0 0%" in text
    # The quota position exactly as the proposal screen computes it, with the exception and its document.
    assert group.position.arithmetic in text
    assert "25% × 2 người HTTNV = 0,5 → tối đa 0 HTXSNV" in text
    assert "vượt 1 người so với tỷ lệ cho phép" in text
    assert "Văn bản số 12/UBND-NC ngày 01/12/2026" in text and "Ngành dẫn đầu cả nước" in text
    for name in ("Nguyễn Thị An", "Trần Văn Bình", "Phan Văn Nội"):
        assert name in text
    assert "Thành tích nổi trội." in text
    assert "Hai cơ quan gửi biên bản chậm." in text and "Đề nghị giữ tỷ lệ 25%." in text
    assert "Nơi nhận:" in text and "- Lưu: VT, CCVC." in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Phan Văn Nội" in text
    assert "\ufffd" not in raw
    assert document.data["remarks"].startswith("Hai cơ quan")  # kept in the snapshot

    # Issued again with other remarks (an explicit re-issue): a new number, citing the one it replaces.
    again = _issue(
        DocumentKind.REPORT,
        cast.users["home_affairs"],
        reissue=True,
        cycle=cast.cycle,
        options={"remarks": "Bổ sung.", "signer_name": "Phan Văn Nội", "signing": "director"},
    )
    again_text = _flat(pdf_text(again))
    assert again.number_text == "02/BC-SNV" and again.replaces == document
    assert "Thay thế văn bản số 01/BC-SNV" in again_text
    assert "GIÁM ĐỐC" in again_text and "KT. GIÁM ĐỐC" not in again_text
    issued = AuditEvent.objects.filter(action=Action.DOCUMENT_ISSUED).order_by("pk")
    assert [(e.after["number"], e.after["version"]) for e in issued] == [("01/BC-SNV", 1), ("02/BC-SNV", 2)]


def test_the_report_form_proposes_the_home_affairs_director_and_keeps_the_remarks(cast, compiled, login):
    client = login(cast.users["home_affairs"])
    url = reverse("documents:report_request", kwargs={"pk": cast.cycle.pk})
    page = client.get(url).content.decode()
    assert 'value="Phan Văn Nội"' in page and "Nhận xét, kiến nghị của Sở Nội vụ" in page
    response = client.post(
        url, {"remarks": "Ghi chú riêng.", "signing": "director", "signer_name": "Phan Văn Nội"}
    )
    job = DocumentJob.objects.get()
    assert response.url == reverse("documents:job_detail", kwargs={"pk": job.pk})
    assert job.kind == DocumentKind.REPORT and job.request["options"]["remarks"] == "Ghi chú riêng."
    assert client.post(url, {"signing": "director", "signer_name": ""}).status_code == 200  # re-shown


def test_office_staff_get_the_cohort_papers_only_once_the_results_are_signed_off(cast, compiled, login):
    client = login(cast.users["office_staff"])
    url = reverse("documents:summary_table_request", kwargs={"pk": cast.cycle.pk})
    assert client.post(url).status_code == 403
    home_affairs = login(cast.users["home_affairs"])
    home_affairs.post(url)
    job = DocumentJob.objects.get()
    run(job)
    client = login(cast.users["office_staff"])
    assert (
        client.get(reverse("documents:document_download", kwargs={"pk": job.document.pk})).status_code == 404
    )
    cast.cycle.__class__.objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.SIGNED_OFF)
    assert (
        client.get(reverse("documents:document_download", kwargs={"pk": job.document.pk})).status_code == 200
    )
    assert client.post(url).status_code == 302


# --- (4) The summary table ---------------------------------------------------------------------------------


def test_summary_table_is_landscape_grouped_with_subtotals_and_repeats_its_header(cast, compiled):
    # Enough people in a second peer group to run over a page.
    communes = PeerGroupFactory(code="commune_chairs", name="Chủ tịch UBND xã, phường", sort_order=4)
    for i in range(16):
        official = OfficialFactory(
            full_name=f"Chủ Tịch Xã {i:02d}", peer_group=communes, title=f"Chủ tịch UBND xã Số {i:02d}"
        )
        fill(enrol(cast.cycle, official).evaluation, level="htnv")
    document = _issue(DocumentKind.SUMMARY_TABLE, cast.users["home_affairs"], cycle=cast.cycle)
    reader = pdf_reader(document)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    pages = [_flat(page.extract_text()) for page in reader.pages]
    assert "DANH SÁCH TỔNG HỢP" in pages[0]
    for page in pages[:2]:  # the header row on page 1 and again on page 2
        assert "STT Họ và tên Chức vụ Cơ quan, đơn vị Tự xếp loại Điểm" in page
        assert "Sở Nội vụ đề xuất" in page
    text = " ".join(pages)
    assert "1. Giám đốc sở và tương đương" in text and "2. Chủ tịch UBND xã, phường" in text
    assert "Cộng: 3 người – HTXSNV: 1; HTTNV: 2; HTNV: 0; KHTNV: 0" in text
    assert "Cộng: 16 người – HTXSNV: 0; HTTNV: 0; HTNV: 0; KHTNV: 0; chưa có: 16" in text
    # The meeting's view with its votes, the party's opinion, the proposal and its reason.
    assert "HTTNV (HTTNV: 15, HTNV: 1)" in text and "Đồng ý mức đề xuất." in text
    assert "Thành tích nổi trội." in text
    assert "Chủ Tịch Xã 15" in text
    assert not document.shows_decision
    after = _issued_events(document).get().after
    assert (after["kind"], after["number"], after["version"]) == ("summary_table", "", 1)


def test_summary_table_shows_the_decided_level_once_signed_off(cast, compiled):
    a, b, c = compiled
    for evaluation, level in ((a, "httnv"), (b, "httnv"), (c, "htnv")):
        _sign(evaluation, level=level)
    cast.cycle.__class__.objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.SIGNED_OFF)
    cast.cycle.refresh_from_db()
    document = _issue(DocumentKind.SUMMARY_TABLE, cast.users["chair"], cycle=cast.cycle)
    text = _flat(pdf_text(document))
    assert "Quyết định: 3 người – HTXSNV: 0; HTTNV: 2; HTNV: 1; KHTNV: 0" in text
    assert document.shows_decision


# --- (5) The conference minutes -------------------------------------------------------------------------


def test_conference_minutes_record_attendance_guests_report_discussion_in_agenda_order_and_conclusion(
    cast, conference
):
    report = _issue(
        DocumentKind.REPORT,
        cast.users["home_affairs"],
        cycle=cast.cycle,
        options={"signer_name": "Phan Văn Nội"},
    )
    document = _issue(DocumentKind.CONFERENCE_MINUTES, cast.users["home_affairs"], cycle=cast.cycle)
    raw = pdf_text(document)
    text = _flat(raw)
    assert document.issuer == cast.cycle.authority and document.number_text == "01/BB-UBND"
    assert "Số: 01/BB-UBND" in text and "Thử, ngày 15 tháng 12 năm 2026" in text
    assert "ỦY BAN NHÂN DÂN" in raw and "Hội nghị đánh giá, xếp loại chất lượng năm 2026" in text
    assert "Vào hồi 8 giờ 00 phút, ngày 10 tháng 12 năm 2026, tại Hội trường tầng 3." in text
    assert "Chủ trì: Chủ Tịch Thử – Chủ tịch UBND tỉnh." in text
    assert "Thư ký: Trịnh Thư Ký – Chuyên viên Sở Nội vụ." in text
    assert "Người được đánh giá: 3 người; có mặt 2 người, vắng mặt 1 người." in text
    assert "Trần Văn Bình" in text and "(lý do: Đi công tác nước ngoài)" in text
    assert "- Đại diện Ban Tổ chức Tỉnh ủy." in text
    # The agenda under the paper's own numbering, without the typed numbers (no "3." then "1."; issue #14 item 5).
    assert (
        "1. Chương trình hội nghị - Khai mạc - Sở Nội vụ báo cáo - Thảo luận 2. Báo cáo của Sở Nội vụ" in text
    )
    assert f"Báo cáo số {report.number_text} ngày" in text
    # Discussion in agenda order: An's notes before Bình's, the director without notes says so.
    assert text.index("Ý kiến về bà An") < text.index("Ý kiến về bà/ông Bình")
    assert "Không có ý kiến thảo luận được ghi nhận." in text
    assert "Thống nhất đề xuất của Sở Nội vụ." in text and "Giao Sở Nội vụ hoàn thiện hồ sơ." in text
    assert "Hội nghị kết thúc vào hồi 11 giờ 30 phút cùng ngày" in text
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text and "Trịnh Thư Ký" in text
    assert "\ufffd" not in raw
    assert _issued_events(document).get().after["number"] == "01/BB-UBND"


def test_the_conference_minutes_need_a_conference(cast):
    # A cheap look at the request (the worker takes the data, issue #15): refused at once, in Vietnamese, no job.
    with pytest.raises(DocumentError, match="Chưa có thông tin hội nghị"):
        services.document_request(
            kind=DocumentKind.CONFERENCE_MINUTES, cycle=cast.cycle, by=cast.users["chair"]
        )
    assert not DocumentJob.objects.filter(kind=DocumentKind.CONFERENCE_MINUTES).exists()


# --- (1) and (6): the form and the notice from the decision in force --------------------------------------


def test_the_signed_form_carries_the_authoritys_comments_level_signature_and_date(cast, compiled):
    a = compiled[0]
    before = _flat(pdf_text(_issue(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=a)))
    assert "Ưu điểm: quyết liệt" not in before and "TM. ỦY BAN NHÂN DÂN" not in before
    _sign(a, level="httnv")
    cast.cycle.__class__.objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.SIGNED_OFF)
    text = _flat(pdf_text(_issue(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=a)))
    assert "Ưu điểm: quyết liệt. Khuyết điểm: giải ngân chậm." in text
    # Decree 335's form (Phụ lục II layout): the decided level ticked in part III.
    assert "X Hoàn thành tốt nhiệm vụ" in text.split("III. KẾT QUẢ XẾP LOẠI")[1]
    # The chair rates personally: "CHỦ TỊCH", not "TM. ỦY BAN NHÂN DÂN" (issue #14).
    assert (
        "Thử, ngày 14 tháng 12 năm 2026 CẤP CÓ THẨM QUYỀN XẾP LOẠI (Ký tên, ghi rõ họ tên) CHỦ TỊCH" in text
    )
    assert "TM. ỦY BAN NHÂN DÂN" not in text
    assert "Chủ Tịch Thử" in text


def test_a_vice_chairs_signature_and_not_rated_print_as_such(cast, compiled):
    a = compiled[0]
    Evaluation.objects.filter(pk=a.pk).update(status="published", final_not_rated=True)
    Decision.objects.create(
        evaluation=a,
        not_rated=True,
        comments="Công tác dưới 6 tháng.",
        state=DecisionState.SIGNED,
        signing_as=SigningAs.VICE_CHAIR,
        signer_name="Phó Chủ Tịch Ký",
        signed_at=datetime(2026, 12, 14, 16, 0, tzinfo=TZ),
    )
    a.refresh_from_db()
    form = _flat(pdf_text(_issue(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=a)))
    assert "Kết quả xếp loại chất lượng: Không xếp loại chất lượng" in form
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in form and "Phó Chủ Tịch Ký" in form
    notice = _flat(pdf_text(_issue(DocumentKind.NOTICE, cast.users["home_affairs"], evaluation=a)))
    assert "Kết quả xếp loại chất lượng năm 2026: Không xếp loại chất lượng." in notice
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in notice


def test_a_notice_after_an_objection_says_which_result_it_replaces(cast, compiled):
    a = compiled[0]
    first_decision = _sign(a, level="htnv")
    first = _issue(DocumentKind.NOTICE, cast.users["chair"], evaluation=a)
    Decision.objects.filter(pk=first_decision.pk).update(state=DecisionState.REPLACED)
    _sign(a, level="httnv", replaces=first_decision)
    second = _issue(DocumentKind.NOTICE, cast.users["chair"], reissue=True, evaluation=a)
    text = _flat(pdf_text(second))
    assert second.number_text == "02/TB-UBND" and second.replaces == first
    assert "Kết quả xếp loại chất lượng năm 2026: Hoàn thành tốt nhiệm vụ." in text
    assert "Nhận xét ưu, khuyết điểm: Ưu điểm: quyết liệt." in text
    assert (
        "Kết quả này thay thế kết quả xếp loại đã phê duyệt ngày 14/12/2026 (Hoàn thành nhiệm vụ); "
        "lý do: Chấp nhận kiến nghị." in text
    )
    assert "Thay thế văn bản số 01/TB-UBND" in text
    assert [
        e.after["number"] for e in AuditEvent.objects.filter(action=Action.DOCUMENT_ISSUED).order_by("pk")
    ] == [
        "01/TB-UBND",
        "02/TB-UBND",
    ]


# --- (7) The conference pack -------------------------------------------------------------------------------


def test_the_pack_joins_report_summary_and_every_form_with_a_nested_outline(cast, compiled, login):
    client = login(cast.users["chair"])
    response = client.post(reverse("documents:conference_pack_request", kwargs={"pk": cast.cycle.pk}))
    job = DocumentJob.objects.get()
    assert response.url == reverse("documents:job_detail", kwargs={"pk": job.pk})
    run(job)
    document = job.document
    reader = pdf_reader(document)
    text = _flat(pdf_text(document))
    for evaluation in compiled:
        assert evaluation.enrolment.full_name in text
    assert "BÁO CÁO" in text and "DANH SÁCH TỔNG HỢP" in text and "PHIẾU XẾP LOẠI CHẤT LƯỢNG" in text
    # No report issued yet: the pack carries a draft with its number left blank.
    assert "Số: /BC-SNV" in text
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Báo cáo của Sở Nội vụ", "Danh sách tổng hợp", "Phiếu đánh giá, xếp loại chất lượng"]
    nested = outline[3]
    assert isinstance(nested, list)
    assert [item.title for item in nested] == [
        f"{e.enrolment.full_name} – {e.enrolment.title}"
        for e in sorted(compiled, key=lambda e: (e.enrolment.agenda_order, e.enrolment.full_name))
    ]
    # The report is portrait, the summary landscape; each entry points at its part's first page.
    first_of = {
        item.title: reader.get_destination_page_number(item) for item in outline if not isinstance(item, list)
    }
    report_page = reader.pages[first_of["Báo cáo của Sở Nội vụ"]]
    summary_page = reader.pages[first_of["Danh sách tổng hợp"]]
    assert float(report_page.mediabox.height) > float(report_page.mediabox.width)
    assert float(summary_page.mediabox.width) > float(summary_page.mediabox.height)
    assert document.number is None
    assert _issued_events(document).get().after["kind"] == "conference_pack"


def test_the_pack_carries_the_issued_report_with_its_number(cast, compiled):
    report = _issue(
        DocumentKind.REPORT,
        cast.users["home_affairs"],
        cycle=cast.cycle,
        options={"remarks": "Nhận xét đã ban hành."},
    )
    pack = _issue(DocumentKind.CONFERENCE_PACK, cast.users["home_affairs"], cycle=cast.cycle)
    text = _flat(pdf_text(pack))
    assert f"Số: {report.number_text}" in text and "Nhận xét đã ban hành." in text
    assert (
        f"(Kèm theo Báo cáo số {report.number_text} ngày" in text
    )  # the summary names the report it annexes
    assert Document.objects.filter(kind=DocumentKind.REPORT).count() == 1  # the pack took no number


# --- The cycle's documents page --------------------------------------------------------------------------


def test_the_cycle_documents_page_offers_every_paper_at_constant_queries(cast, compiled, login):
    client = login(cast.users["home_affairs"])
    url = reverse("documents:cycle_documents", kwargs={"pk": cast.cycle.pk})
    page = client.get(url).content.decode()
    for name in (
        "report_request",
        "summary_table_request",
        "conference_minutes_request",
        "conference_pack_request",
    ):
        assert reverse(f"documents:{name}", kwargs={"pk": cast.cycle.pk}) in page
    assert reverse("documents:meeting_minutes_request", kwargs={"pk": compiled[0].pk}) in page

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries()
    for i in range(12):
        evaluation = fill(enrol(cast.cycle, OfficialFactory()).evaluation)
        if i % 2:
            _meeting(evaluation)
    assert queries() == small
    office = login(cast.users["office_staff"]).get(url).content.decode()
    assert reverse("documents:report_request", kwargs={"pk": cast.cycle.pk}) not in office


def test_a_can_bos_signed_form_prints_the_outlook_even_on_a_points_form(cast):
    from officials.models import PersonnelType

    official = OfficialFactory(
        full_name="Hà Văn Cán", personnel_type=PersonnelType.CAN_BO, title="Phó Chủ tịch UBND tỉnh"
    )
    evaluation = fill(enrol(cast.cycle, official).evaluation)
    decision = _sign(evaluation, level="httnv")
    Decision.objects.filter(pk=decision.pk).update(outlook="Có triển vọng phát triển tốt.")
    text = _flat(
        pdf_text(_issue(DocumentKind.RATING_FORM, cast.users["home_affairs"], evaluation=evaluation))
    )
    assert "Nhận định chiều hướng, triển vọng phát triển của cán bộ: Có triển vọng phát triển tốt." in text
