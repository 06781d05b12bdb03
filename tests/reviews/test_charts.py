"""The chart builders (issue #13 item 5): pure functions from counts to SVG coordinates, and the pages that draw
them with their numbers as a table for screen readers."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from reviews import charts, services

from ..factories import submitted


def test_stacked_bars_scale_each_group_to_its_own_size_and_keep_the_counts():
    chart = charts.stacked_bars(
        [("Giám đốc sở", {"htxsnv": 2, "httnv": 6, "undecided": 2}), ("Phó Chủ tịch", {"httnv": 3})]
    )
    first, second = chart.bars
    assert first.total == 10 and second.total == 3
    span = chart.right - chart.left
    assert [(s.key, s.count) for s in first.segments] == [("htxsnv", 2), ("httnv", 6), ("undecided", 2)]
    assert first.segments[0].width == pytest.approx(span * 0.2, abs=0.1)
    # Segments abut and fill the bar exactly.
    assert first.segments[1].x == pytest.approx(first.segments[0].x + first.segments[0].width, abs=0.2)
    assert sum(s.width for s in second.segments) == pytest.approx(span, abs=0.2)
    assert second.y > first.y + first.height
    assert chart.height >= second.y + second.height
    assert [key for key, _label, _fill in chart.legend] == ["htxsnv", "httnv", "undecided"]
    assert chart.table == [("Giám đốc sở", [2, 6, 2], 10), ("Phó Chủ tịch", [0, 3, 0], 3)]


def test_an_empty_group_draws_no_segment_and_narrow_ones_carry_no_number():
    chart = charts.stacked_bars([("Trống", {}), ("Đông", {"htxsnv": 1, "httnv": 99})])
    assert chart.bars[0].segments == [] and chart.bars[0].total == 0
    narrow, wide = chart.bars[1].segments
    assert not narrow.shows_count and wide.shows_count


def test_quota_bars_share_one_scale_and_flag_the_group_over_its_allowance():
    chart = charts.quota_bars([("A", 2, 4), ("B", 5, 3)])
    within, over = chart.bars
    assert within.within and not over.within
    span = chart.right - chart.left
    assert over.bar_width == pytest.approx(span)  # the largest number sets the scale
    assert within.allowed_x == pytest.approx(chart.left + span * 4 / 5, abs=0.1)
    assert within.bar_width == pytest.approx(span * 2 / 5, abs=0.1)


def test_level_timeline_puts_the_best_level_on_top_and_orders_the_years():
    chart = charts.level_timeline([(2025, "htnv", False), (2023, "htxsnv", False), (2024, "", True)])
    assert [p.year for p in chart.points] == [2023, 2024, 2025]
    rows = {label: y for y, label in chart.rows}
    assert rows["HTXSNV"] < rows["HTTNV"] < rows["HTNV"] < rows["KHTNV"] < rows["Không xếp loại"]
    assert chart.points[0].y == rows["HTXSNV"] and chart.points[1].y == rows["Không xếp loại"]
    assert chart.points[0].x < chart.points[1].x < chart.points[2].x
    # The line joins the rated years only.
    assert chart.line == f"{chart.points[0].x},{chart.points[0].y} {chart.points[2].x},{chart.points[2].y}"


def test_progress_over_time_climbs_a_step_per_day_to_the_running_total():
    per_day = {date(2026, 11, 3): 2, date(2026, 11, 5): 3}
    chart = charts.progress_over_time(
        per_day, total=10, start=date(2026, 11, 1), end=date(2026, 11, 11), deadline=date(2026, 11, 6)
    )
    assert chart.last == 5
    assert chart.table == [(date(2026, 11, 3), 2, 2), (date(2026, 11, 5), 3, 5)]
    points = [tuple(map(float, p.split(","))) for p in chart.line.split()]
    assert points[0] == (chart.left, chart.baseline)  # nothing handed in on the first day
    assert points[-1][0] == chart.right
    # Half the cohort in: the last point is halfway up the plot.
    assert points[-1][1] == pytest.approx((chart.baseline + chart.top) / 2, abs=0.1)
    assert chart.left < chart.deadline_x < chart.right
    ys = [y for _x, y in points]
    assert ys == sorted(ys, reverse=True)  # never goes down
    assert charts.progress_over_time({}, total=0, start=date(2026, 1, 1), end=date(2026, 1, 1)).last == 0


# --- On the pages ---


@pytest.mark.django_db
def test_the_compilation_and_board_draw_the_distributions_and_the_quota_with_their_tables(cast, login):
    a = submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("85"))
    services.proposal_set(evaluation=a, level="httnv", by=cast.users["home_affairs"])
    page = (
        login(cast.users["home_affairs"])
        .get(reverse("reviews:compilation", kwargs={"cycle_pk": cast.cycle.pk}))
        .content.decode()
    )
    assert 'data-testid="level-chart"' in page and 'data-testid="quota-chart"' in page
    assert "<caption>Phân bố mức đề xuất theo nhóm đối tượng</caption>" in page
    assert "style=" not in page.split('id="standing-charts"')[1].split("</section>")[0]
    board = login(cast.users["chair"]).get(
        reverse("reviews:decision_board", kwargs={"cycle_pk": cast.cycle.pk})
    )
    body = board.content.decode()
    assert (
        "Giám đốc sở và tương đương – đề xuất" in body and "Giám đốc sở và tương đương – quyết định" in body
    )


@pytest.mark.django_db
def test_the_progress_board_draws_the_forms_handed_in_over_time(cast, login):
    submitted(cast.official_a.enrolments.get().evaluation)
    page = (
        login(cast.users["home_affairs"])
        .get(reverse("reviews:progress_board", kwargs={"pk": cast.cycle.pk}))
        .content.decode()
    )
    assert 'data-testid="progress-chart"' in page and "Phiếu đã nộp theo thời gian: 1/2" in page
