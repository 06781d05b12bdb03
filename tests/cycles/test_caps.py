"""The rules engine, table by table, from the article texts (legal-research.md §1–2)."""

from decimal import Decimal as D

import pytest

from cycles.rulebooks import Band, Level, get_rulebook
from cycles.rulebooks.caps import PersonFacts

X, T, N, K = Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV
NOT_RATED = None


def cap(code, **facts):
    return get_rulebook(code).caps(PersonFacts(**facts))


@pytest.mark.parametrize(
    ("facts", "expected", "citation"),
    [
        ({}, X, None),
        # Months worked in the year: under 6 → not rated, except maternity leave.
        ({"months_worked": D(5)}, NOT_RATED, "Điều 2"),
        ({"months_worked": D(5), "on_maternity_leave": True}, X, None),
        ({"months_worked": D(6)}, X, None),
        # Months absent (maternity apart): 3 to under 6 → at most HTNV.
        ({"months_absent": D(2)}, X, None),
        ({"months_absent": D(3)}, N, "Điều 2"),
        ({"months_absent": D(5)}, N, "Điều 2"),
        ({"months_absent": D(6)}, X, None),
        # Absent more than 6 months leaves under 6 at work: not rated.
        ({"months_absent": D(7)}, NOT_RATED, "Điều 2"),
        ({"months_absent": D(7), "on_maternity_leave": True}, X, None),
        ({"disciplined_in_year": True}, K, "Điều 2 khoản 5 điểm a"),
        ({"degradation_concluded": True}, K, "Điều 4–7"),
        ({"corruption_in_unit": True}, K, "Điều 4–7"),
        ({"corruption_in_unit": True, "is_leader": False}, X, None),
        # Share of the agency's targets met (leaders).
        ({"targets_met_pct": D("49.9")}, K, "Điều 4–7"),
        ({"targets_met_pct": D(70)}, K, "Điều 4–7"),
        ({"targets_met_pct": D("70.1")}, N, "Điều 4–7"),
        ({"targets_met_pct": D(100)}, X, None),
        ({"targets_met_pct": D(100), "targets_exceeded_pct": D(49)}, T, "Điều 4–7"),
        ({"targets_met_pct": D(100), "targets_exceeded_pct": D(50)}, X, None),
        # Ratings of subordinate units.
        ({"subordinates_htnv_or_above_pct": D(69)}, K, "Điều 4–7"),
        ({"subordinates_htnv_or_above_pct": D(90)}, T, "Điều 4–7"),
        ({"subordinates_htnv_or_above_pct": D(100), "subordinates_httnv_or_above_pct": D(69)}, T, "Điều 4–7"),
        ({"subordinates_htnv_or_above_pct": D(100), "subordinates_httnv_or_above_pct": D(70)}, X, None),
        # The lowest cap wins.
        ({"months_absent": D(4), "disciplined_in_year": True}, K, "Điều 2 khoản 5 điểm a"),
    ],
)
def test_decree_90_caps(facts, expected, citation):
    caps = cap("decree_90", **facts)
    assert caps.max_level is expected
    if citation:
        assert any(citation in reason.citation for reason in caps.binding())
    else:
        assert caps.reasons == ()


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
@pytest.mark.parametrize(
    ("score", "expected"),
    [("49.99", K), ("50", N), ("69.99", N), ("70", T), ("89.5", T), ("89.99", T), ("90", X), ("100", X)],
)
def test_points_cap_at_their_band(code, score, expected):
    caps = cap(code, points_total=D(score))
    assert caps.max_level is expected
    assert f"Tổng điểm {D(score).normalize():f}".replace(".", ",") in str(caps.binding()[0].text)


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
@pytest.mark.parametrize(
    "facts", [{"disciplined_in_year": True}, {"degradation_concluded": True}, {"corruption_in_unit": True}]
)
def test_khtnv_regardless_of_score(code, facts):
    caps = cap(code, points_total=D(98), **facts)
    assert caps.max_level is K
    assert not caps.allows(T) and caps.allows(K)


def test_a_head_is_not_rated_above_their_agency():
    caps = cap("decree_233", points_total=D(95), agency_level=T)
    assert caps.max_level is T
    assert "Điều 12 khoản 7" in caps.binding()[0].citation
    presumed = cap("decree_335", points_total=D(95), agency_level=T)
    assert "áp dụng tương tự" in presumed.binding()[0].citation
    deputy = cap("decree_233", points_total=D(95), agency_level=T, is_head=False)
    assert deputy.max_level is X


def test_the_cycles_own_bands_are_used():
    bands = (Band(X, D("90.01")), Band(T, D("80.01")), Band(N, D(50)))
    assert get_rulebook("decree_335").caps(PersonFacts(points_total=D(90)), bands).max_level is T


def test_not_rated_allows_no_level():
    caps = cap("decree_90", months_worked=D(4))
    assert caps.not_rated and caps.max_level is None
    assert not any(caps.allows(level) for level in Level)


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"months_worked": D(5)}, NOT_RATED),
        ({"months_worked": D("5.9")}, NOT_RATED),
        ({"months_worked": D(6)}, X),
        ({"months_worked": D(5), "on_maternity_leave": True}, X),
    ],
)
def test_points_regimes_do_not_rate_under_six_months(code, facts, expected):
    # Decree 233/2026 Art. 14(1)–(2); presumed alike for 335 and 366 (the citation says so).
    caps = cap(code, **facts)
    assert caps.max_level is expected
    if expected is NOT_RATED:
        assert caps.not_rated and "Điều 14" in caps.binding()[0].citation
