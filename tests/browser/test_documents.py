"""Printing one's own form in a real browser with a real worker: the progress bar fills by htmx polling and
turns into the download, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from tests.documents.conftest import fill
from tests.factories import PASSWORD

from .conftest import LAPTOP

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_print_own_form_progress_bar_reaches_the_download(
    live_server, cast, open_page, start_worker, artifacts_dir
):
    evaluation = fill(cast.official_a.enrolments.get().evaluation)
    start_worker()
    page, log = open_page(**LAPTOP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    page.get_by_role("button", name="In phiếu (PDF)").click()

    expect(page.get_by_role("heading", name="Phiếu đánh giá, xếp loại chất lượng")).to_be_visible()
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_be_visible()
    # htmx polls every second until the worker is done; then the bar becomes the download button.
    expect(progress).to_have_attribute("data-status", "done", timeout=60_000)
    download_link = page.get_by_test_id("download")
    expect(download_link).to_be_visible()
    page.screenshot(path=artifacts_dir / "document-job-done.png", full_page=True)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "phieu-danh-gia-2026-nguyen-thi-an.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert log.csp_violations() == [] and log.page_errors == []
