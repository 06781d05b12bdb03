"""Issue #17 in a real browser: the public verification page says whose paper an uploaded PDF is, unchanged, and who
signed it (laptop and phone), and a tampered copy is refused; the records clerk's signing button, with no USB token
plugin on the computer, says so in Vietnamese and opens the download/upload fallback — all under the strict CSP."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from signing.models import SignatureRole, SigningMethod
from signing.selectors import version_bytes
from signing.services import organisation_sign_on_server, signed_pdf_receive
from tests.factories import PASSWORD
from tests.signing import conftest as signing_fixtures
from tests.signing.conftest import CHAIR_NAME, token_signed

from .conftest import LAPTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The signing tests' CA, keys, issued notice and settings, shared as fixtures.
ca = signing_fixtures.ca
keys = signing_fixtures.keys
compiled = signing_fixtures.compiled
home_affairs_org = signing_fixtures.home_affairs_org
notice = signing_fixtures.notice
registered = signing_fixtures.registered
seal = signing_fixtures.seal
server_key = signing_fixtures.server_key
trusted = signing_fixtures.trusted


def _in_thread(function, *args, **kwargs):
    """pyHanko's synchronous calls run their own asyncio loop, which Playwright's loop in this thread forbids."""
    from django.db import connection

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _approved(cast, notice, keys, ca):
    data = _in_thread(token_signed, version_bytes(notice, 0), keys["chair"], ca)
    _in_thread(
        signed_pdf_receive,
        document=notice,
        role=SignatureRole.APPROVAL,
        data=data,
        by=cast.users["chair"],
        method=SigningMethod.PLUGIN,
    )


def test_the_public_page_verifies_a_signed_notice_and_refuses_a_tampered_one(
    live_server, cast, notice, keys, ca, trusted, registered, server_key, open_page, artifacts_dir, tmp_path
):
    _approved(cast, notice, keys, ca)
    _in_thread(organisation_sign_on_server, document=notice, by=cast.users["office_staff"])
    signed = tmp_path / "thong-bao-da-ky.pdf"
    signed.write_bytes(version_bytes(notice, 2))
    tampered_bytes = bytearray(signed.read_bytes())
    tampered_bytes[len(version_bytes(notice, 0)) // 2] ^= 0x01  # a byte of the issued paper itself
    tampered = tmp_path / "thong-bao-bi-sua.pdf"
    tampered.write_bytes(bytes(tampered_bytes))

    for name, options in (("laptop", LAPTOP), ("phone", PHONE)):
        page, log = open_page(**options)
        page.goto(f"{live_server.url}/xac-minh/")
        page.get_by_label("Tệp PDF cần xác minh").set_input_files(signed)
        page.get_by_role("button", name="Xác minh", exact=True).click()
        verdict = page.get_by_test_id("verdict")
        expect(verdict).to_contain_text("Đây là văn bản do Cổng ban hành")
        expect(page.get_by_test_id("verify-result")).to_contain_text(CHAIR_NAME)
        expect(page.get_by_test_id("verify-result")).to_contain_text("UBND tỉnh Thử")
        page.screenshot(path=artifacts_dir / f"signing-verify-{name}.png", full_page=True)
        assert log.csp_violations() == [] and log.page_errors == []

    page.get_by_label("Tệp PDF cần xác minh").set_input_files(tampered)
    page.get_by_role("button", name="Xác minh", exact=True).click()
    expect(page.get_by_test_id("verdict")).to_contain_text("Không phải văn bản do Cổng ban hành")
    page.screenshot(path=artifacts_dir / "signing-verify-tampered.png", full_page=True)


def test_without_the_plugin_the_clerk_is_told_so_and_gets_the_fallback(
    live_server, cast, notice, keys, ca, trusted, registered, open_page, artifacts_dir
):
    _approved(cast, notice, keys, ca)
    page, log = open_page(**LAPTOP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("office_staff")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.goto(f"{live_server.url}/ky-so/van-ban/{notice.pk}/")
    expect(page.get_by_test_id("signature-state")).to_have_text("Hợp lệ")
    page.get_by_role("button", name="Ký số của cơ quan bằng USB token").click()
    expect(page.get_by_role("status")).to_contain_text("Không tìm thấy phần mềm ký số")
    expect(page.get_by_label("Tệp PDF đã ký số")).to_be_visible()
    page.screenshot(path=artifacts_dir / "signing-document-no-plugin.png", full_page=True)
    assert log.csp_violations() == [] and log.page_errors == []


def test_home_affairs_registers_the_chairs_certificate_from_its_page(
    live_server, cast, keys, open_page, artifacts_dir, tmp_path
):
    certificate = tmp_path / "chu-tich.cer"
    certificate.write_bytes(keys["chair"].der)
    for name, options in (("laptop", LAPTOP), ("phone", PHONE)):
        page, log = open_page(**options)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Tên đăng nhập").fill("home_affairs")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.get_by_test_id("certificates-link").click()
        if name == "laptop":
            page.locator("#id_holder").select_option("person")
            page.get_by_label("Người dùng (chứng thư cá nhân)").select_option(label="chair")
            page.get_by_label("Họ tên hoặc tên cơ quan như in trên văn bản").fill(CHAIR_NAME)
            page.get_by_label("Tệp chứng thư số (.cer, .crt, .pem)").set_input_files(certificate)
            page.get_by_role("button", name="Đăng ký chứng thư số").click()
            expect(page.get_by_role("alert")).to_contain_text("Đã đăng ký chứng thư số.")
        expect(page.get_by_test_id("certificates")).to_contain_text(CHAIR_NAME)
        page.screenshot(path=artifacts_dir / f"signing-certificates-{name}.png", full_page=True)
        assert log.csp_violations() == [] and log.page_errors == []
