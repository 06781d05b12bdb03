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
    "get_rulebook",
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
