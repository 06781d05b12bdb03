"""The 2026 annual forms, each its rulebook's own (issue #14 item 7), rendered for real and read back with pypdf:
Decree 233/2026 Phụ lục II part for part (I. tổng hợp; II. the self-rating in four boxes; III. the authority's
level, ticked once the decision is signed; IV. the authority's comments; the two signatures side by side), the
authority's points column on every points form, the cán bộ's outlook line, and Decree 90 as it was."""

import re

import pytest

from documents import services
from documents.models import DocumentKind
from officials.models import PersonnelType
from reviews.models import Decision, Evaluation
from tests.factories import OfficialFactory, enrol

from .conftest import fill, pdf_reader, pdf_text, run, sign_decision

pytestmark = pytest.mark.django_db

LEVELS = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
]


def _form(evaluation, by, **kwargs):
    job = services.document_request(kind=DocumentKind.RATING_FORM, evaluation=evaluation, by=by, **kwargs)
    assert run(job) == "done", job.error
    return job.document


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start) : text.index(end)]


def _ticked(part: str) -> list[str]:
    """The levels with an "X" in their box, in a part of the form."""
    return [level for level in LEVELS if f"X {level}" in part]


@pytest.fixture
def employee(cast):
    """A viên chức of the cast's 2026 cycle: Decree 233, self-rated HTTNV."""
    official = OfficialFactory(
        full_name="Đỗ Thị Viên", title="Giám đốc Trung tâm", personnel_type=PersonnelType.VIEN_CHUC
    )
    return fill(enrol(cast.cycle, official).evaluation, level="httnv")


@pytest.fixture
def can_bo(cast):
    official = OfficialFactory(
        full_name="Hà Văn Cán", personnel_type=PersonnelType.CAN_BO, title="Phó Chủ tịch UBND tỉnh"
    )
    return fill(enrol(cast.cycle, official).evaluation)


def test_each_rulebook_prints_its_own_title(employee, evaluation_a, can_bo, cast):
    by = cast.users["home_affairs"]
    titles = {
        "decree_233": "PHIẾU XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC",
        "decree_335": "PHIẾU XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
        "regulation_366": "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ",
    }
    captions = {
        "decree_233": "VIÊN CHỨC TỰ XẾP LOẠI",
        "decree_335": "CÔNG CHỨC TỰ XẾP LOẠI",
        "regulation_366": "CÁN BỘ TỰ XẾP LOẠI",
    }
    for evaluation in (employee, evaluation_a, can_bo):
        text = _flat(pdf_text(_form(evaluation, by)))
        expected = titles[evaluation.enrolment.rulebook_code]
        assert expected in text, evaluation.enrolment.rulebook_code
        assert [title for title in titles.values() if title in text] == [expected]
        # Phụ lục II's own signature captions, for viên chức, công chức (Decree 335, presumed alike) and cán bộ.
        assert captions[evaluation.enrolment.rulebook_code] in text
        assert "NGƯỜI TỰ ĐÁNH GIÁ" not in text


def test_decree_233_prints_phu_luc_ii_parts_in_order_with_the_self_rating_ticked(employee, cast):
    text = _flat(pdf_text(_form(employee, cast.users["home_affairs"])))
    headings = [
        "I. TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ",
        "II. VIÊN CHỨC TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "III. KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC CỦA CẤP CÓ THẨM QUYỀN",
        "IV. Ý KIẾN NHẬN XÉT CỦA CẤP CÓ THẨM QUYỀN VÀ ĐỀ XUẤT PHƯƠNG ÁN XỬ LÝ",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Đơn vị công tác:" in text
    assert "1. Kết quả theo dõi, đánh giá theo tiêu chí chung (tối đa 30 điểm): tự chấm" in text
    assert "2. Kết quả theo dõi, đánh giá theo tiêu chí kết quả thực hiện nhiệm vụ (tối đa 70 điểm)" in text
    self_part = _between(text, headings[1], headings[2])
    authority_part = _between(text, headings[2], headings[3])
    assert _ticked(self_part) == ["Hoàn thành tốt nhiệm vụ"]
    # The person's own strengths and shortcomings stay with their self-rating (issue #12: the annual form keeps them).
    assert "Ưu điểm:" in self_part and "Hạn chế, khuyết điểm:" in self_part
    assert all(level in self_part for level in LEVELS) and all(level in authority_part for level in LEVELS)
    assert _ticked(authority_part) == []
    # The Decree 90 / earlier layout is gone from this form.
    assert "NGƯỜI TỰ ĐÁNH GIÁ" not in text and "III–IV." not in text


def test_the_decided_level_is_ticked_only_once_the_decision_is_signed(employee, cast):
    by = cast.users["home_affairs"]
    III, IV = "III. KẾT QUẢ XẾP LOẠI", "IV. Ý KIẾN NHẬN XÉT"
    # Decided but no signed decision yet: III keeps empty boxes.
    Evaluation.objects.filter(pk=employee.pk).update(status="decided", final_level="htxsnv")
    employee.refresh_from_db()
    assert _ticked(_between(_flat(pdf_text(_form(employee, by))), III, IV)) == []
    sign_decision(employee, level="htxsnv")
    text = _flat(pdf_text(_form(employee, by)))
    assert _ticked(_between(text, III, IV)) == ["Hoàn thành xuất sắc nhiệm vụ"]
    assert _ticked(_between(text, "II. VIÊN CHỨC", III)) == ["Hoàn thành tốt nhiệm vụ"]
    # IV carries the authority's comments; the authority signs under its caption.
    assert "Ưu điểm: quyết liệt. Khuyết điểm: giải ngân chậm." in _between(
        text, IV, "CẤP CÓ THẨM QUYỀN XẾP LOẠI"
    )
    assert "(Ký tên, ghi rõ họ tên) CHỦ TỊCH Chủ Tịch Thử" in text.split("CẤP CÓ THẨM QUYỀN XẾP LOẠI")[-1]


def test_the_two_signatures_stand_side_by_side(employee, cast):
    document = _form(employee, cast.users["home_affairs"])
    text = _flat(pdf_text(document))
    assert text.count("(Ký tên, ghi rõ họ tên)") == 2
    found = []

    def visitor(piece, cm, tm, font, size):
        if piece.strip():
            found.append((piece.strip(), tm[4], tm[5]))

    for page in pdf_reader(document).pages:
        page.extract_text(visitor_text=visitor)
    left = next((x, y) for piece, x, y in found if "VIÊN CHỨC TỰ XẾP LOẠI" in piece)
    right = next((x, y) for piece, x, y in found if "CẤP CÓ THẨM QUYỀN XẾP LOẠI" in piece)
    assert abs(left[1] - right[1]) < 1 and right[0] > left[0] + 100


def test_every_points_form_has_the_authoritys_points_column(employee, evaluation_a, can_bo, cast):
    for evaluation in (employee, evaluation_a, can_bo):
        text = _flat(pdf_text(_form(evaluation, cast.users["home_affairs"])))
        assert "Điểm tối đa Điểm tự chấm Điểm cấp có thẩm quyền xác định" in text


def test_the_authoritys_column_carries_the_score_home_affairs_confirmed(employee, cast):
    from reviews.models import CapFacts

    CapFacts.objects.update_or_create(
        evaluation=employee, defaults={"points_total": "88.5", "source": "Sổ theo dõi của Sở Nội vụ"}
    )
    text = _flat(pdf_text(_form(employee, cast.users["home_affairs"])))
    total = f"Tổng cộng 100 {employee.points_total.normalize():f}".replace(".", ",")
    assert f"{total} 88,5" in text
    assert "Điểm cấp có thẩm quyền xác định: Sổ theo dõi của Sở Nội vụ" in text


def test_the_can_bo_form_has_the_outlook_line_blank_then_filled(can_bo, cast):
    by = cast.users["home_affairs"]
    text = _flat(pdf_text(_form(can_bo, by)))
    assert "II. CÁN BỘ TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text
    assert "III. KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG CÁN BỘ CỦA CẤP CÓ THẨM QUYỀN" in text
    part_iv = text[text.index("IV. Ý KIẾN NHẬN XÉT CỦA CẤP CÓ THẨM QUYỀN") :]
    assert "Nhận định chiều hướng, triển vọng phát triển của cán bộ:" in part_iv
    decision = sign_decision(can_bo)
    Decision.objects.filter(pk=decision.pk).update(outlook="Có triển vọng phát triển tốt.")
    text = _flat(pdf_text(_form(can_bo, by)))
    assert "Nhận định chiều hướng, triển vọng phát triển của cán bộ: Có triển vọng phát triển tốt." in text
    assert "CÁN BỘ TỰ XẾP LOẠI" in text and "CẤP CÓ THẨM QUYỀN XẾP LOẠI" in text


def test_a_vice_chair_signs_for_the_chair_and_not_rated_is_written_out(employee, cast):
    from reviews.models import SigningAs

    decision = sign_decision(employee, signing_as=SigningAs.VICE_CHAIR, signer="Phó Chủ Tịch Ký")
    Decision.objects.filter(pk=decision.pk).update(level="", not_rated=True)
    Evaluation.objects.filter(pk=employee.pk).update(final_level="", final_not_rated=True)
    text = _flat(pdf_text(_form(employee, cast.users["home_affairs"])))
    part_iii = _between(text, "III. KẾT QUẢ XẾP LOẠI", "IV. Ý KIẾN NHẬN XÉT")
    assert _ticked(part_iii) == [] and "Kết quả xếp loại chất lượng: Không xếp loại chất lượng" in part_iii
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Phó Chủ Tịch Ký" in text


def test_decree_90_form_is_unchanged(decree_90_evaluation, cast):
    text = _flat(pdf_text(_form(decree_90_evaluation, cast.users["home_affairs"])))
    assert "Mẫu số 02" in text and "I. KẾT QUẢ TỰ ĐÁNH GIÁ" in text
    assert "NGƯỜI TỰ NHẬN XÉT" in text or "NGƯỜI TỰ ĐÁNH GIÁ" in text
    for absent in ("Điểm tối đa", "CẤP CÓ THẨM QUYỀN XẾP LOẠI", "TỔNG HỢP KẾT QUẢ THEO DÕI"):
        assert absent not in text, absent
