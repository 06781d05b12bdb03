"""Home Affairs' working table in a real browser: a proposal posted from a row updates the row and the peer
group's quota meter without a reload; a proposal above a cap is refused in place with its article."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from reviews.models import Evaluation
from tests.factories import OfficialFactory, enrol, submitted

from .conftest import LAPTOP, PHONE
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_quota_meter_reacts_to_proposals(live_server, cast, open_page, artifacts_dir):
    cycle = cast.cycle
    a = submitted(cast.official_a.enrolments.get().evaluation, self_level="htxsnv", points=D("95"))
    submitted(cast.official_b.enrolments.get().evaluation, self_level="httnv", points=D("85"))
    others = []
    for name in ("Lê Văn Cảnh", "Phạm Thị Dung", "Hoàng Văn Giang", "Đỗ Thị Hạnh"):
        # Deputies: rated without waiting for their agencies (Decree 233 Art. 15(1)(a) is for heads).
        evaluation = enrol(cycle, OfficialFactory(full_name=name, title="Phó Giám đốc")).evaluation
        others.append(submitted(evaluation, self_level="httnv", points=D("82")))

    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "home_affairs")
    page.goto(f"{live_server.url}/evaluations/cycle/{cycle.pk}/compilation/")
    meter = page.locator("#quota-meters .quota-card").first
    expect(meter.locator(".quota-count")).to_have_text("HTXSNV 0 / tối đa 0")

    row_a = page.locator(f"#proposal-row-{a.pk}")
    # Issue #15: the row's form is loaded by its button.
    row_a.locator(".proposal-open").click()
    row_a.get_by_label("Mức đề xuất cho Nguyễn Thị An").select_option("htxsnv")
    row_a.get_by_role("button", name="Ghi đề xuất").click()
    expect(meter.locator(".quota-count")).to_have_text("HTXSNV 1 / tối đa 0")
    expect(meter.locator(".quota-status")).to_have_text("Vượt 1 người")
    page.screenshot(path=artifacts_dir / "compilation-over-quota.png", full_page=True)

    # Five at HTTNV make room for one HTXSNV (20% × 5 = 1): the meter turns green without a reload.
    url_before = page.url
    for evaluation in [cast.official_b.enrolments.get().evaluation, *others]:
        row = page.locator(f"#proposal-row-{evaluation.pk}")
        row.locator(".proposal-open").click()
        row.locator("select[name=proposal]").select_option("httnv")
        row.get_by_role("button", name="Ghi đề xuất").click()
        expect(row.locator(".proposal-level")).to_have_text("HTTNV")
    expect(meter.locator(".quota-count")).to_have_text("HTXSNV 1 / tối đa 1")
    expect(meter.locator(".quota-status")).to_have_text("Trong tỷ lệ")
    assert page.url == url_before
    page.screenshot(path=artifacts_dir / "compilation-within-quota.png", full_page=True)

    # Above the cap: 82 points cannot be HTXSNV; the row says why and keeps the reason typed.
    row = page.locator(f"#proposal-row-{others[0].pk}")
    row.locator(".proposal-open").click()
    row.locator("select[name=proposal]").select_option("htxsnv")
    row.locator("input[name=reason]").fill("Thành tích đột xuất")
    row.get_by_role("button", name="Ghi đề xuất").click()
    expect(row.locator(".proposal-error")).to_contain_text("Tổng điểm 82")
    expect(row.locator("input[name=reason]")).to_have_value("Thành tích đột xuất")
    assert Evaluation.objects.get(pk=others[0].pk).proposed_level == "httnv"
    assert_clean(log)


def test_the_table_reads_on_a_phone(live_server, cast, open_page, artifacts_dir):
    submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("85"))
    page, log = open_page(**PHONE)
    log_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/evaluations/cycle/{cast.cycle.pk}/compilation/")
    expect(page.get_by_role("heading", name="Tổng hợp, đề xuất xếp loại chất lượng")).to_be_visible()
    expect(page.locator("select[name=proposal]")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "compilation-phone-chair.png", full_page=True)
    assert_clean(log)
