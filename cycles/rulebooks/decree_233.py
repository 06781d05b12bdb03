"""Decree 233/2026/NĐ-CP (in force 1 July 2026): viên chức and public service units, from the 2026 rating.
Form: Phụ lục II "Phiếu xếp loại chất lượng viên chức"."""

from django.utils.translation import gettext_lazy as _

from .points import PointsRulebook


class Decree233(PointsRulebook):
    code = "decree_233"
    name = _("Nghị định 233/2026/NĐ-CP")
    citation = "Nghị định 233/2026/NĐ-CP, Điều 10–12, Phụ lục I, II"
    form_name = _("PHIẾU XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC")
    levels_article = "Nghị định 233/2026/NĐ-CP, Điều 12"
