"""Issue #18 in a real browser: the chair enrols a TOTP device on first login (QR code inline SVG, the key typed
into a simulated authenticator app), keeps the recovery codes, and signs off with a step-up code."""

from base64 import b32decode
from decimal import Decimal as D

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from cycles.models import CycleStatus
from reviews import services
from tests.factories import PASSWORD, submitted

from .conftest import LAPTOP
from .test_self_assessment import assert_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, drift: int = 0) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def test_the_chair_enrols_a_second_factor_and_signs_off_with_step_up(
    live_server, cast, open_page, artifacts_dir, settings
):
    settings.PORTAL_SECOND_FACTOR_ENFORCED = True
    chair = cast.users["chair"]
    for official, level in ((cast.official_a, "httnv"), (cast.official_b, "htnv")):
        evaluation = submitted(official.enrolments.get().evaluation, self_level="httnv", points=D("80"))
        services.proposal_set(
            evaluation=evaluation, level=level, reason="Đề xuất", by=cast.users["home_affairs"]
        )
        evaluation.refresh_from_db()
        services.decision_record(
            evaluation=evaluation,
            level=level,
            not_rated=False,
            comments="Nhận xét của Chủ tịch.",
            outlook="",
            departure_reason="",
            version=evaluation.version,
            by=chair,
        )

    page, log = open_page(**LAPTOP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("chair")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()

    # First login: straight to enrolment, with the QR code as inline SVG.
    expect(page.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(_code(secret))
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.screenshot(path=artifacts_dir / "second-factor-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page.get_by_role("heading", name="Xin chào", exact=False)).to_be_visible()

    # The code entered at enrolment is "too old" for signing off: step-up asks again.
    settings.PORTAL_STEP_UP_MINUTES = 0
    page.goto(f"{live_server.url}/evaluations/cycle/{cast.cycle.pk}/decisions/")
    expect(page.locator("#sign-off-panel")).to_contain_text("Mọi người đã có quyết định")
    page.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    expect(page.get_by_text("Việc bạn sắp làm cần xác thực lại", exact=False)).to_be_visible()
    cast.cycle.refresh_from_db()
    assert cast.cycle.status != CycleStatus.SIGNED_OFF

    settings.PORTAL_STEP_UP_MINUTES = 10
    # The next time step's code: the one used at enrolment cannot be replayed.
    page.get_by_label("Mã xác thực (6 chữ số) hoặc một mã dự phòng").fill(_code(secret, drift=1))
    page.get_by_role("button", name="Xác thực", exact=True).click()
    expect(page.locator("#sign-off-panel")).to_be_visible()
    page.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(page.get_by_text("Đã phê duyệt kết quả")).to_be_visible()
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SIGNED_OFF
    page.screenshot(path=artifacts_dir / "second-factor-signed-off.png", full_page=True)
    assert_clean(log)
