"""The rulebooks as written in the texts: levels, form sections per personnel type, point bands."""

from decimal import Decimal

import pytest

from cycles.rulebooks import RULEBOOKS, Level, Scoring, get_rulebook


def test_every_rulebook_has_the_four_levels_best_first():
    for rulebook in RULEBOOKS.values():
        assert [level.abbreviation for level in rulebook.levels()] == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    assert Level.HTXSNV.label == "Hoàn thành xuất sắc nhiệm vụ"
    assert Level.KHTNV.label == "Không hoàn thành nhiệm vụ"


def _titles(sections):
    return [str(criterion.title) for section in sections for criterion in section.criteria]


def test_decree_90_form_01_for_a_leading_can_bo_has_eight_items_and_the_outlook():
    sections = get_rulebook("decree_90").form_sections(personnel_type="can_bo", is_leader=True)
    self_assessment = sections[0]
    assert str(self_assessment.title) == "I. KẾT QUẢ TỰ ĐÁNH GIÁ"
    assert [str(c.title) for c in self_assessment.criteria] == [
        "Chính trị tư tưởng",
        "Đạo đức, lối sống",
        "Tác phong, lề lối làm việc",
        "Ý thức tổ chức kỷ luật",
        "Kết quả thực hiện chức trách, nhiệm vụ được giao",
        "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách",
        "Năng lực lãnh đạo, quản lý",
        "Năng lực tập hợp, đoàn kết",
    ]
    # Only cán bộ forms carry "nhận định chiều hướng, triển vọng phát triển" (domain.md §5).
    assert "Nhận định chiều hướng, triển vọng phát triển của cán bộ" in _titles(sections)
    assert all(c.max_points is None for s in sections for c in s.criteria)


def test_decree_90_form_02_puts_leader_items_in_their_own_part_and_has_a_manager_part():
    leader = get_rulebook("decree_90").form_sections(personnel_type="cong_chuc", is_leader=True)
    codes = [section.code for section in leader]
    assert codes == ["self_assessment", "leadership", "self_review", "manager", "authority"]
    assert str(leader[1].title) == "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ"
    assert "Thái độ phục vụ nhân dân, doanh nghiệp" in _titles(leader)
    assert "Nhận định chiều hướng, triển vọng phát triển của cán bộ" not in _titles(leader)
    staff = get_rulebook("decree_90").form_sections(personnel_type="cong_chuc", is_leader=False)
    assert "leadership" not in [section.code for section in staff]


def test_decree_90_form_03_is_the_vien_chuc_form():
    rulebook = get_rulebook("decree_90")
    assert "VIÊN CHỨC" in str(rulebook.form_title("vien_chuc"))
    sections = rulebook.form_sections(personnel_type="vien_chuc", is_leader=True)
    assert str(sections[1].title) == "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ"
    assert "VIÊN CHỨC" in str(sections[-1].title)


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
@pytest.mark.parametrize("is_leader", [True, False])
def test_points_forms_total_30_general_and_70_task_points(code, is_leader):
    sections = get_rulebook(code).form_sections(personnel_type="cong_chuc", is_leader=is_leader)
    by_code = {section.code: section for section in sections}
    assert by_code["general"].max_points == Decimal(30)
    assert by_code["tasks"].max_points == Decimal(70)
    task_codes = [criterion.code for criterion in by_code["tasks"].criteria]
    leader_only = {"unit_results", "organising_capacity", "capacity_to_unite"}
    assert leader_only <= set(task_codes) if is_leader else not (leader_only & set(task_codes))


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("100", Level.HTXSNV),
        ("90", Level.HTXSNV),
        ("89.99", Level.HTTNV),
        ("70", Level.HTTNV),
        ("69.99", Level.HTNV),
        ("50", Level.HTNV),
        ("49.99", Level.KHTNV),
        ("0", Level.KHTNV),
    ],
)
@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
def test_point_bands_of_decree_335_art_20_and_decree_233_art_12(code, score, level):
    assert get_rulebook(code).level_for_score(Decimal(score)) is level


def test_a_province_may_move_the_thresholds():
    from cycles.rulebooks import Band

    # Hải Phòng 2025 style: above 90, above 80, from 50.
    bands = (
        Band(Level.HTXSNV, Decimal("90.01")),
        Band(Level.HTTNV, Decimal("80.01")),
        Band(Level.HTNV, Decimal(50)),
    )
    rulebook = get_rulebook("decree_335")
    assert rulebook.level_for_score(Decimal(90), bands) is Level.HTTNV
    assert rulebook.level_for_score(Decimal(80), bands) is Level.HTNV


def test_decree_90_has_no_point_bands():
    rulebook = get_rulebook("decree_90")
    assert rulebook.scoring is Scoring.QUALITATIVE
    with pytest.raises(ValueError):
        rulebook.level_for_score(Decimal(95))


def test_the_cadre_rulebook_from_2026_is_marked_uncertain():
    assert get_rulebook("regulation_366").certain is False
    assert get_rulebook("decree_335").certain is True
