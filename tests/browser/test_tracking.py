"""Periodic tracking in a real browser: a person fills their quarter (live score, a task row added, autosave) and
sends it; their tracker reviews it, changes a line (the reason is asked for, first by a hint, then refused by the
server until it is given), confirms; the year's score on the person's page moves. Screenshots of every page on a
laptop and a phone go to test-artifacts/ (and /tmp/track-pages-shots when it exists)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cycles.rulebooks.tracking import period_lines
from tests.factories import UserFactory
from tracking import services
from tracking.models import TrackingPeriod

from .conftest import LAPTOP
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/track-pages-shots")


def full(**changes):
    values = {
        line.code: ("90" if line.is_percentage else f"{line.max_points.normalize():f}")
        for line in period_lines(is_leader=True)
    }
    values.update(changes)
    return values


def shoot(page, artifacts_dir, name):
    """The page as it is, on a laptop and on a phone, with no sideways scrolling on the phone."""
    targets = [artifacts_dir] + ([SHOTS] if SHOTS.exists() else [])
    for target in targets:
        page.screenshot(path=target / f"{name}-laptop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    for target in targets:
        page.screenshot(path=target / f"{name}-phone.png", full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (name, wide)
    page.set_viewport_size(LAPTOP["viewport"])


@pytest.fixture
def year(cast):
    """Quarterly tracking; Q1 already confirmed at 93 and closed; Q2 open for a week; Q3 and Q4 later."""
    ha = cast.users["home_affairs"]
    services.tracking_set_up(cycle=cast.cycle, frequency="quarterly", by=ha)
    now = timezone.now()
    for number, days in ((1, 7), (2, 7), (3, 60), (4, 90)):
        TrackingPeriod.objects.filter(cycle=cast.cycle, number=number).update(
            deadline=now + timedelta(days=days)
        )
    tracker = UserFactory(username="pho_chu_tich", first_name="Phó Chủ tịch", last_name="Thử")
    enrolment = cast.official_a.enrolments.get()
    services.tracker_assign(enrolment=enrolment, tracker=tracker, title="Phó Chủ tịch UBND tỉnh", by=ha)
    q1 = services.period_record_get(
        enrolment=enrolment, period=TrackingPeriod.objects.get(cycle=cast.cycle, number=1)
    )
    alice = cast.users["official_a"]
    q1 = services.period_self_save(record=q1, values=full(), version=q1.version, by=alice)
    q1 = services.period_submit(record=q1, version=q1.version, by=alice)
    services.period_confirm(record=q1, values=q1.self_values, version=q1.version, by=tracker)
    TrackingPeriod.objects.filter(cycle=cast.cycle, number=1).update(
        deadline=now - timedelta(days=1), closed_at=now
    )
    cast.tracker = tracker
    cast.enrolment = enrolment
    return cast


def test_a_person_fills_a_quarter_and_the_tracker_confirms_it_with_a_change(
    live_server, year, open_page, artifacts_dir
):
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/evaluations/{year.enrolment.evaluation.pk}/")
    page.get_by_role("link", name="Xem kết quả theo kỳ").click()
    expect(page.get_by_test_id("annual-score-value")).to_have_text("93")
    expect(page.get_by_test_id("tracker-name")).to_contain_text("Phó Chủ tịch Thử")
    shoot(page, artifacts_dir, "tracking-person-year-before")

    page.get_by_role("link", name="Nhập kết quả kỳ").click()
    expect(page.get_by_role("heading", name="Phiếu theo dõi, đánh giá – Quý II/2026")).to_be_visible()
    for code, value in full(i_politics="4.5").items():
        page.locator(f"input[name=value__{code}]").fill(value)
    page.locator("textarea[name=comment__quantity]").fill("Hoàn thành 9/10 báo cáo chuyên đề.")
    # 29.5 + 70 × 90 / 100 = 92.5
    expect(page.get_by_test_id("period-total")).to_have_text("92,5")
    page.get_by_label("Ưu điểm").fill("Chủ động, đúng hạn.")
    page.get_by_label("Hạn chế, khuyết điểm").fill("Một báo cáo chậm.")
    page.locator("input[name=tasks-0-title]").fill("Báo cáo chuyên đề quý II")
    page.locator("input[name=tasks-0-quantity_planned]").fill("10")
    page.locator("input[name=tasks-0-quantity_done]").fill("9")
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    page.locator("input[name=tasks-1-title]").fill("Đề án chuyển đổi số")
    page.locator("input[name=tasks-1-quantity_planned]").fill("1")
    expect(page.get_by_test_id("save-status")).to_contain_text("Đã lưu lúc", timeout=15_000)
    shoot(page, artifacts_dir, "tracking-person-period")

    # A bad value: the message names the line, the typed text stays.
    page.locator("input[name=value__quality]").fill("120")
    expect(page.get_by_test_id("save-status")).to_contain_text(
        "“c”: tỷ lệ phải từ 0 đến 100%", timeout=15_000
    )
    page.locator("input[name=value__quality]").fill("90")
    expect(page.get_by_test_id("save-status")).to_contain_text("Đã lưu lúc", timeout=15_000)

    page.reload()
    expect(page.locator("input[name=value__i_politics]")).to_have_value("4.5")
    expect(page.locator("input[name=tasks-1-title]")).to_have_value("Đề án chuyển đổi số")
    page.get_by_role("link", name="Gửi kết quả…").click()
    expect(page.get_by_test_id("submit-score")).to_contain_text("92,5")
    shoot(page, artifacts_dir, "tracking-person-submit")
    page.get_by_role("button", name="Xác nhận gửi").click()
    expect(page.get_by_text("Đã gửi kết quả Quý II/2026")).to_be_visible()
    assert_clean(log)

    tracker_page, tracker_log = open_page(**LAPTOP)
    log_in(tracker_page, live_server, "pho_chu_tich")
    tracker_page.goto(f"{live_server.url}/tracking/tracker/")
    expect(tracker_page.get_by_test_id("inbox-item")).to_have_count(1)
    shoot(tracker_page, artifacts_dir, "tracking-tracker-inbox")
    tracker_page.get_by_test_id("inbox-item").click()
    expect(tracker_page.get_by_text("Báo cáo chuyên đề quý II")).to_be_visible()
    quality = tracker_page.locator("input[name=value__quality]")
    expect(quality).to_have_value("90")
    quality.fill("60")
    expect(tracker_page.locator(".reason-hint:visible")).to_have_count(1)
    # 29.5 + 70 × (90 × 5 + 60) / 6 / 100 = 89
    expect(tracker_page.get_by_test_id("confirm-total")).to_have_text("89")
    tracker_page.get_by_label("Ý kiến của người theo dõi, đánh giá").fill("Cần nâng chất lượng báo cáo.")
    shoot(tracker_page, artifacts_dir, "tracking-tracker-review")
    tracker_page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(tracker_page.get_by_test_id("form-error")).to_be_visible()
    expect(tracker_page.get_by_text("“c”: điểm khác điểm tự chấm, hãy ghi lý do.")).to_be_visible()
    expect(tracker_page.locator("input[name=value__quality]")).to_have_value("60")
    tracker_page.locator("textarea[name=reason__quality]").fill("Hai báo cáo phải làm lại.")
    tracker_page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(tracker_page.get_by_text("Đã xác nhận kết quả Quý II/2026")).to_be_visible()
    expect(tracker_page.get_by_test_id("confirmation-history")).to_contain_text("89")
    shoot(tracker_page, artifacts_dir, "tracking-tracker-confirmed")
    tracker_page.goto(f"{live_server.url}/tracking/tracker/people/")
    expect(tracker_page.get_by_test_id("people-row")).to_have_count(1)
    shoot(tracker_page, artifacts_dir, "tracking-tracker-people")
    assert_clean(tracker_log)

    # The year moves: (93 + 89) / 2 = 91.
    page.goto(f"{live_server.url}/tracking/mine/")
    expect(page.get_by_test_id("annual-score-value")).to_have_text("91")
    expect(page.get_by_test_id("annual-working")).to_contain_text("(93 + 89) / 2")
    shoot(page, artifacts_dir, "tracking-person-year-after")
    assert_clean(log)
