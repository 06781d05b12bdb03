"""Party regulation 366-QĐ/TW (2025) Art. 11, for elected cán bộ from the 2026 rating.

Uncertain (domain.md §4): no Government decree covers cán bộ after Decree 90; Law 80/2025 Art. 17 leaves
their rating to "pháp luật và cấp có thẩm quyền". Bands ≥ 90 / 70 / 50 and the leaders' conditions are read from
Art. 11 in a secondary source (legal-research.md §1.5); every citation here says it is uncertain.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from .caps import CapReason, DisciplineCounting, PersonFacts
from .levels import Level
from .points import PointsRulebook

UNCERTAIN = "(áp dụng cho cán bộ khi chưa có nghị định: chưa chắc chắn)"
ART_11 = f"Quy định 366-QĐ/TW, Điều 11 {UNCERTAIN}"
PRESUMED = "(áp dụng tương tự)"


class Regulation366(PointsRulebook):
    code = "regulation_366"
    name = _("Quy định 366-QĐ/TW (áp dụng cho cán bộ, chưa có nghị định)")
    citation = "Quy định 366-QĐ/TW, Điều 11"
    # Law 80/2025 Art. 17 sends cán bộ to "quy định của pháp luật và của cấp có thẩm quyền": the Party's regulation.
    decision_basis = (
        "Luật Cán bộ, công chức ngày 24 tháng 6 năm 2025",
        "Quy định số 366-QĐ/TW ngày 30 tháng 8 năm 2025 của Bộ Chính trị về kiểm điểm, đánh giá, xếp loại chất lượng "
        "hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",
    )
    form_name = _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ")
    levels_article = ART_11
    score_article = ART_11
    degradation_article = ART_11
    discipline_article = ART_11
    corruption_article = ART_11
    # Art. 11: "bị kỷ luật từ khiển trách trở lên", with no condition on the kind of violation.
    discipline_needs_duty_link = False
    discipline_counting_articles = {
        DisciplineCounting.COUNTED_IN_OTHER_YEAR: f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 3 điểm a {PRESUMED}",
        DisciplineCounting.ALREADY_RATED_KHTNV: f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 3 điểm b {PRESUMED}",
    }
    head_cap_article = f"Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7 {PRESUMED}"
    rated_after_unit_article = f"Nghị định 233/2026/NĐ-CP, Điều 15 khoản 1 điểm a; Điều 12 khoản 7 {PRESUMED}"
    certain = False
    months_article = f"Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2 {PRESUMED}"
    quota_article = "Quy định 366-QĐ/TW, Điều 11"

    def leader_rules(self, facts: PersonFacts) -> Iterable[CapReason]:
        """Art. 11's conditions for leaders, beyond the score."""
        if not facts.is_leader:
            return
        exceeded = facts.targets_exceeded_pct
        if exceeded is not None and exceeded < 30:
            yield CapReason(
                Level.HTTNV,
                _("Tỷ lệ nhiệm vụ hoàn thành vượt mức dưới 30% (mức xuất sắc cần ít nhất 30%)."),
                ART_11,
            )
        if facts.targets_met_pct is not None and facts.targets_met_pct < 70:
            yield CapReason(
                Level.KHTNV, _("Địa phương, đơn vị hoàn thành dưới 70% nhiệm vụ theo kế hoạch."), ART_11
            )
        # Units are either at HTNV or above or at KHTNV: more than half at KHTNV is under half at HTNV or above.
        htnv_share = facts.subordinates_htnv_or_above_pct
        if htnv_share is not None and htnv_share < 50:
            yield CapReason(
                Level.KHTNV,
                _("Trên một nửa số cơ quan, đơn vị thuộc phạm vi phụ trách không hoàn thành nhiệm vụ."),
                ART_11,
            )
        low = facts.confidence_vote_low_pct
        if low is not None and low > 50:
            yield CapReason(
                Level.KHTNV, _("Lấy phiếu tín nhiệm trong năm có trên 50% phiếu tín nhiệm thấp."), ART_11
            )
