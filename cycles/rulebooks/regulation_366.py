"""Party regulation 366-QĐ/TW (2025) Art. 11, for elected cán bộ from the 2026 rating.

Uncertain (domain.md §4): no Government decree covers cán bộ after Decree 90; Law 80/2025 Art. 17 leaves
their rating to "pháp luật và cấp có thẩm quyền". Bands ≥ 90 / 70 / 50 are read from Art. 11.
"""

from django.utils.translation import gettext_lazy as _

from .points import PointsRulebook


class Regulation366(PointsRulebook):
    code = "regulation_366"
    name = _("Quy định 366-QĐ/TW (áp dụng cho cán bộ, chưa có nghị định)")
    citation = "Quy định 366-QĐ/TW, Điều 11"
    form_name = _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ")
    levels_article = "Quy định 366-QĐ/TW, Điều 11"
    head_cap_article = "Nghị định 233/2026/NĐ-CP, Điều 12 khoản 7 (áp dụng tương tự)"
    certain = False
    months_article = "Nghị định 233/2026/NĐ-CP, Điều 14 khoản 1–2 (áp dụng tương tự)"
