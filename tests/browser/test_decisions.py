"""The chair's batch screen in a real browser: decisions posted per row update the quota meter and the sign-off
panel in place; sign-off locks the set."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from cycles.models import CycleStatus
from reviews import services
from tests.factories import submitted

from .conftest import LAPTOP
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_decisions_then_sign_off(live_server, cast, open_page, artifacts_dir):
    a = submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("86"))
    b = submitted(cast.official_b.enrolments.get().evaluation, self_level="httnv", points=D("72"))
    services.proposal_set(evaluation=a, level="httnv", by=cast.users["home_affairs"])
    services.proposal_set(
        evaluation=b, level="htnv", reason="Chậm tiến độ hai chỉ tiêu", by=cast.users["home_affairs"]
    )

    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/evaluations/cycle/{cast.cycle.pk}/decisions/")
    panel = page.locator("#sign-off-panel")
    expect(panel).to_contain_text("Chưa có quyết định: Nguyễn Thị An, Trần Văn Bình.")
    # Signing off now is refused by the server with the same list.
    page.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(page.locator(".alert-danger")).to_contain_text("Chưa thể phê duyệt")

    for evaluation, comment in ((a, "Chủ động, hoàn thành vượt tiến độ."), (b, "Cần khắc phục chậm trễ.")):
        row = page.locator(f"#decision-row-{evaluation.pk}")
        row.locator(".decision-open").click()  # issue #15: the row's form is loaded by its button
        row.locator("textarea[name=comments]").fill(comment)
        row.get_by_role("button", name="Ghi quyết định").click()
        expect(row.get_by_role("link", name="Sửa quyết định")).to_be_visible()
    expect(panel).to_contain_text("Mọi người đã có quyết định")
    page.screenshot(path=artifacts_dir / "decision-board-ready.png", full_page=True)

    page.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    page.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(page.get_by_text("Đã phê duyệt kết quả")).to_be_visible()
    expect(page.locator("select[name=decision]")).to_have_count(0)
    cast.cycle.refresh_from_db()
    assert cast.cycle.status == CycleStatus.SIGNED_OFF
    page.screenshot(path=artifacts_dir / "decision-board-signed.png", full_page=True)
    assert_clean(log)
