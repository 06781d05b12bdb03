"""Periodic tracking's arithmetic, written from the texts (cycles/rulebooks/tracking.py cites each):
Decree 233/2026 Art. 10 (30 general points), Art. 11 (70 task points; staff a–c, managers a–e),
Art. 12(1)–(5) (bands; the year from the period scores), Art. 14(2) and 15(1)(a), (c) (the time actually worked,
transfers carry their periods); Decree 335/2025 Mẫu 01A/01B (I 5 + 5, II 4 × 2.5, III 10; tasks in per cent)."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from cycles.rulebooks.decree_233 import Decree233
from cycles.rulebooks.levels import Level
from cycles.rulebooks.points import NATIONAL_BANDS
from cycles.rulebooks.tracking import (
    GENERAL_LINES,
    MissingPeriod,
    PeriodInput,
    ScoreError,
    ScoreRounding,
    ShortPeriod,
    TrackingRules,
    annual_score,
    line_value_checked,
    period_lines,
    period_score,
)

RULES = TrackingRules()


@pytest.fixture(autouse=True)
def english_digits():
    with translation.override("en"):
        yield


def values(general=(5, 5, "2.5", "2.5", "2.5", "2.5", 10), tasks=(100, 100, 100)):
    lines = period_lines(is_leader=len(tasks) == 6)
    numbers = [D(str(v)) for v in (*general, *tasks)]
    return {line.code: number for line, number in zip(lines, numbers, strict=True)}


def test_the_period_form_is_30_general_points_and_the_task_lines_of_the_position():
    assert sum(line.max_points for line in GENERAL_LINES) == D(30)  # Decree 233 Art. 10
    assert [line.number for line in period_lines(is_leader=False)][-3:] == ["a", "b", "c"]  # Art. 11(2)
    assert [line.number for line in period_lines(is_leader=True)][-6:] == [
        "a",
        "b",
        "c",
        "d",
        "đ",
        "e",
    ]  # 11(3)


@pytest.mark.parametrize(
    ("general", "tasks", "expected"),
    [
        ((5, 5, "2.5", "2.5", "2.5", "2.5", 10), (100, 100, 100), D("100.00")),  # full marks: 30 + 70
        ((0, 0, 0, 0, 0, 0, 0), (0, 0, 0), D("0.00")),
        ((5, 5, "2.5", "2.5", "2.5", "2.5", "7.5"), (90, 80, 100), D("90.50")),  # 27.5 + 70 × 90 / 100 = 90.5
        ((5, 4, "2.5", 2, "2.5", "2.5", 8), (85, 85, 85), D("86.00")),  # 26.5 + 59.5
        ((5, 5, "2.5", "2.5", "2.5", "2.5", 10), (100, 100, 99), D("99.76")),  # 30 + 69.7666… rounded down
    ],
)
def test_a_staff_period_is_general_points_plus_70_times_the_average_percentage(general, tasks, expected):
    score = period_score(values(general, tasks), is_leader=False, rules=RULES)
    assert score.total == expected
    assert "70 ×" in score.working


def test_a_leaders_period_averages_six_task_lines():
    score = period_score(values(tasks=(100, 100, 100, 40, 100, 100)), is_leader=True, rules=RULES)
    assert score.task_average_pct == D(90) and score.total == D("93.00")  # 30 + 70 × 540 / 6 / 100


def test_a_period_with_a_line_not_scored_has_no_score():
    incomplete = values()
    del incomplete["quality"]
    with pytest.raises(ScoreError, match="c"):
        period_score(incomplete, is_leader=False, rules=RULES)


def test_rounding_is_the_cycles_setting_and_never_silent():
    # 30 + 70 × (99.99 + 100 + 100) / 3 / 100 = 99.997666…: never shown as 100 unless the cycle rounds half up.
    almost = values(tasks=("99.99", 100, 100))
    down = period_score(almost, is_leader=False, rules=TrackingRules(decimal_places=2))
    half_up = period_score(almost, is_leader=False, rules=TrackingRules(rounding=ScoreRounding.HALF_UP))
    assert D("99.997") < down.exact < D("99.998")
    assert down.total == D("99.99") and half_up.total == D("100.00")
    assert "99.997666…" in down.working


def quarter(label, score, months_worked=3):
    return PeriodInput(label, 3, months_worked, None if score is None else D(score))


@pytest.mark.parametrize(
    ("scores", "expected", "level"),
    [
        (("90", "90", "90", "89.96"), D("89.99"), Level.HTTNV),  # 359.96 / 4 = 89.99: below the 90 band
        (("90", "90", "90", "90"), D("90.00"), Level.HTXSNV),
        (("89.99", "90", "90", "90"), D("89.99"), Level.HTTNV),  # 359.99 / 4 = 89.9975, rounded down
        (("70", "70", "70", "69.99"), D("69.99"), Level.HTNV),
        (("50", "50", "50", "49.99"), D("49.99"), Level.KHTNV),
    ],
)
def test_the_year_is_the_average_of_four_quarters_at_the_band_boundaries(scores, expected, level):
    year = annual_score([quarter(f"Q{i}", s) for i, s in enumerate(scores, 1)], RULES)
    assert year.score == expected
    assert Decree233().level_for_score(year.score, NATIONAL_BANDS) == level


def test_a_quarter_on_full_maternity_leave_is_not_a_period_worked():
    # Decree 233 Art. 14(2), 15(1)(c): rated on the time actually worked.
    year = annual_score(
        [quarter("Q1", "80"), quarter("Q2", None, 0), quarter("Q3", "90"), quarter("Q4", "85")], RULES
    )
    assert year.score == D("85.00") and year.not_worked == ("Q2",) and year.counted == ("Q1", "Q3", "Q4")


def test_a_transfer_carries_the_periods_from_the_old_agency_into_the_average():
    # Decree 233 Art. 15(1)(a): the old unit sends its period results "to compute the average".
    carried = [quarter("Q1 (cơ quan cũ)", "70"), quarter("Q2 (cơ quan cũ)", "74")]
    year = annual_score([*carried, quarter("Q3", "90"), quarter("Q4", "86")], RULES)
    assert year.score == D("80.00") and len(year.counted) == 4


def test_a_period_of_one_month_worked_counts_by_default_and_can_be_left_out_by_the_setting():
    periods = [quarter("Q1", "60", 1), quarter("Q2", "80"), quarter("Q3", "80"), quarter("Q4", "80")]
    assert annual_score(periods, RULES).score == D("75.00")
    excluded = annual_score(periods, TrackingRules(short_period=ShortPeriod.EXCLUDED))
    assert excluded.score == D("80.00") and excluded.excluded_short == ("Q1",)


def test_a_period_never_confirmed_blocks_the_year_by_default():
    periods = [quarter("Q1", "80"), quarter("Q2", None), quarter("Q3", "90"), quarter("Q4", "85")]
    blocked = annual_score(periods, RULES)
    assert blocked.score is None and blocked.missing == ("Q2",) and "Q2" in blocked.working
    left_out = annual_score(periods, TrackingRules(missing_period=MissingPeriod.EXCLUDED))
    assert left_out.score == D("85.00") and left_out.missing == ("Q2",)


def test_a_quarter_not_yet_due_is_counted_only_once_confirmed():
    periods = [
        quarter("Q1", "80"),
        quarter("Q2", "90"),
        quarter("Q3", "85"),
        PeriodInput("Q4", 3, 3, None, due=False),
    ]
    year = annual_score(periods, RULES)
    assert year.score == D("85.00") and year.pending == ("Q4",) and year.missing == ()


def test_no_period_confirmed_means_no_score():
    assert annual_score([quarter("Q1", None, 0)], RULES).score is None


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("i_politics", "5.5", "từ 0 đến 5"),
        ("ii_competence", "-1", "từ 0 đến 2.5"),
        ("quantity", "100.5", "0 đến 100"),
        ("quantity", "-0.01", "0 đến 100"),
        ("i_politics", "4.125", "tối đa 2 chữ số"),
    ],
)
def test_a_value_out_of_range_or_with_too_many_decimals_is_refused_not_rounded(code, typed, message):
    line = next(line for line in period_lines(is_leader=True) if line.code == code)
    with translation.override("vi"), pytest.raises(ScoreError, match=message):
        line_value_checked(line, D(typed), decimal_places=2)


def test_a_value_within_range_is_kept_exactly():
    line = next(line for line in period_lines(is_leader=False) if line.code == "quantity")
    assert line_value_checked(line, D("99.95"), decimal_places=2) == D("99.95")
