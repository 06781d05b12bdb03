"""An official logs in with a real browser and finds their own evaluation, on a laptop and on a phone,
and cannot open a colleague's by typing its address."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import LAPTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAVBAR_RED = "rgb(139, 26, 26)"  # --portal-primary in static/css/portal.css
# The portal serves no favicon, so Chromium's automatic /favicon.ico request logs a 404 on the console.
KNOWN_CONSOLE_404S: list[str] = []


def log_in_as_alice(page, live_server):
    """Start at the portal's root, get sent to the login page, log in through the form's labels."""
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Xin chào, Alice")).to_be_visible()


def open_own_evaluation(page, live_server, cast):
    evaluation = cast.official_a.enrolments.get().evaluation
    assert evaluation.status == "not_started"
    page.get_by_role("link", name="Mở phiếu đánh giá").click()
    expect(page).to_have_url(f"{live_server.url}/evaluations/{evaluation.pk}/")
    expect(page.get_by_test_id("evaluation-name")).to_have_text("Nguyễn Thị An")
    expect(page.get_by_test_id("evaluation-status")).to_have_text("Chưa bắt đầu")
    expect(page.get_by_role("heading", name="1. Tiêu chí chung (tối đa 30 điểm)")).to_be_visible()


def assert_page_was_clean(log):
    assert log.csp_violations() == []
    assert log.page_errors == []
    assert log.console_errors(ignore=KNOWN_CONSOLE_404S) == []
    assert log.failed_requests == []
    assert log.bad_responses == []


def test_official_logs_in_and_sees_their_evaluation(live_server, cast, open_page, artifacts_dir):
    page, log = open_page(**LAPTOP)

    log_in_as_alice(page, live_server)
    open_own_evaluation(page, live_server, cast)

    # The stylesheets loaded and apply (the CSP allows only our own files, no inline styles).
    expect(page.locator(".portal-navbar")).to_have_css("background-color", NAVBAR_RED)
    # On a laptop the menu is expanded: no toggler, the logout button is right there.
    expect(page.get_by_role("button", name="Mở menu")).to_be_hidden()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    page.screenshot(path=artifacts_dir / "official-evaluation-laptop.png", full_page=True)
    assert_page_was_clean(log)


def test_official_sees_their_evaluation_on_a_phone(live_server, cast, open_page, artifacts_dir):
    page, log = open_page(**PHONE)

    log_in_as_alice(page, live_server)
    open_own_evaluation(page, live_server, cast)

    # Nothing wider than the phone's screen (no sideways scrolling).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.screenshot(path=artifacts_dir / "official-evaluation-phone.png", full_page=True)

    # The navbar is collapsed behind the toggler; opening it shows the logout button.
    toggler = page.get_by_role("button", name="Mở menu")
    logout = page.get_by_role("button", name="Đăng xuất")
    expect(toggler).to_be_visible()
    expect(logout).to_be_hidden()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(logout).to_be_visible()
    assert_page_was_clean(log)


def test_official_cannot_open_a_colleagues_evaluation(live_server, cast, open_page):
    bobs_pk = cast.official_b.enrolments.get().evaluation.pk
    page, log = open_page(**LAPTOP)

    log_in_as_alice(page, live_server)
    response = page.goto(f"{live_server.url}/evaluations/{bobs_pk}/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    expect(page.get_by_text("Trần Văn Bình")).to_have_count(0)
    # The only failure is the 404 document itself ("Failed to load resource" on the console).
    assert log.bad_responses == [(404, f"{live_server.url}/evaluations/{bobs_pk}/")]
    assert log.console_errors(ignore=[*KNOWN_CONSOLE_404S, f"/evaluations/{bobs_pk}/"]) == []
    assert log.csp_violations() == []
    assert log.page_errors == []
