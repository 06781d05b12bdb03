"""What the rules engine takes and gives: a person's facts in, the highest level the law allows out, with
every reason and the article it comes from. Each rulebook module supplies its own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .levels import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class PersonFacts:
    """Facts that cap a rating, as recorded for one person in one cycle (issue #4)."""

    is_leader: bool = True
    is_head: bool = True  # người đứng đầu: capped by the agency's own level (Decree 233 Art. 12(7))
    disciplined_in_year: bool = False
    months_worked: Decimal | None = None
    on_maternity_leave: bool = False
    months_absent: Decimal | None = None  # maternity leave excluded
    degradation_concluded: bool = False
    corruption_in_unit: bool = False  # in a unit under the person's direct charge, handled under the law
    targets_met_pct: Decimal | None = None
    targets_exceeded_pct: Decimal | None = None
    subordinates_htnv_or_above_pct: Decimal | None = None
    subordinates_httnv_or_above_pct: Decimal | None = None
    points_total: Decimal | None = None
    agency_level: Level | None = None

    @property
    def months_at_work(self) -> Decimal | None:
        """Months worked as recorded, else what the absence leaves of the year (absent 7 → worked 5)."""
        if self.months_worked is not None:
            return self.months_worked
        if self.months_absent is not None:
            return 12 - self.months_absent
        return None


@dataclass(frozen=True)
class CapReason:
    """`level` is the highest level this fact allows; None means the person is not rated at all."""

    level: Level | None
    text: StrOrPromise
    citation: str


@dataclass(frozen=True)
class Caps:
    reasons: tuple[CapReason, ...] = field(default_factory=tuple)

    @property
    def not_rated(self) -> bool:
        return any(reason.level is None for reason in self.reasons)

    @property
    def max_level(self) -> Level | None:
        """The lowest of all caps (HTXSNV when nothing caps); None when the person is not rated."""
        if self.not_rated:
            return None
        return max(
            (reason.level for reason in self.reasons), key=lambda level: level.rank, default=Level.HTXSNV
        )

    def allows(self, level: Level) -> bool:
        return not self.not_rated and level.rank >= self.max_level.rank

    def binding(self) -> tuple[CapReason, ...]:
        """The reasons that set the cap, to show next to a refused level."""
        if self.not_rated:
            return tuple(r for r in self.reasons if r.level is None)
        return tuple(r for r in self.reasons if r.level is self.max_level)
