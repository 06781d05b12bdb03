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
        # Months worked in the year: under 6 → not rated, except maternity leave (Art. 2(3), original text).
        ({"months_worked": D(5)}, NOT_RATED, "Điều 2 khoản 3"),
        ({"months_worked": D(5), "on_maternity_leave": True}, X, None),
        # Sick leave is excused only from 2026 (Decree 233 Art. 14(2)), never under Decree 90.
        ({"months_worked": D(5), "on_sick_leave": True}, NOT_RATED, "Điều 2 khoản 3"),
        ({"months_worked": D(6)}, X, None),
        # Months absent (maternity apart): 3 to under 6 → at most HTNV.
        ({"months_absent": D(2)}, X, None),
        ({"months_absent": D(3)}, N, "Điều 2 khoản 3"),
        ({"months_absent": D(5)}, N, "Điều 2 khoản 3"),
        ({"months_absent": D(6)}, X, None),
        # Absent more than 6 months leaves under 6 at work: not rated.
        ({"months_absent": D(7)}, NOT_RATED, "Điều 2 khoản 3"),
        ({"months_absent": D(7), "on_maternity_leave": True}, X, None),
        ({"months_absent": D(7), "on_sick_leave": True}, NOT_RATED, "Điều 2 khoản 3"),
        ({"disciplined_in_year": True}, K, "Điều 2 khoản 5 điểm a (bổ sung bởi Nghị định 48/2023"),
        # Decree 90 caps any discipline in the year, connected with duties or not.
        ({"disciplined_in_year": True, "discipline_unrelated_to_duties": True}, K, "Điều 2 khoản 5 điểm a"),
        # Which year it counts in: Art. 2(5)(b) and (c); 233's former-organisation rule is not in Decree 90.
        ({"disciplined_in_year": True, "discipline_counting": "already_rated_khtnv"}, X, None),
        ({"disciplined_in_year": True, "discipline_counting": "counted_other_year"}, X, None),
        (
            {"disciplined_in_year": True, "discipline_counting": "former_organisation"},
            K,
            "Điều 2 khoản 5 điểm a",
        ),
        (
            {"degradation_concluded": True, "personnel_type": "cong_chuc"},
            K,
            "Nghị định 90/2020/NĐ-CP, Điều 11",
        ),
        ({"corruption_in_unit": True, "personnel_type": "can_bo"}, K, "Nghị định 90/2020/NĐ-CP, Điều 7"),
        ({"corruption_in_unit": True}, K, "Điều 7, Điều 11, Điều 15 khoản 2"),
        ({"corruption_in_unit": True, "is_leader": False}, X, None),
        # Share of the agency's targets met (leaders): KHTNV grounds Arts 7/11/15, HTNV needs > 70% (6/10/14).
        ({"targets_met_pct": D("49.9"), "personnel_type": "vien_chuc"}, K, "Điều 15 khoản 2"),
        ({"targets_met_pct": D(70), "personnel_type": "vien_chuc"}, K, "Điều 14 khoản 2"),
        ({"targets_met_pct": D("70.1"), "personnel_type": "vien_chuc"}, N, "Điều 13 khoản 2"),
        ({"targets_met_pct": D(100)}, X, None),
        # The 50%-exceeded rule is the HTXSNV article (4/8/12).
        (
            {"targets_met_pct": D(100), "targets_exceeded_pct": D(49), "personnel_type": "cong_chuc"},
            T,
            "Điều 8",
        ),
        ({"targets_met_pct": D(100), "targets_exceeded_pct": D(50)}, X, None),
        # Ratings of subordinate units. HTTNV needs 100% at HTNV or above (Arts 5/9/13): below that, HTNV.
        ({"subordinates_htnv_or_above_pct": D(69)}, K, "Điều 6, Điều 10, Điều 14 khoản 2"),
        ({"subordinates_htnv_or_above_pct": D(70)}, N, "Điều 5, Điều 9, Điều 13 khoản 2"),
        ({"subordinates_htnv_or_above_pct": D(90)}, N, "Điều 5, Điều 9, Điều 13 khoản 2"),
        ({"subordinates_htnv_or_above_pct": D("99.9"), "personnel_type": "can_bo"}, N, "Điều 5"),
        ({"subordinates_htnv_or_above_pct": D(90), "subordinates_httnv_or_above_pct": D(80)}, N, "Điều 9"),
        # 100% at HTNV or above, but under 70% at HTTNV or above: HTTNV, the HTXSNV article (4/8/12).
        ({"subordinates_htnv_or_above_pct": D(100), "subordinates_httnv_or_above_pct": D(69)}, T, "Điều 8"),
        ({"subordinates_htnv_or_above_pct": D(100), "subordinates_httnv_or_above_pct": D(70)}, X, None),
        ({"subordinates_htnv_or_above_pct": D(100)}, X, None),
        # The lowest cap wins.
        ({"months_absent": D(4), "disciplined_in_year": True}, K, "Điều 2 khoản 5 điểm a"),
        # No score, no head rule: Decree 90 is qualitative and has no "head not above the agency" rule.
        ({"is_head": True}, X, None),
    ],
)
def test_decree_90_caps(facts, expected, citation):
    caps = cap("decree_90", **facts)
    assert caps.max_level is expected
    if citation:
        assert any(citation in reason.citation for reason in caps.binding()), caps.binding()
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
    caps = cap("decree_233", points_total=D(95), agency_level=T, is_head=True)
    assert caps.max_level is T
    assert "Điều 12 khoản 7" in caps.binding()[0].citation
    presumed = cap("decree_335", points_total=D(95), agency_level=T, is_head=True)
    assert "áp dụng tương tự" in presumed.binding()[0].citation
    deputy = cap("decree_233", points_total=D(95), agency_level=T, is_head=False)
    assert deputy.max_level is X


def test_nobody_is_a_head_by_default():
    # Item 5: whether someone is the head is a fact of their enrolment; facts default to "not the head".
    assert PersonFacts().is_head is False
    assert cap("decree_233", points_total=D(95), agency_level=T).max_level is X


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
def test_a_head_whose_agency_has_no_rating_yet_cannot_be_rated(code):
    # Decree 233 Art. 15(1)(a): public employees are rated after their unit; the cap of Art. 12(7) must be known.
    caps = cap(code, points_total=D(95), is_head=True)
    assert caps.missing and not caps.not_rated
    assert not any(caps.allows(level) for level in Level)
    assert "Điều 15 khoản 1 điểm a" in caps.binding()[0].citation
    assert cap(code, points_total=D(95), is_head=True, agency_level=X).allows(X)


@pytest.mark.parametrize("code", ["decree_335", "decree_233", "regulation_366"])
def test_no_score_no_level_in_a_points_regime(code):
    caps = cap(code)
    assert caps.missing and not any(caps.allows(level) for level in Level)
    assert "Chưa có tổng điểm" in str(caps.binding()[0].text)
    # "Not rated" still wins: under 6 months at work, no score is needed to say so.
    assert cap(code, months_worked=D(4)).not_rated


@pytest.mark.parametrize(
    ("code", "facts", "expected", "citation"),
    [
        # Decree 233 Art. 12(4)(c): only a violation connected with the performance of duties caps at KHTNV.
        ("decree_233", {"disciplined_in_year": True}, K, "Điều 12 khoản 4 điểm c"),
        ("decree_233", {"disciplined_in_year": True, "discipline_unrelated_to_duties": True}, X, None),
        ("decree_335", {"disciplined_in_year": True, "discipline_unrelated_to_duties": True}, X, None),
        # QĐ 366 Art. 11: any discipline from a reprimand up.
        ("regulation_366", {"disciplined_in_year": True, "discipline_unrelated_to_duties": True}, K, "366"),
        # Which year it counts in: Decree 233 Art. 14(3)(a)–(c).
        ("decree_233", {"disciplined_in_year": True, "discipline_counting": "counted_other_year"}, X, None),
        ("decree_233", {"disciplined_in_year": True, "discipline_counting": "already_rated_khtnv"}, X, None),
        ("decree_233", {"disciplined_in_year": True, "discipline_counting": "former_organisation"}, X, None),
        (
            "regulation_366",
            {"disciplined_in_year": True, "discipline_counting": "former_organisation"},
            K,
            "366",
        ),
    ],
)
def test_which_discipline_caps(code, facts, expected, citation):
    caps = cap(code, points_total=D(95), **facts)
    assert caps.max_level is expected
    if citation:
        assert citation in caps.binding()[0].citation


def test_corruption_remedied_by_the_manager_leaves_a_departable_cap():
    # Decree 233 Art. 12(4)(d): KHTNV stays the default; the authority may depart from it, with a reason.
    plain = cap("decree_233", points_total=D(95), corruption_in_unit=True)
    assert plain.max_level is K and not plain.allows_departing(T)
    remedied = cap("decree_233", points_total=D(95), corruption_in_unit=True, corruption_self_remedied=True)
    assert remedied.max_level is K and not remedied.allows(T)
    assert remedied.allows_departing(X)
    assert "đoạn hai" in remedied.departed_from(T)[0].citation
    # Under Party rules there is no such paragraph.
    party = cap("regulation_366", points_total=D(95), corruption_in_unit=True, corruption_self_remedied=True)
    assert not party.allows_departing(T)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"targets_exceeded_pct": D(29)}, T),
        ({"targets_exceeded_pct": D(30)}, X),
        ({"targets_met_pct": D("69.9")}, K),
        ({"targets_met_pct": D(70)}, X),
        ({"subordinates_htnv_or_above_pct": D(49)}, K),  # more than half of the units at KHTNV
        ({"subordinates_htnv_or_above_pct": D(50)}, X),
        ({"confidence_vote_low_pct": D("50.1")}, K),
        ({"confidence_vote_low_pct": D(50)}, X),
        ({"targets_exceeded_pct": D(10), "is_leader": False}, X),
    ],
)
def test_party_regulation_366_leader_conditions(facts, expected):
    caps = cap("regulation_366", points_total=D(95), **facts)
    assert caps.max_level is expected
    if expected is not X:
        assert "Quy định 366-QĐ/TW, Điều 11" in caps.binding()[0].citation
        assert "chưa chắc chắn" in caps.binding()[0].citation
    assert get_rulebook("regulation_366").certain is False


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
        # Decree 233 Art. 14(2): sick leave under social insurance is excused too, from 2026.
        ({"months_worked": D(5), "on_sick_leave": True}, X),
    ],
)
def test_points_regimes_do_not_rate_under_six_months(code, facts, expected):
    # Decree 233/2026 Art. 14(1)–(2); presumed alike for 335 and 366 (the citation says so).
    caps = cap(code, points_total=D(80), **facts)
    assert caps.max_level is (expected and T)
    if expected is NOT_RATED:
        assert caps.not_rated and "Điều 14" in caps.binding()[0].citation
