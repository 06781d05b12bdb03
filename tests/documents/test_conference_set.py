"""Issue #14 item 8: the rest of the conference's set — the Home Affairs submission with the draft decision, the chair's
decision approving the results, the invitation, the attendance list with its signature column, the collective notice
and the decision on an objection. Each rendered for real by WeasyPrint and read back with pypdf: its title and number
format, "DỰ THẢO" on drafts only, Vietnamese from an English session, issuing refused with the reason until the paper is
complete, no number taken by a draft, and each register in order."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from documents import services
from documents.errors import DocumentError
from documents.models import Document, DocumentJob, DocumentKind, RegisterCounter
from documents.selectors import legal_basis
from reviews.models import Evaluation, Objection, ObjectionOutcome, ObjectionStatus

from .conftest import TZ, pdf_reader, pdf_text, run, sign_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _issue_day(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: date(2026, 12, 15))


@pytest.fixture(autouse=True)
def _back_to_vietnamese():
    yield
    translation.deactivate()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _draft(kind, by, **subject):
    job = services.document_request(kind=kind, by=by, **subject)
    assert run(job) == "done", job.error
    assert job.document.is_draft and job.document.number is None
    return job


def _issue(job, by):
    issuing = services.document_issue(job=job, by=by)
    assert run(issuing) == "done", issuing.error
    return issuing.document


def _marks(document) -> list[bool]:
    return ["DỰ THẢO" in page.extract_text() for page in pdf_reader(document).pages]


def _numbers_taken() -> dict[str, int]:
    return dict(RegisterCounter.objects.values_list("type_code", "last_number"))


def _sign_all(evaluations):
    for evaluation in evaluations:
        sign_decision(evaluation, level=evaluation.proposed_level or "httnv")


def test_the_submission_waits_for_every_proposal_and_carries_the_draft_decision(cast, compiled):
    home_affairs = cast.users["home_affairs"]
    Evaluation.objects.filter(pk=compiled[2].pk).update(proposed_level="")
    draft = _draft(DocumentKind.SUBMISSION, home_affairs, cycle=cast.cycle)
    text = _flat(pdf_text(draft.document))
    assert "TỜ TRÌNH" in text and "Số: /TTr-SNV" in text and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert all(_marks(draft.document))
    with pytest.raises(DocumentError, match="Còn 1 trong số 3 người chưa có đề xuất mức xếp loại"):
        services.document_issue(job=draft, by=home_affairs)
    assert _numbers_taken() == {}

    Evaluation.objects.filter(pk=compiled[2].pk).update(proposed_level="httnv")
    issued = _issue(_draft(DocumentKind.SUBMISSION, home_affairs, cycle=cast.cycle), home_affairs)
    assert issued.number_text == "01/TTr-SNV" and issued.issuer.abbreviation == "SNV"
    reader = pdf_reader(issued)
    first, rest = reader.pages[0].extract_text(), _flat(pdf_text(issued))
    assert "Số: 01/TTr-SNV" in first and "DỰ THẢO" not in first
    assert "- Hoàn thành xuất sắc nhiệm vụ: 1 người (33,3%);" in rest
    # The draft decision follows on its own pages, marked as a draft, numbered blank, with the proposals listed.
    attached = rest[rest.index("Số: /QĐ-UBND") :]
    assert "QUYẾT ĐỊNH Về việc phê duyệt kết quả" in attached and "Điều 1. Phê duyệt" in attached
    assert "(Kèm theo Quyết định số /QĐ-UBND ngày …/…/……" in attached
    assert _marks(issued)[0] is False and _marks(issued)[-1] is True
    assert [item.title for item in reader.outline] == [
        "Tờ trình của Sở Nội vụ",
        "Dự thảo Quyết định (kèm theo Tờ trình)",
    ]


def test_the_decision_waits_for_every_signed_decision_then_cites_the_laws_and_the_submission(cast, compiled):
    chair, home_affairs = cast.users["chair"], cast.users["home_affairs"]
    _issue(_draft(DocumentKind.SUBMISSION, home_affairs, cycle=cast.cycle), home_affairs)
    sign_decision(compiled[0], level="htxsnv")
    draft = _draft(DocumentKind.RESULTS_DECISION, chair, cycle=cast.cycle)
    assert all(_marks(draft.document))
    with pytest.raises(DocumentError, match="Còn 2 trong số 3 người chưa có quyết định xếp loại được ký"):
        services.document_issue(job=draft, by=chair)
    assert _numbers_taken() == {"TTr": 1}

    _sign_all(compiled[1:])
    issued = _issue(_draft(DocumentKind.RESULTS_DECISION, chair, cycle=cast.cycle), chair)
    assert issued.number_text == "01/QĐ-UBND" and issued.issuer == cast.cycle.authority
    text = _flat(pdf_text(issued))
    assert "Số: 01/QĐ-UBND" in text and "Thử, ngày 15 tháng 12 năm 2026" in text and "DỰ THẢO" not in text
    assert "QUYẾT ĐỊNH Về việc phê duyệt kết quả đánh giá, xếp loại chất lượng năm 2026" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ" in text.upper()
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in text
    assert "Căn cứ Nghị định số 335/2025/NĐ-CP ngày 21 tháng 12 năm 2025" in text
    assert "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 01/TTr-SNV ngày 15/12/2026." in text
    positions = [text.index(f"Điều {n}.") for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert "Quyết định này có hiệu lực kể từ ngày ký." in text
    # The chair decides personally: "CHỦ TỊCH", no "TM."; the annex cites the decision's own number and day.
    assert "CHỦ TỊCH Chủ Tịch Thử" in text and "TM. ỦY BAN NHÂN DÂN" not in text
    assert "(Kèm theo Quyết định số 01/QĐ-UBND ngày 15/12/2026" in text
    assert "Nguyễn Thị An" in text and "Hoàn thành xuất sắc nhiệm vụ" in text.split("DANH SÁCH")[-1]

    # The individual notices now cite it.
    notice = services.document_request(kind=DocumentKind.NOTICE, evaluation=compiled[0], by=chair)
    run(notice)
    assert "Căn cứ Quyết định số 01/QĐ-UBND ngày 15/12/2026 của Chủ tịch" in _flat(pdf_text(notice.document))


def test_a_person_not_rated_this_year_needs_no_proposal_nor_decision(cast, compiled):
    """Home Affairs recorded one person as not rated (under six months): the submission and the decision can still be
    issued, and the list says why that person has no level."""
    chair, home_affairs = cast.users["chair"], cast.users["home_affairs"]
    Evaluation.objects.filter(pk=compiled[2].pk).update(
        status="exempt",
        proposed_level="",
        exemption_kind="under_six_months",
        exemption_reason="Nhận công tác từ tháng 8.",
        exemption_article="Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1",
    )
    _issue(_draft(DocumentKind.SUBMISSION, home_affairs, cycle=cast.cycle), home_affairs)
    _sign_all(compiled[:2])
    text = _flat(pdf_text(_issue(_draft(DocumentKind.RESULTS_DECISION, chair, cycle=cast.cycle), chair)))
    assert "- Không đánh giá, xếp loại: 1 người." in text
    assert (
        "Phan Văn Nội Giám đốc Sở Nội vụ Không đánh giá, xếp loại (Công tác dưới 6 tháng trong năm)" in text
    )


def test_the_2023_decision_cites_the_laws_of_its_year(decree_90_evaluation):
    lines = legal_basis(decree_90_evaluation.enrolment.cycle)
    assert lines[0] == "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
    assert any(line.startswith("Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 năm 2020") for line in lines)
    assert any(line.startswith("Nghị định số 48/2023/NĐ-CP") for line in lines)
    assert not any("335/2025" in line or "16 tháng 6 năm 2025" in line for line in lines)


def test_no_invitation_nor_list_before_the_conference_is_set(cast, compiled):
    for kind in (DocumentKind.INVITATION, DocumentKind.ATTENDANCE_LIST):
        with pytest.raises(DocumentError, match="Chưa có thông tin hội nghị"):
            services.document_request(kind=kind, cycle=cast.cycle, by=cast.users["office_staff"])
    assert not DocumentJob.objects.exists()


def test_a_mixed_2026_cohort_cites_laws_then_decrees_then_the_partys_regulation_each_once(cast):
    from officials.models import PersonnelType
    from tests.factories import OfficialFactory, enrol

    enrol(cast.cycle, OfficialFactory(personnel_type=PersonnelType.VIEN_CHUC, title="Hiệu trưởng"))
    enrol(cast.cycle, OfficialFactory(personnel_type=PersonnelType.CAN_BO, title="Phó Chủ tịch UBND tỉnh"))
    starts = [line.split(" ngày ")[0] for line in legal_basis(cast.cycle)]
    assert starts == [
        "Luật Tổ chức chính quyền địa phương",
        "Luật Cán bộ, công chức",
        "Luật Viên chức",
        "Nghị định số 335/2025/NĐ-CP",
        "Nghị định số 233/2026/NĐ-CP",
        "Quy định số 366-QĐ/TW",
    ]


def test_the_invitation_and_attendance_list_come_from_the_conference(cast, compiled, conference):
    office = cast.users["office_staff"]
    draft = _draft(DocumentKind.INVITATION, office, cycle=cast.cycle)
    assert all(_marks(draft.document))
    invitation = _issue(draft, office)
    assert invitation.number_text == "01/GM-UBND"
    text = _flat(pdf_text(invitation))
    assert "GIẤY MỜI" in text and "Số: 01/GM-UBND" in text and "DỰ THẢO" not in text
    assert "trân trọng kính mời: - Đại diện Ban Tổ chức Tỉnh ủy;" in text
    assert (
        "thuộc thẩm quyền đánh giá của Chủ tịch Ủy ban nhân dân tỉnh (3 người, có danh sách kèm theo)" in text
    )
    assert "do Chủ Tịch Thử, Chủ tịch UBND tỉnh chủ trì" in text
    assert "Thời gian: 8 giờ 00 phút, thứ Năm, ngày 10 tháng 12 năm 2026." in text
    assert "Địa điểm: Hội trường tầng 3." in text
    assert "Nội dung: - Khai mạc - Sở Nội vụ báo cáo - Thảo luận" in text

    roll = _issue(_draft(DocumentKind.ATTENDANCE_LIST, office, cycle=cast.cycle), office)
    assert roll.number_text == "01/DS-UBND"
    text = _flat(pdf_text(roll))
    assert "DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ" in text and "Số: 01/DS-UBND" in text
    assert "STT Họ và tên Chức vụ, đơn vị Ký tên" in text and "DỰ THẢO" not in text
    assert "(Kèm theo Giấy mời số 01/GM-UBND ngày 15/12/2026)" in text
    for name in (
        "Chủ Tịch Thử",
        "Đại diện Ban Tổ chức Tỉnh ủy",
        "Nguyễn Thị An",
        "Trần Văn Bình",
        "Trịnh Thư Ký",
    ):
        assert text.count(name) == 1, name
    # A register of its own: the list took no invitation or minutes number.
    assert _numbers_taken() == {"GM": 1, "DS": 1}


def test_the_collective_notice_waits_for_the_issued_decision_and_shares_the_tb_register(cast, compiled):
    chair = cast.users["chair"]
    _sign_all(compiled)
    single = services.document_request(kind=DocumentKind.NOTICE, evaluation=compiled[1], by=chair)
    run(single)
    assert _issue(single, chair).number_text == "01/TB-UBND"
    draft = _draft(DocumentKind.RESULTS_NOTICE, chair, cycle=cast.cycle)
    with pytest.raises(DocumentError, match="Quyết định phê duyệt kết quả chưa ban hành"):
        services.document_issue(job=draft, by=chair)
    _issue(_draft(DocumentKind.RESULTS_DECISION, chair, cycle=cast.cycle), chair)
    notice = _issue(_draft(DocumentKind.RESULTS_NOTICE, chair, cycle=cast.cycle), chair)
    assert notice.number_text == "02/TB-UBND"
    text = _flat(pdf_text(notice))
    assert "THÔNG BÁO" in text and "Căn cứ Quyết định số 01/QĐ-UBND ngày 15/12/2026" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text
    for evaluation in compiled:
        assert evaluation.enrolment.full_name in text
    assert _numbers_taken() == {"TB": 2, "QĐ": 1}


def test_the_decision_on_an_objection_waits_for_the_answer_and_follows_in_the_qd_register(cast, compiled):
    chair = cast.users["chair"]
    _sign_all(compiled)
    _issue(_draft(DocumentKind.RESULTS_DECISION, chair, cycle=cast.cycle), chair)
    a = compiled[0]
    objection = Objection.objects.create(
        evaluation=a, decision=a.decisions.get(), text="Đề nghị xem xét lại kết quả."
    )
    draft = _draft(DocumentKind.OBJECTION_DECISION, chair, objection=objection)
    assert draft.subject_key == f"objection:{objection.pk}" and all(_marks(draft.document))
    with pytest.raises(DocumentError, match="Kiến nghị chưa được người có thẩm quyền trả lời"):
        services.document_issue(job=draft, by=chair)
    Objection.objects.filter(pk=objection.pk).update(
        status=ObjectionStatus.ANSWERED,
        answer="Kết quả phù hợp với quy định và tỷ lệ cho phép.",
        answered_at=datetime(2026, 12, 20, 9, 0, tzinfo=TZ),
        answered_by=chair,
        outcome=ObjectionOutcome.KEPT,
    )
    objection.refresh_from_db()
    issued = _issue(_draft(DocumentKind.OBJECTION_DECISION, chair, objection=objection), chair)
    assert issued.number_text == "02/QĐ-UBND" and issued.evaluation == a
    text = _flat(pdf_text(issued))
    assert (
        "Về việc giải quyết kiến nghị của bà Nguyễn Thị An" in text
        or "kiến nghị của ông Nguyễn Thị An" in text
    )
    assert "Căn cứ Quyết định số 01/QĐ-UBND ngày 15/12/2026" in text
    assert "Giữ nguyên kết quả đánh giá, xếp loại chất lượng năm 2026" in text
    assert "Kết quả phù hợp với quy định và tỷ lệ cho phép." in text and "DỰ THẢO" not in text


def test_a_paper_asked_from_an_english_session_reads_vietnamese(cast, compiled, conference, login):
    client = login(cast.users["chair"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for name, title in (
        ("documents:results_decision_request", "QUYẾT ĐỊNH"),
        ("documents:invitation_request", "GIẤY MỜI"),
        ("documents:attendance_list_request", "DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ"),
    ):
        response = client.post(reverse(name, kwargs={"pk": cast.cycle.pk}))
        job = DocumentJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        run(job)
        text = _flat(pdf_text(job.document))
        assert title in text and "DỰ THẢO" in text, name
        assert "DRAFT" not in text and "INVITATION" not in text and "Decision" not in text
    # The same data asked in Vietnamese is the same job: the reader's language never reaches the paper.
    with translation.override("vi"):
        again = services.document_request(
            kind=DocumentKind.RESULTS_DECISION, cycle=cast.cycle, by=cast.users["chair"]
        )
    # The request only records what is asked (issue #15); the worker finds the same data already rendered.
    first = DocumentJob.objects.filter(kind=DocumentKind.RESULTS_DECISION).exclude(pk=again.pk).get()
    run(again)
    again.refresh_from_db()
    assert again.resolved.pk == first.pk
    assert Document.objects.filter(kind=DocumentKind.RESULTS_DECISION).count() == 1


def test_the_buttons_are_where_each_signer_looks(cast, compiled, conference, login):
    """The cycle's documents page offers the whole set to Home Affairs and the chair, the convening papers to the
    chair's office before sign-off; the conference page the invitation and list; the objection card its decision."""
    cycle_page = reverse("documents:cycle_documents", kwargs={"pk": cast.cycle.pk})
    urls = {
        name: reverse(f"documents:{name}", kwargs={"pk": cast.cycle.pk})
        for name in ("invitation_request", "attendance_list_request", "submission_request")
        + ("results_decision_request", "results_notice_request")
    }
    chair_page = login(cast.users["chair"]).get(cycle_page).text
    assert all(url in chair_page for url in urls.values())
    office_page = login(cast.users["office_staff"]).get(cycle_page).text
    assert urls["invitation_request"] in office_page and urls["submission_request"] not in office_page
    conference_page = login(cast.users["home_affairs"]).get(
        reverse("conference:conference_edit", kwargs={"pk": cast.cycle.pk})
    )
    assert urls["attendance_list_request"] in conference_page.text

    a = compiled[0]
    sign_decision(a)
    objection = Objection.objects.create(evaluation=a, decision=a.decisions.get(), text="Xin xem xét lại.")
    button = reverse("documents:objection_decision_request", kwargs={"pk": objection.pk})
    detail = reverse("reviews:evaluation_detail", kwargs={"pk": a.pk})
    assert button in login(cast.users["chair"]).get(detail).text
    assert button not in login(cast.users["official_a"]).get(detail).text


def test_the_pack_opens_with_the_invitation_and_ends_with_the_list_to_sign(cast, compiled, conference):
    """The conference pack carries the convening papers where they belong: the invitation (agenda, time, place) first,
    the attendance list to sign last; as drafts until they are issued, then as issued."""
    office = cast.users["office_staff"]
    _issue(_draft(DocumentKind.INVITATION, office, cycle=cast.cycle), office)
    pack = services.document_request(
        kind=DocumentKind.CONFERENCE_PACK, cycle=cast.cycle, by=cast.users["chair"]
    )
    assert run(pack) == "done", pack.error
    reader = pdf_reader(pack.document)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Giấy mời dự hội nghị" and titles[-1] == "Danh sách đại biểu dự hội nghị"
    first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
    assert "Số: 01/GM-UBND" in first and "DỰ THẢO" not in first
    assert "DỰ THẢO" in last and "Ký tên" in _flat(pdf_text(pack.document))
