"""HTXSNV ≤ 20% of those at HTTNV per peer group (Decree 90 Art. 2(6) as amended; Decree 335 Art. 20(5);
Decree 233 Art. 12(6)), up to 25% for outstanding agencies; among fewer than 5 units at most one
(Decree 233 Art. 7(8))."""

from decimal import Decimal as D

import pytest

from cycles.rulebooks import Framework, Level, get_rulebook, small_unit_group_rule
from cycles.rulebooks.quota import Rounding, allowed_htxsnv, quota_position


@pytest.mark.parametrize(
    ("httnv", "at_20", "at_25"),
    [(0, 0, 0), (4, 0, 1), (5, 1, 1), (7, 1, 1), (10, 2, 2), (11, 2, 2), (16, 3, 4), (20, 4, 5)],
)
def test_allowance_rounds_down_by_default(httnv, at_20, at_25):
    assert allowed_htxsnv(httnv) == at_20
    assert allowed_htxsnv(httnv, rate=D("0.25")) == at_25


@pytest.mark.parametrize(
    ("httnv", "down", "half_up", "up"), [(4, 0, 1, 1), (7, 1, 1, 2), (12, 2, 2, 3), (13, 2, 3, 3)]
)
def test_rounding_is_a_setting(httnv, down, half_up, up):
    assert allowed_htxsnv(httnv, rounding=Rounding.DOWN) == down
    assert allowed_htxsnv(httnv, rounding=Rounding.HALF_UP) == half_up
    assert allowed_htxsnv(httnv, rounding=Rounding.UP) == up


def test_the_base_is_the_number_at_httnv_not_headcount():
    # 20 directors: 2 HTXSNV, 10 HTTNV, 8 HTNV → 20% of 10 = 2: within. Headcount would not matter.
    position = quota_position(["htxsnv"] * 2 + ["httnv"] * 10 + ["htnv"] * 8)
    assert position.within and position.allowed == 2
    assert position.arithmetic == "20% × 10 người HTTNV = 2 → tối đa 2 HTXSNV"


def test_raising_one_person_to_httnv_can_bring_the_set_within_quota():
    before = quota_position(["htxsnv"] * 2 + ["httnv"] * 9 + ["htnv"])
    assert not before.within and before.over_by == 1
    after = quota_position(["htxsnv"] * 2 + ["httnv"] * 10)
    assert after.within


def test_the_outstanding_agency_exception_is_capped_at_25_percent():
    assert quota_position(["htxsnv"] * 2 + ["httnv"] * 8, rate=D("0.25")).within
    with pytest.raises(ValueError):
        quota_position(["httnv"] * 8, rate=D("0.30"))


UNITS_RULE = small_unit_group_rule(Framework.DECREES_2026)


@pytest.mark.parametrize(("units", "allowed"), [(1, 1), (3, 1), (4, 1), (5, 1), (10, 2)])
def test_fewer_than_five_units_allow_one(units, allowed):
    levels = [Level.HTTNV] * units
    assert quota_position(levels, small_unit_rule=UNITS_RULE).allowed == allowed
    if units < 5:
        assert (
            quota_position(
                [Level.HTXSNV, Level.HTXSNV] + [Level.HTTNV] * (units - 2), small_unit_rule=UNITS_RULE
            ).allowed
            == 1
        )


def test_the_units_rule_is_decree_233s_and_decree_90_lacks_it():
    # Decree 233/2026 Art. 7(7)(c) (constituent units: 7(8)); Decree 90/2020 has no such rule.
    assert "Điều 7 khoản 7 điểm c" in UNITS_RULE
    assert small_unit_group_rule(Framework.DECREE_90) == ""
    # Without the rule, 4 at HTTNV allow 0 (20% of 4 = 0.8, rounded down).
    assert quota_position([Level.HTTNV] * 4).allowed == 0


@pytest.mark.parametrize(
    ("code", "year", "article"),
    [
        ("decree_90", 2023, "Quy định 124-QĐ/TW"),
        ("decree_90", 2024, "Quy định 124-QĐ/TW"),
        ("decree_90", 2025, "Quy định 366-QĐ/TW"),
        ("decree_335", 2026, "Nghị định 335/2025/NĐ-CP, Điều 20 khoản 5"),
        ("decree_233", 2026, "Nghị định 233/2026/NĐ-CP, Điều 12 khoản 6"),
        ("regulation_366", 2026, "Quy định 366-QĐ/TW, Điều 11"),
    ],
)
def test_each_regime_cites_its_quota_article(code, year, article):
    assert article in get_rulebook(code).quota_citation(year)
    if code == "decree_90":
        assert "Điều 2 khoản 6" in get_rulebook(code).quota_citation(year)


def test_people_not_rated_do_not_count():
    assert quota_position(["htxsnv", None, "", "httnv"] + ["httnv"] * 4).htxsnv == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("framework", "year", "expected", "units_rule"),
    [
        ("decree_90_48", 2024, "Quy định 124-QĐ/TW", False),
        ("decree_90_48", 2025, "Quy định 366-QĐ/TW, Điều 11", False),
        ("decrees_2026", 2026, "Nghị định 335/2025/NĐ-CP, Điều 20 khoản 5", True),
    ],
)
def test_the_quota_settings_page_cites_the_cycles_articles(
    cast, login, framework, year, expected, units_rule
):
    from django.urls import reverse

    from cycles.models import Cycle, Enrolment

    Cycle.objects.filter(pk=cast.cycle.pk).update(framework=framework, year=year)
    if framework == "decree_90_48":
        Enrolment.objects.filter(cycle=cast.cycle).update(rulebook_code="decree_90")
    page = (
        login(cast.users["home_affairs"])
        .get(reverse("cycles:quota_settings", kwargs={"pk": cast.cycle.pk}))
        .content.decode()
    )
    assert expected in page
    assert ("Điều 7 khoản 7 điểm c" in page) is units_rule
