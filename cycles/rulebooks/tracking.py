"""Periodic tracking (theo dõi, đánh giá thường xuyên) of the 100-point regimes: the form of one period, how a
period's score is computed, and how the periods make the year. Pure arithmetic, no database.

The law:
- Law 80/2025 Art. 25: evaluation is continuous and quantified by work products; the year rests on the results
  tracked during it.
- Decree 233/2026 Art. 3(5)–(6): the authority that assigns the work records, confirms and scores it, monthly or
  quarterly, against the general criteria and the task results; the year's rating is decided from those scores.
  Art. 10: general criteria at most 30 points (Phụ lục I: three groups). Art. 11: task results at most 70 points;
  staff by quantity, quality, timeliness (11(2)); managers add the results of the unit led, capacity to organise,
  capacity to unite (11(3)). Art. 12(5): the year's score is determined from the monthly or quarterly scores; how
  many points each criterion carries is the unit's own regulation. Art. 14(2), 15(1)(c): on sick or maternity
  leave a person is rated on the time actually worked; Art. 15(1)(a): on a transfer the old unit sends the period
  results "to compute the average".
- Decree 335/2025 (civil servants): the same scheme (Arts 14, 21) and its Mẫu 01A/01B "Phiếu theo dõi, đánh giá
  công chức": general criteria I 10 points (5 + 5), II 10 points (4 × 2.5), III 10 points; task results in per cent:
  (a) quantity, (b) timeliness, (c) quality; leaders add (d) results of the unit led, (đ) capacity to organise,
  (e) capacity to gather and unite (reference/periodic-tracking.md).

What the texts leave open is a setting of the cycle, each default citing its source (`TrackingRules`):
- how a period's task percentages become points: 70 × their average (the scoring used by a system in production,
  reference/periodic-tracking.md; the forms give the percentages, not the formula);
- what a period with one month or less of work counts for: like any period worked (Decree 233 Art. 14(2),
  15(1)(c): rated on the time actually worked); the alternative "not counted" is one sector's rule (General
  Department of Customs, letter 21169/CHQ-TCCB, 2026);
- what a period never confirmed does: the year has no score until it is confirmed or Home Affairs records one
  (Art. 12(5): the year is determined from the period scores; none is invented); the alternative leaves it out;
- rounding: no text fixes one; default round down, so no score is lifted into a band it did not reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

D = Decimal
GENERAL_MAX = D(30)  # Decree 233 Art. 10
TASKS_MAX = D(70)  # Decree 233 Art. 11(1)
PERCENT_MAX = D(100)


class Frequency(StrEnum):
    """Decree 233 Art. 3(5): "theo tháng hoặc theo quý" — the agency chooses."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class ShortPeriod(StrEnum):
    """What a period with one month or less of work counts for."""

    COUNTS = "counts"  # default: Decree 233 Art. 14(2), 15(1)(c)
    EXCLUDED = "excluded"  # Customs letter 21169/CHQ-TCCB (2026): not rated for it


class MissingPeriod(StrEnum):
    """What a period worked but never confirmed does to the year."""

    BLOCKS = "blocks"  # default: Decree 233 Art. 12(5) — no year's score without its periods
    EXCLUDED = "excluded"  # left out of the average, and said so in the working


class ScoreRounding(StrEnum):
    DOWN = "down"  # default: no text fixes one; never lifts a score into a higher band
    HALF_UP = "half_up"


@dataclass(frozen=True)
class PeriodLine:
    """One line of the period form: general criteria in points (with a maximum), task results in per cent."""

    code: str
    number: str  # as the form numbers it: "I.1", "a", "đ"
    title: StrOrPromise
    max_points: Decimal | None = None  # None: a percentage 0–100
    leaders_only: bool = False

    @property
    def is_percentage(self) -> bool:
        return self.max_points is None


# Mẫu 01A/01B of Decree 335 (and Decree 233 Phụ lục I's three groups): 10 + 10 + 10 general points.
GENERAL_LINES: tuple[PeriodLine, ...] = (
    PeriodLine(
        "i_politics",
        "I.1",
        _("Chấp hành chủ trương, đường lối, pháp luật; phẩm chất chính trị, đạo đức"),
        D(5),
    ),
    PeriodLine("i_discipline", "I.2", _("Ý thức kỷ luật, kỷ cương; chấp hành sự phân công"), D(5)),
    PeriodLine(
        "ii_competence", "II.1", _("Năng lực chuyên môn, nghiệp vụ theo yêu cầu vị trí việc làm"), D("2.5")
    ),
    PeriodLine("ii_demands", "II.2", _("Khả năng đáp ứng yêu cầu nhiệm vụ thường xuyên, đột xuất"), D("2.5")),
    PeriodLine("ii_responsibility", "II.3", _("Tinh thần trách nhiệm trong thực thi nhiệm vụ"), D("2.5")),
    PeriodLine(
        "ii_service", "II.4", _("Thái độ phục vụ Nhân dân, doanh nghiệp; khả năng phối hợp"), D("2.5")
    ),
    PeriodLine(
        "iii_innovation",
        "III",
        _("Năng lực đổi mới, sáng tạo; dám nghĩ, dám làm, dám chịu trách nhiệm"),
        D(10),
    ),
)

# Decree 233 Art. 11(2)–(3); Decree 335 Art. 14; Mẫu 01A (a–c) and 01B (a–e).
TASK_LINES: tuple[PeriodLine, ...] = (
    PeriodLine("quantity", "a", _("Số lượng sản phẩm, công việc hoàn thành")),
    PeriodLine("timeliness", "b", _("Tiến độ thực hiện")),
    PeriodLine("quality", "c", _("Chất lượng sản phẩm, công việc")),
    PeriodLine(
        "unit_results", "d", _("Kết quả hoạt động của cơ quan, đơn vị được giao phụ trách"), leaders_only=True
    ),
    PeriodLine("organising", "đ", _("Khả năng tổ chức triển khai thực hiện nhiệm vụ"), leaders_only=True),
    PeriodLine("uniting", "e", _("Năng lực tập hợp, đoàn kết"), leaders_only=True),
)


def period_lines(*, is_leader: bool) -> tuple[PeriodLine, ...]:
    """Every line of a person's period form: staff have 7 + 3, leaders 7 + 6 (Mẫu 01A / 01B)."""
    return GENERAL_LINES + tuple(line for line in TASK_LINES if is_leader or not line.leaders_only)


@dataclass(frozen=True)
class TrackingRules:
    """The cycle's choices where the law leaves them open (see the module's docstring for each default's source)."""

    frequency: Frequency = Frequency.QUARTERLY
    short_period: ShortPeriod = ShortPeriod.COUNTS
    missing_period: MissingPeriod = MissingPeriod.BLOCKS
    rounding: ScoreRounding = ScoreRounding.DOWN
    decimal_places: int = 2


def quantize(value: Decimal, rules: TrackingRules) -> Decimal:
    mode = ROUND_DOWN if rules.rounding == ScoreRounding.DOWN else ROUND_HALF_UP
    return value.quantize(D(1).scaleb(-rules.decimal_places), rounding=mode)


def decimals_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class ScoreError(ValueError):
    """A line's value the form refuses; the message names the line and is for the person who typed it."""


def line_value_checked(line: PeriodLine, value: Decimal, *, decimal_places: int) -> Decimal:
    """A typed value within the line's range and with no more decimals than the cycle keeps — refused, never rounded
    behind the user's back."""
    if not value.is_finite():
        raise ScoreError(_("“%(line)s”: giá trị không hợp lệ.") % {"line": line.number})
    top = line.max_points if line.max_points is not None else PERCENT_MAX
    if value < 0 or value > top:
        if line.is_percentage:
            raise ScoreError(_("“%(line)s”: tỷ lệ phải từ 0 đến 100%%.") % {"line": line.number})
        raise ScoreError(
            _("“%(line)s”: điểm phải từ 0 đến %(max)s.")
            % {"line": line.number, "max": f"{top.normalize():f}"}
        )
    if decimals_of(value) > decimal_places:
        raise ScoreError(
            _("“%(line)s”: chỉ ghi tối đa %(places)d chữ số thập phân.")
            % {"line": line.number, "places": decimal_places}
        )
    return value


@dataclass(frozen=True)
class PeriodScore:
    """One period's score with its working: general points + 70 × the average task percentage."""

    general: Decimal
    task_average_pct: Decimal
    task_points_exact: Decimal
    exact: Decimal
    total: Decimal
    working: str


def period_score(values: dict[str, Decimal], *, is_leader: bool, rules: TrackingRules) -> PeriodScore:
    """The period's score from a complete set of line values (every line of the person's form). Exact decimals;
    only the total is brought to the cycle's decimal places, by the cycle's rounding."""
    lines = period_lines(is_leader=is_leader)
    missing = [line.number for line in lines if line.code not in values]
    if missing:
        raise ScoreError(_("Chưa chấm: %(lines)s.") % {"lines": ", ".join(missing)})
    general = sum((values[line.code] for line in lines if not line.is_percentage), D(0))
    percentages = [values[line.code] for line in lines if line.is_percentage]
    average = sum(percentages, D(0)) / len(percentages)
    task_points = TASKS_MAX * average / PERCENT_MAX
    exact = general + task_points
    total = quantize(exact, rules)
    shown = " + ".join(_num(value) for value in percentages)
    working = (
        f"{_num(general)} + 70 × ({shown}) / {len(percentages)} / 100"
        f" = {_num(general)} + {_short(task_points)} = {_short(exact)} → {_num(total)}"
    )
    return PeriodScore(general, average, task_points, exact, total, working)


def _num(value: Decimal) -> str:
    """A number in the reader's notation ("89,5" in Vietnamese), exact: no digit dropped."""
    return number_format(D(f"{value.normalize():f}"), decimal_pos=decimals_of(value))


def _short(value: Decimal) -> str:
    """A long quotient shown to six places, marked as such; an exact one as it is."""
    if decimals_of(value) > 6:
        return _num(value.quantize(D("0.000001"), rounding=ROUND_DOWN)) + "…"
    return _num(value)


@dataclass(frozen=True)
class PeriodInput:
    """What the year needs of one period: its label, the months worked in it, and its confirmed score (None if not
    confirmed). A period with no month worked (full maternity leave, before a transfer in) is not a period worked."""

    label: str
    months_in_period: int
    months_worked: int
    score: Decimal | None
    # A period whose deadline has not come yet is not missing: it is counted once confirmed (the rating is held
    # before 15 December, Decree 233 Art. 15(1)(b), while the last quarter may still be running).
    due: bool = True


@dataclass(frozen=True)
class AnnualScore:
    score: Decimal | None
    counted: tuple[str, ...] = ()
    not_worked: tuple[str, ...] = ()
    excluded_short: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()
    working: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.score is not None


def annual_score(periods: Iterable[PeriodInput], rules: TrackingRules) -> AnnualScore:
    """The year's score: the average of the confirmed scores of the periods the law counts (Decree 233 Art. 12(5);
    the average "over the time actually worked", Art. 14(2), 15(1)(a), (c))."""
    counted: list[PeriodInput] = []
    not_worked: list[str] = []
    short: list[str] = []
    missing: list[str] = []
    pending: list[str] = []
    for period in periods:
        if period.months_worked <= 0:
            not_worked.append(period.label)
            continue
        if period.months_worked <= 1 < period.months_in_period and rules.short_period == ShortPeriod.EXCLUDED:
            short.append(period.label)
            continue
        if period.score is None:
            (missing if period.due else pending).append(period.label)
            continue
        counted.append(period)
    result = {
        "counted": tuple(p.label for p in counted),
        "not_worked": tuple(not_worked),
        "excluded_short": tuple(short),
        "missing": tuple(missing),
        "pending": tuple(pending),
    }
    if missing and rules.missing_period == MissingPeriod.BLOCKS:
        return AnnualScore(
            None, working=str(_("Chưa đủ kỳ được xác nhận: %(p)s.") % {"p": ", ".join(missing)}), **result
        )
    if not counted:
        return AnnualScore(None, working=str(_("Chưa có kỳ nào được xác nhận.")), **result)
    scores: Sequence[Decimal] = [p.score for p in counted if p.score is not None]
    exact = sum(scores, D(0)) / len(scores)
    total = quantize(exact, rules)
    working = f"({' + '.join(_num(s) for s in scores)}) / {len(scores)} = {_short(exact)} → {_num(total)}"
    return AnnualScore(total, working=working, **result)
