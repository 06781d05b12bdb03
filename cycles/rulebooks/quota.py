"""The HTXSNV quota, the same arithmetic in every regime: HTXSNV may not exceed a share of the number rated
HTTNV (not of headcount), counted within each peer group.

Decree 90/2020 Art. 2(6), added by 48/2023 (the Party's rate: QĐ 124-QĐ/TW for the 2023–2024 ratings, QĐ
366-QĐ/TW Art. 11 from 2025: 20% of HTTNV, up to 25% for outstanding results); Decree 335/2025 Art. 20(5);
Decree 233/2026 Art. 12(6); for units, Decree 233 Art. 7(7)–(8), including "fewer than 5 units → at most one"
(Art. 7(7)(c)), which applies only to groups of units and only where the regime has it (the caller passes
the article, `small_unit_rule`). Each rulebook's `quota_citation` names its article.
Rounding is not fixed by any text read (legal-research.md §2): a cycle setting, default round down.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .levels import Level

DEFAULT_RATE = Decimal("0.20")
OUTSTANDING_RATE_MAX = Decimal("0.25")
SMALL_UNIT_GROUP = 5


class Rounding(models.TextChoices):
    DOWN = "down", gettext_lazy("Làm tròn xuống")
    HALF_UP = "half_up", gettext_lazy("Làm tròn theo quy tắc thông thường")
    UP = "up", gettext_lazy("Làm tròn lên")


def allowed_htxsnv(httnv_count: int, *, rate: Decimal = DEFAULT_RATE, rounding: str = Rounding.DOWN) -> int:
    exact = Decimal(httnv_count) * rate
    if rounding == Rounding.UP:
        return math.ceil(exact)
    if rounding == Rounding.HALF_UP:
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return math.floor(exact)


@dataclass(frozen=True)
class QuotaPosition:
    htxsnv: int
    httnv: int
    rate: Decimal
    allowed: int
    arithmetic: str

    @property
    def within(self) -> bool:
        return self.htxsnv <= self.allowed

    @property
    def over_by(self) -> int:
        return max(0, self.htxsnv - self.allowed)


def quota_position(
    levels: Iterable[Level | str | None],
    *,
    rate: Decimal = DEFAULT_RATE,
    rounding: str = Rounding.DOWN,
    small_unit_rule: str = "",
) -> QuotaPosition:
    """Where a whole group stands. The check is on the set: raising one person from HTNV to HTTNV raises
    the allowance, so it is never done person by person."""
    if rate > OUTSTANDING_RATE_MAX:
        raise ValueError("the HTXSNV rate may not exceed 25% of those at HTTNV")
    counted = Counter(Level(level) for level in levels if level)
    htxsnv, httnv = counted[Level.HTXSNV], counted[Level.HTTNV]
    allowed = allowed_htxsnv(httnv, rate=rate, rounding=rounding)
    percent = f"{(rate * 100).normalize():f}%"
    arithmetic = _("%(rate)s × %(httnv)d người HTTNV = %(exact)s → tối đa %(allowed)d HTXSNV") % {
        "rate": percent,
        "httnv": httnv,
        # "0,8" in Vietnamese, "0.8" in English: the reader's decimal mark.
        "exact": number_format(Decimal(f"{(Decimal(httnv) * rate).normalize():f}")),
        "allowed": allowed,
    }
    total_units = sum(counted.values())
    if small_unit_rule and total_units < SMALL_UNIT_GROUP:
        # Decree 233/2026 Art. 7(7)(c), 7(8): among fewer than 5 units, at most one may be HTXSNV.
        allowed = 1
        arithmetic += " " + _("(dưới 5 đơn vị: tối đa 1 đơn vị HTXSNV)")
    return QuotaPosition(htxsnv=htxsnv, httnv=httnv, rate=rate, allowed=allowed, arithmetic=arithmetic)
