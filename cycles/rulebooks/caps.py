"""What the rules engine takes and gives: a person's facts in, the highest level the law allows out, with
every reason and the article it comes from. Each rulebook module supplies its own rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from .levels import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DisciplineCounting(models.TextChoices):
    """Which year a discipline counts in. Empty: it counts in the year its decision takes effect (the rating
    year). The other values are the texts' exceptions; each rulebook says which of them it has."""

    IN_YEAR = "", _("Tính vào năm đánh giá này")
    # Decree 90 Art. 2(5)(b) (added by 48/2023); Decree 233/2026 Art. 14(3)(b).
    ALREADY_RATED_KHTNV = (
        "already_rated_khtnv",
        _("Hành vi vi phạm đã được dùng làm căn cứ xếp loại Không hoàn thành nhiệm vụ ở năm trước"),
    )
    # Decree 90 Art. 2(5)(c) (added by 48/2023); Decree 233/2026 Art. 14(3)(a), second paragraph.
    COUNTED_IN_OTHER_YEAR = (
        "counted_other_year",
        _("Kỷ luật đảng và kỷ luật hành chính về cùng hành vi, đã tính ở một năm đánh giá khác"),
    )
    # Decree 233/2026 Art. 14(3)(c) only: counts in the rating at the former organisation.
    FORMER_ORGANISATION = (
        "former_organisation",
        _("Vi phạm xảy ra ở tổ chức cũ, bị kỷ luật ở tổ chức mới chuyển đến"),
    )


@dataclass(frozen=True)
class PersonFacts:
    """Facts that cap a rating, as recorded for one person in one cycle (issue #4)."""

    is_leader: bool = True
    # người đứng đầu: a fact of the enrolment (snapshot of the title), never assumed (Decree 233 Art. 12(7)).
    is_head: bool = False
    # Decree 90 cites a different article per type (cán bộ 4–7, công chức 8–11, viên chức 12–15).
    personnel_type: str | None = None
    disciplined_in_year: bool = False
    # Decree 233 Art. 12(4)(c): only a violation connected with the performance of duties caps at KHTNV. The cap
    # is the default: the violation counts as connected unless recorded otherwise.
    discipline_unrelated_to_duties: bool = False
    discipline_counting: str = DisciplineCounting.IN_YEAR
    months_worked: Decimal | None = None
    on_maternity_leave: bool = False
    on_sick_leave: bool = False
    months_absent: Decimal | None = None  # maternity leave excluded
    degradation_concluded: bool = False
    corruption_in_unit: bool = False  # in a unit under the person's direct charge, handled under the law
    # Decree 233 Art. 12(4)(d), second paragraph: the manager found, reported, dealt with and remedied it.
    corruption_self_remedied: bool = False
    targets_met_pct: Decimal | None = None
    targets_exceeded_pct: Decimal | None = None
    subordinates_htnv_or_above_pct: Decimal | None = None
    subordinates_httnv_or_above_pct: Decimal | None = None
    # QĐ 366-QĐ/TW Art. 11: share of low-confidence votes at a confidence vote held in the year.
    confidence_vote_low_pct: Decimal | None = None
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
    """`level` is the highest level this fact allows; None means the person is not rated at all.

    `missing`: a fact the law needs before any level can be given is not recorded yet (no level is allowed
    until it is). `departable`: the cap is the default, but the competent authority may weigh the
    circumstances and depart from it, with a reason that prints (Decree 233 Art. 12(4)(d))."""

    level: Level | None
    text: StrOrPromise
    citation: str
    missing: bool = False
    departable: bool = False


@dataclass(frozen=True)
class Caps:
    reasons: tuple[CapReason, ...] = field(default_factory=tuple)

    @property
    def not_rated(self) -> bool:
        return any(reason.level is None and not reason.missing for reason in self.reasons)

    @property
    def missing(self) -> tuple[CapReason, ...]:
        return tuple(reason for reason in self.reasons if reason.missing)

    def _lowest(self, reasons: Iterable[CapReason]) -> Level:
        return max(
            (reason.level for reason in reasons if reason.level is not None),
            key=lambda level: level.rank,
            default=Level.HTXSNV,
        )

    @property
    def max_level(self) -> Level | None:
        """The lowest of all caps (HTXSNV when nothing caps); None when the person is not rated."""
        if self.not_rated:
            return None
        return self._lowest(self.reasons)

    @property
    def cap_label(self) -> StrOrPromise:
        """The highest level allowed, in words, for messages ("not rated" when the person is not rated)."""
        return self.max_level.label if self.max_level is not None else _("Không xếp loại chất lượng")

    def allows(self, level: Level) -> bool:
        cap = self.max_level
        return not self.not_rated and not self.missing and cap is not None and level.rank >= cap.rank

    def allows_departing(self, level: Level) -> bool:
        """Whether the authority may give this level by departing (with a reason) from the departable caps."""
        if self.not_rated or self.missing:
            return False
        return level.rank >= self._lowest(r for r in self.reasons if not r.departable).rank

    def departed_from(self, level: Level) -> tuple[CapReason, ...]:
        """The departable caps this level goes above."""
        return tuple(
            r for r in self.reasons if r.departable and r.level is not None and level.rank < r.level.rank
        )

    def binding(self) -> tuple[CapReason, ...]:
        """The reasons that set the cap, to show next to a refused level."""
        if self.not_rated:
            return tuple(r for r in self.reasons if r.level is None and not r.missing)
        if self.missing:
            return self.missing
        return tuple(r for r in self.reasons if r.level is self.max_level)
