"""Decree 233/2026/NĐ-CP (in force 1 July 2026): viên chức and public service units, from the 2026 rating.
Form: Phụ lục II "Phiếu xếp loại chất lượng viên chức"."""

from django.utils.translation import gettext_lazy as _

from .caps import DisciplineCounting
from .points import PointsRulebook

D233 = "Nghị định 233/2026/NĐ-CP"


class Decree233(PointsRulebook):
    code = "decree_233"
    name = _("Nghị định 233/2026/NĐ-CP")
    citation = "Nghị định 233/2026/NĐ-CP, Điều 10–12, Phụ lục I, II"
    decision_basis = (
        "Luật Viên chức ngày 10 tháng 12 năm 2025",
        "Nghị định số 233/2026/NĐ-CP ngày 26 tháng 6 năm 2026 của Chính phủ quy định về đánh giá, xếp loại chất "
        "lượng đối với đơn vị sự nghiệp công lập và viên chức",
    )
    form_name = _("PHIẾU XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC")
    levels_article = f"{D233}, Điều 12"
    score_article = f"{D233}, Điều 12 khoản 1–4 điểm a, khoản 5"
    degradation_article = f"{D233}, Điều 12 khoản 4 điểm b"
    discipline_article = f"{D233}, Điều 12 khoản 4 điểm c; Điều 14 khoản 3 điểm a"
    corruption_article = f"{D233}, Điều 12 khoản 4 điểm d"
    corruption_mitigation_article = f"{D233}, Điều 12 khoản 4 điểm d (đoạn hai)"
    discipline_counting_articles = {
        DisciplineCounting.COUNTED_IN_OTHER_YEAR: f"{D233}, Điều 14 khoản 3 điểm a (đoạn hai)",
        DisciplineCounting.ALREADY_RATED_KHTNV: f"{D233}, Điều 14 khoản 3 điểm b",
        DisciplineCounting.FORMER_ORGANISATION: f"{D233}, Điều 14 khoản 3 điểm c",
    }
    quota_article = f"{D233}, Điều 12 khoản 6"
    # Art. 12(6)(b): the 25% exception only where the unit itself is recognised HTXSNV.
    quota_exception_needs_unit_htxsnv = f"{D233}, Điều 12 khoản 6 điểm b"
