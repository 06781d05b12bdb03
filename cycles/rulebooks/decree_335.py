"""Decree 335/2025/NĐ-CP (in force 1 January 2026): công chức, from the 2026 rating.

The decree's own forms were not found (legal-research.md §5.5); the form is presumed to mirror
Decree 233/2026 Phụ lục II.
"""

from django.utils.translation import gettext_lazy as _

from .points import PointsRulebook


class Decree335(PointsRulebook):
    code = "decree_335"
    name = _("Nghị định 335/2025/NĐ-CP")
    citation = "Nghị định 335/2025/NĐ-CP, Điều 14, 20"
    form_name = _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    levels_article = "Nghị định 335/2025/NĐ-CP, Điều 20"
    # Found only in the public-employee twin; presumed for civil servants (domain.md §4).
    head_cap_article = "Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7 (áp dụng tương tự; chưa tìm thấy điều tương ứng của NĐ 335)"
    months_article = "Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2 (áp dụng tương tự; chưa tìm thấy điều tương ứng của NĐ 335)"
