"""Decree 335/2025/NĐ-CP (in force 1 January 2026): công chức, from the 2026 rating.

The decree's own forms were not found (legal-research.md §5.5); the form is presumed to mirror
Decree 233/2026 Phụ lục II. Art. 20 was read only in news excerpts; the rules found only in Decree 233 are
presumed here and their citations say so ("áp dụng tương tự").
"""

from django.utils.translation import gettext_lazy as _

from .caps import DisciplineCounting
from .points import PointsRulebook

D335 = "Nghị định 335/2025/NĐ-CP"
PRESUMED = "(áp dụng tương tự; chưa tìm thấy điều tương ứng của NĐ 335)"


class Decree335(PointsRulebook):
    code = "decree_335"
    name = _("Nghị định 335/2025/NĐ-CP")
    citation = "Nghị định 335/2025/NĐ-CP, Điều 14, 20"
    decision_basis = (
        "Luật Cán bộ, công chức ngày 24 tháng 6 năm 2025",
        "Nghị định số 335/2025/NĐ-CP ngày 21 tháng 12 năm 2025 của Chính phủ quy định về đánh giá, xếp loại chất "
        "lượng đối với cơ quan hành chính nhà nước và công chức",
    )
    form_name = _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    levels_article = f"{D335}, Điều 20"
    score_article = f"{D335}, Điều 20 (mức xếp loại; trường hợp không hoàn thành nhiệm vụ điểm a)"
    degradation_article = f"{D335}, Điều 20 (trường hợp không hoàn thành nhiệm vụ, điểm b)"
    # "Bị kỷ luật từ khiển trách trở lên đối với vi phạm trong thi hành công vụ" (news excerpt of Art. 20).
    discipline_article = f"{D335}, Điều 20 (trường hợp không hoàn thành nhiệm vụ, điểm c)"
    corruption_article = f"{D335}, Điều 20 (trường hợp không hoàn thành nhiệm vụ, điểm d)"
    corruption_mitigation_article = f"Nghị định 233/2026/NĐ-CP, Điều 12 khoản 4 điểm d (đoạn hai) {PRESUMED}"
    discipline_counting_articles = {
        DisciplineCounting.COUNTED_IN_OTHER_YEAR: f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 3 điểm a {PRESUMED}",
        DisciplineCounting.ALREADY_RATED_KHTNV: f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 3 điểm b {PRESUMED}",
        DisciplineCounting.FORMER_ORGANISATION: f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 3 điểm c {PRESUMED}",
    }
    # Found only in the public-employee twin; presumed for civil servants (domain.md §4).
    head_cap_article = f"Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7 {PRESUMED}"
    rated_after_unit_article = f"Nghị định 233/2026/NĐ-CP, Điều 15 khoản 1 điểm a; Điều 12 khoản 7 {PRESUMED}"
    months_article = f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2 {PRESUMED}"
    quota_article = f"{D335}, Điều 20 khoản 5"
