"""Home Affairs in a real browser (issue #12): sets the cycle up for quarterly tracking, assigns a tracker on the
assignments page, and sees who tracks whom and each period's state on the period board. Screenshots of every new
page on a laptop and a phone go to /tmp/track-ha-shots/."""

from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import UserFactory
from tracking import services
from tracking.models import TrackingPeriod

from .conftest import LAPTOP, PHONE
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/track-ha-shots")


def test_home_affairs_assigns_a_tracker_and_sees_the_board(live_server, cast, open_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    UserFactory(username="pho_chu_tich", first_name="Phó Chủ tịch", last_name="Lê Văn Hòa")
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "home_affairs")
    page.get_by_role("link", name="Thiết lập theo dõi theo kỳ").first.click()
    page.screenshot(path=SHOTS / "setup-empty-laptop.png", full_page=True)
    page.get_by_label("Theo quý").check()
    page.get_by_role("button", name="Bắt đầu theo dõi theo kỳ").click()
    expect(page.get_by_text("Đã lưu thiết lập theo dõi, đánh giá theo kỳ.")).to_be_visible()
    page.screenshot(path=SHOTS / "setup-laptop.png", full_page=True)

    page.get_by_role("link", name="Người theo dõi, đánh giá").first.click()
    page.get_by_label("Người theo dõi của Nguyễn Thị An", exact=True).select_option(
        label="Phó Chủ tịch Lê Văn Hòa (pho_chu_tich)"
    )
    page.get_by_label("Chức vụ người theo dõi của Nguyễn Thị An").fill("Phó Chủ tịch UBND tỉnh")
    page.screenshot(path=SHOTS / "assignments-laptop.png", full_page=True)
    page.get_by_role("button", name="Lưu người theo dõi").click()
    expect(page.get_by_text("Đã giao người theo dõi cho 1 người.")).to_be_visible()
    expect(page.get_by_test_id("assigned-count")).to_have_text("Đã giao: 1/2 người.")

    # Some history for the board: Q1 of An carried from her earlier agency, Q1 past its deadline.
    ha = cast.users["home_affairs"]
    enrolment = cast.official_a.enrolments.get()
    q1 = TrackingPeriod.objects.get(cycle=cast.cycle, number=1)
    services.period_carried_record(
        record=services.period_record_get(enrolment=enrolment, period=q1),
        score=D("86.5"),
        source="Sở Xây dựng",
        by=ha,
    )
    TrackingPeriod.objects.filter(pk=q1.pk).update(deadline=timezone.now() - timedelta(days=1))
    TrackingPeriod.objects.filter(cycle=cast.cycle, number__gt=1).update(
        deadline=timezone.now() + timedelta(days=10)
    )

    page.get_by_role("link", name="Bảng theo dõi theo kỳ").first.click()
    row_a = page.locator(f"tr[data-enrolment='{enrolment.pk}']")
    expect(row_a).to_contain_text("Phó Chủ tịch Lê Văn Hòa")
    expect(row_a.locator(f"td[data-period='{q1.pk}']")).to_contain_text("Đã xác nhận")
    row_b = page.locator(f"tr[data-enrolment='{cast.official_b.enrolments.get().pk}']")
    expect(row_b).to_contain_text("Chưa giao")
    expect(row_b.locator(f"td[data-period='{q1.pk}']")).to_contain_text("Quá hạn")
    row_a.get_by_test_id("annual-score").click()
    expect(row_a.locator("details.annual-working")).to_contain_text("Chưa đến hạn")
    page.screenshot(path=SHOTS / "board-laptop.png", full_page=True)
    page.get_by_role("button", name="Gửi thư nhắc Quý II/2026").click()
    expect(page.get_by_text("Đã xếp 2 thư nhắc Quý II/2026 vào hàng gửi.")).to_be_visible()

    # A cell opens the person's period for Home Affairs' records.
    row_b.locator(f"td[data-period='{q1.pk}'] a").click()
    page.screenshot(path=SHOTS / "period-record-laptop.png", full_page=True)
    page.goto(f"{live_server.url}/tracking/cycle/{cast.cycle.pk}/trackers/import/")
    page.screenshot(path=SHOTS / "import-laptop.png", full_page=True)
    page.goto(f"{live_server.url}/evaluations/cycle/{cast.cycle.pk}/compilation/")
    page.screenshot(path=SHOTS / "compilation-laptop.png", full_page=True)
    assert_clean(log)

    phone, phone_log = open_page(**PHONE)
    log_in(phone, live_server, "home_affairs")
    phone.screenshot(path=SHOTS / "home-phone.png", full_page=True)
    for name, path in [
        ("board", f"/tracking/cycle/{cast.cycle.pk}/board/"),
        ("setup", f"/tracking/cycle/{cast.cycle.pk}/setup/"),
        ("assignments", f"/tracking/cycle/{cast.cycle.pk}/trackers/"),
        ("import", f"/tracking/cycle/{cast.cycle.pk}/trackers/import/"),
        ("period-record", f"/tracking/cycle/{cast.cycle.pk}/person/{enrolment.pk}/period/{q1.pk}/"),
    ]:
        phone.goto(live_server.url + path)
        phone.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
    assert_clean(phone_log)
