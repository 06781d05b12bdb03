"""The interface every rulebook implements. Views and templates ask the rulebook; they never
hard-code a level, a threshold or a maximum.

Caps for a person come from `caps()` (each rulebook lists its rules); the quota arithmetic, shared by all
regimes, is in `quota.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from .caps import CapReason, Caps, PersonFacts
from .levels import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Scoring(StrEnum):
    QUALITATIVE = "qualitative"
    POINTS = "points"


@dataclass(frozen=True)
class Criterion:
    """One item of a form: a free-text block (qualitative) or a line scored out of max_points."""

    code: str
    title: StrOrPromise
    max_points: Decimal | None = None
    guidance: StrOrPromise = ""
    # An item that does not apply to every position may be left empty.
    optional: bool = False


@dataclass(frozen=True)
class FormSection:
    code: str
    title: StrOrPromise
    criteria: tuple[Criterion, ...] = ()
    # Who fills it: the person, their direct manager, or the competent authority.
    filled_by: str = "self"
    note: StrOrPromise = ""

    @property
    def max_points(self) -> Decimal | None:
        points = [c.max_points for c in self.criteria if c.max_points is not None]
        return sum(points, Decimal(0)) if points else None


@dataclass(frozen=True)
class Band:
    level: Level
    min_score: Decimal  # inclusive


class Rulebook:
    code: str = ""
    name: StrOrPromise = ""
    citation: str = ""
    # The texts a decision rating under this rulebook cites ("Căn cứ …"), in the order they are cited: the law on the
    # people rated, then the rating decree or regulation (Decree 30/2020 Phụ lục I, Mẫu 1.1/1.2: the legal basis).
    decision_basis: tuple[str, ...] = ()
    scoring: Scoring = Scoring.QUALITATIVE
    # Bands from best to worst; only points rulebooks have them.
    default_bands: tuple[Band, ...] = ()
    certain: bool = True
    # Whether the year's score comes from tracked periods (the 100-point regimes, tracking.py).
    tracks_periods: bool = False
    # Decree 233 Art. 12(6)(b): the 25% exception only for a unit itself recognised HTXSNV (the citation), or "".
    quota_exception_needs_unit_htxsnv: str = ""

    def levels(self) -> tuple[Level, ...]:
        return tuple(Level)

    def form_title(self, personnel_type: str) -> StrOrPromise:
        raise NotImplementedError

    def form_sections(self, *, personnel_type: str, is_leader: bool) -> tuple[FormSection, ...]:
        raise NotImplementedError

    def level_for_score(self, score: Decimal, bands: tuple[Band, ...] | None = None) -> Level:
        """The level a points total maps to. Provinces move the thresholds, so a cycle may pass its own."""
        if self.scoring is not Scoring.POINTS:
            raise ValueError(f"{self.code} does not rate by points")
        for band in bands or self.default_bands:
            if score >= band.min_score:
                return band.level
        return Level.KHTNV

    def caps(self, facts: PersonFacts, bands: tuple[Band, ...] | None = None) -> Caps:
        """The highest level the law allows this person, with every reason and its article."""
        return Caps(tuple(self.cap_rules(facts, bands or self.default_bands)))

    def cap_rules(self, facts: PersonFacts, bands: tuple[Band, ...]) -> Iterable[CapReason]:
        return ()

    def quota_citation(self, year: int) -> str:
        """The article that limits HTXSNV to a share of those at HTTNV, for a cycle of `year`."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<Rulebook {self.code}>"
