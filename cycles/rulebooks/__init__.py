"""Rulebooks: which law rates whom in a cycle.

A cycle carries a framework (the set of laws in force for its rating year); the framework gives each
personnel type its rulebook, which an enrolment snapshots. Old cycles keep rating by old rules.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from officials.models import PersonnelType

from .base import Band, Criterion, FormSection, Rulebook, Scoring
from .decree_90 import Decree90
from .decree_233 import Decree233
from .decree_335 import Decree335
from .levels import Level
from .regulation_366 import Regulation366

__all__ = [
    "Band",
    "Criterion",
    "FormSection",
    "Framework",
    "Level",
    "Rulebook",
    "Scoring",
    "alternative_rulebooks",
    "get_rulebook",
    "small_unit_group_rule",
    "rulebook_for",
    "RULEBOOKS",
]

RULEBOOKS: dict[str, Rulebook] = {
    rulebook.code: rulebook for rulebook in (Decree90(), Decree335(), Decree233(), Regulation366())
}


class Framework(models.TextChoices):
    DECREE_90 = "decree_90_48", _("Nghị định 90/2020 sửa đổi bởi 48/2023 (đến kỳ đánh giá năm 2025)")
    DECREES_2026 = "decrees_2026", _("Nghị định 335/2025, 233/2026 (từ kỳ đánh giá năm 2026)")


FRAMEWORK_RULEBOOKS: dict[str, dict[str, str]] = {
    Framework.DECREE_90: {
        PersonnelType.CAN_BO: "decree_90",
        PersonnelType.CONG_CHUC: "decree_90",
        PersonnelType.VIEN_CHUC: "decree_90",
    },
    Framework.DECREES_2026: {
        PersonnelType.CAN_BO: "regulation_366",
        PersonnelType.CONG_CHUC: "decree_335",
        PersonnelType.VIEN_CHUC: "decree_233",
    },
}


def get_rulebook(code: str) -> Rulebook:
    return RULEBOOKS[code]


def rulebook_for(framework: str, personnel_type: str) -> Rulebook:
    return RULEBOOKS[FRAMEWORK_RULEBOOKS[framework][personnel_type]]


# Decree 233/2026 Art. 20(1): a public service unit that has not issued its own rating regulation by the 2026
# rating still rates its public employees under Decree 90/2020 (as amended by 48/2023). An enrolment may take
# these instead of its framework's default, with the reason.
ALTERNATIVE_RULEBOOKS: dict[tuple[str, str], dict[str, str]] = {
    (Framework.DECREES_2026, PersonnelType.VIEN_CHUC): {
        "decree_90": "Nghị định 233/2026/NĐ-CP, Điều 20 khoản 1",
    },
}


def alternative_rulebooks(framework: str, personnel_type: str) -> dict[str, str]:
    """Rulebooks an enrolment may take instead of the default, each with the article that allows it."""
    return ALTERNATIVE_RULEBOOKS.get((framework, personnel_type), {})


# "Fewer than 5 units → at most one HTXSNV": only for groups of units, and only where the regime has it.
# Decree 90/2020 has no such rule; Decree 233/2026 Art. 7(7)(c) has it for public service units and Art. 7(8) for
# their constituent units.
SMALL_UNIT_GROUP_RULES: dict[str, str] = {
    Framework.DECREES_2026: "Nghị định 233/2026/NĐ-CP, Điều 7 khoản 7 điểm c, khoản 8",
}


def small_unit_group_rule(framework: str) -> str:
    """The article of the "fewer than 5 units" rule for a framework, or "" where it has none."""
    return SMALL_UNIT_GROUP_RULES.get(framework, "")
