"""The official's whole self-assessment in a real browser: a Decree 335 points form and a Decree 90 text form,
the live total, autosave, reload, submit, and Home Affairs returning it with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, CycleFactory, OfficialFactory, UserFactory, enrol, open_self_assessment

from .conftest import LAPTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", name="Xin chào", exact=False)).to_be_visible()


def assert_clean(log):
    assert log.csp_violations() == []
    assert log.page_errors == []


def test_points_form_total_autosave_reload_submit_and_return(live_server, cast, open_page, artifacts_dir):
    evaluation = cast.official_a.enrolments.get().evaluation
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    page.get_by_role("link", name="Bắt đầu tự đánh giá").click()

    total = page.get_by_test_id("points-total")
    points = page.locator("input[data-points]")
    expect(points).to_have_count(9)  # 3 general + 6 task items of a leader's Decree 335 form
    for index, value in enumerate(["9", "8.5", "7", "14", "13", "9", "13", "8", "4"]):
        points.nth(index).fill(value)
    expect(total).to_have_text("85,5")
    expect(page.get_by_test_id("points-level")).to_have_text("Hoàn thành tốt nhiệm vụ")
    page.get_by_label("Tự xếp loại chất lượng").select_option("htxsnv")
    expect(page.get_by_test_id("level-mismatch")).to_be_visible()
    page.get_by_label("Tự xếp loại chất lượng").select_option("httnv")
    expect(page.get_by_test_id("level-mismatch")).to_be_hidden()
    page.get_by_label("Ưu điểm").fill("Chủ động, đúng hạn.")
    page.get_by_label("Hạn chế, khuyết điểm").fill("Báo cáo quý đôi khi chậm.")
    for textarea in page.locator("textarea[name^=text__]").all():
        if not textarea.input_value():
            textarea.fill("Có sản phẩm cụ thể.")
    # Autosave after a pause in typing.
    expect(page.get_by_test_id("save-status")).to_contain_text("Đã lưu lúc", timeout=15_000)
    page.screenshot(path=artifacts_dir / "self-assessment-335-laptop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts_dir / "self-assessment-335-phone.png", full_page=True)
    page.set_viewport_size(LAPTOP["viewport"])

    page.reload()
    expect(page.locator("input[data-points]").nth(1)).to_have_value("8.5")
    expect(total).to_have_text("85,5")
    expect(page.get_by_label("Ưu điểm")).to_have_value("Chủ động, đúng hạn.")

    page.get_by_role("link", name="Nộp phiếu…").click()
    expect(page.get_by_text("85,5 → Hoàn thành tốt nhiệm vụ")).to_be_visible()
    page.get_by_role("button", name="Xác nhận nộp phiếu").click()
    expect(page.get_by_test_id("evaluation-status")).to_have_text("Đã nộp")
    assert_clean(log)

    clerk_page, clerk_log = open_page(**LAPTOP)
    log_in(clerk_page, live_server, "home_affairs")
    clerk_page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/")
    expect(clerk_page.get_by_text("Chủ động, đúng hạn.")).to_be_visible()
    clerk_page.get_by_label("Lý do trả lại").fill("Bổ sung số liệu giải ngân quý IV.")
    clerk_page.get_by_role("button", name="Trả lại để chỉnh sửa").click()
    expect(clerk_page.get_by_test_id("evaluation-status")).to_have_text("Trả lại để chỉnh sửa")
    assert_clean(clerk_log)

    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/self-assessment/")
    expect(page.get_by_test_id("return-reason")).to_contain_text("Bổ sung số liệu giải ngân quý IV.")
    expect(page.get_by_label("Ưu điểm")).to_have_value("Chủ động, đúng hạn.")


def test_decree_90_text_form_on_a_phone(live_server, open_page, artifacts_dir):
    user = UserFactory(username="cuong", first_name="Cường")
    official = OfficialFactory(
        full_name="Lê Văn Cường", user=user, personnel_type="can_bo", title="Chủ tịch UBND huyện Ngọc Sơn"
    )
    cycle = CycleFactory(year=2025, framework="decree_90_48")
    open_self_assessment(cycle, deadline=timezone.now() + timedelta(days=3))
    evaluation = enrol(cycle, official).evaluation

    page, log = open_page(**PHONE)
    log_in(page, live_server, "cuong")
    page.goto(f"{live_server.url}/evaluations/{evaluation.pk}/self-assessment/")
    expect(
        page.get_by_role("heading", name="PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ (Mẫu số 01) – Năm 2025")
    ).to_be_visible()
    expect(page.locator("input[data-points]")).to_have_count(0)
    labels = [
        "Chính trị tư tưởng",
        "Đạo đức, lối sống",
        "Tác phong, lề lối làm việc",
        "Ý thức tổ chức kỷ luật",
        "Kết quả thực hiện chức trách, nhiệm vụ được giao",
        "Năng lực lãnh đạo, quản lý",
        "Năng lực tập hợp, đoàn kết",
        "Ưu điểm",
        "Khuyết điểm",
    ]
    for label in labels:
        page.get_by_label(label, exact=True).fill(f"Nội dung: {label}")
    page.get_by_label(
        "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách"
    ).fill("Đạt 95% chỉ tiêu")
    page.get_by_label("Tự xếp loại chất lượng").select_option("httnv")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu lúc")).to_be_visible()
    page.screenshot(path=artifacts_dir / "self-assessment-90-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size(LAPTOP["viewport"])
    page.screenshot(path=artifacts_dir / "self-assessment-90-laptop.png", full_page=True)
    page.get_by_role("link", name="Nộp phiếu…").click()
    page.get_by_role("button", name="Xác nhận nộp phiếu").click()
    expect(page.get_by_test_id("evaluation-status")).to_have_text("Đã nộp")
    assert_clean(log)


def test_nothing_typed_is_lost_when_the_session_expires(live_server, cast, open_page):
    evaluation = cast.official_a.enrolments.get().evaluation
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "alice")
    form_url = f"{live_server.url}/evaluations/{evaluation.pk}/self-assessment/"
    page.goto(form_url)
    # The session ends (idle timeout, or logged out in another tab) while the person is typing.
    page.context.clear_cookies(name="sessionid")
    page.get_by_label("Ưu điểm").fill("Đoạn văn dài gõ mất nửa giờ.")
    expect(page.get_by_test_id("save-status")).to_contain_text("Phiên đăng nhập đã hết hạn", timeout=15_000)
    expect(page.get_by_label("Ưu điểm")).to_have_value("Đoạn văn dài gõ mất nửa giờ.")

    log_in(page, live_server, "alice")
    page.goto(form_url)
    expect(page.get_by_label("Ưu điểm")).to_have_value("")
    page.get_by_role("button", name="Khôi phục").click()
    expect(page.get_by_label("Ưu điểm")).to_have_value("Đoạn văn dài gõ mất nửa giờ.")
    expect(page.get_by_test_id("save-status")).to_contain_text("Đã lưu lúc", timeout=15_000)
    evaluation.refresh_from_db()
    assert evaluation.answers["strengths"]["text"] == "Đoạn văn dài gõ mất nửa giờ."
    assert log.page_errors == []
