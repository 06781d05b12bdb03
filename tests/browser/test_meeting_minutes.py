"""A unit secretary records their agency's comment meeting in a real browser: the vote tallies appear only
when a vote was held, "Thêm ý kiến" adds a row without losing what was typed, and the saved minutes show on
the person's page. Screenshots go to test-artifacts/."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cycles.models import PhaseKind
from reviews.models import CommentMeeting
from tests.factories import open_phase, submitted

from .conftest import LAPTOP, PHONE
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPINIONS = [
    ("Ông Phạm Văn Em", "Chủ tịch Công đoàn", "Đồng ý với báo cáo tự đánh giá."),
    ("Bà Lý Thị Hoa", "Trưởng phòng Tổ chức", "Đề nghị nêu rõ hạn chế về tiến độ giải ngân."),
    ("Ông Đỗ Minh Khôi", "Bí thư Chi đoàn", "Nhất trí mức Hoàn thành tốt nhiệm vụ."),
    ("Bà Vũ Thị Lan", "Phó Chánh Văn phòng", "Ý kiến thứ tư, thêm bằng nút Thêm ý kiến."),
]


def test_secretary_records_the_meeting_and_sees_the_summary(live_server, cast, open_page, artifacts_dir):
    open_phase(cast.cycle, PhaseKind.COMMENT_MEETING)
    evaluation = submitted(cast.official_b.enrolments.get().evaluation, points=Decimal("85.5"))
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "unit_secretary")

    page.get_by_test_id("meeting-list-link").click()
    table = page.get_by_test_id("meeting-table")
    expect(table).to_contain_text("Trần Văn Bình")
    expect(table).not_to_contain_text("Nguyễn Thị An")
    page.screenshot(path=artifacts_dir / "meeting-list-laptop.png", full_page=True)
    table.get_by_role("link", name="Ghi biên bản").click()

    expect(page.get_by_test_id("meeting-person")).to_contain_text("Trần Văn Bình")
    expect(page.get_by_test_id("points-total")).to_have_text("85,5")
    page.get_by_label("Ngày họp").fill("2026-11-10")
    page.get_by_label("Giờ bắt đầu").fill("08:00")
    page.get_by_label("Giờ kết thúc").fill("09:30")
    page.get_by_label("Địa điểm").fill("Phòng họp tầng 2, Sở Tư pháp")
    page.get_by_label("Chủ trì").fill("Phó Giám đốc Lê Văn Cường")
    page.get_by_label("Thư ký (người ghi biên bản)").fill("Chánh Văn phòng Hà Thị Dịu")
    page.get_by_label("Số người được triệu tập").fill("15")
    page.get_by_label("Số người có mặt").fill("14")
    page.get_by_label("Thành phần, họ tên người dự").fill(
        "Ban Giám đốc\nTrưởng các phòng\nCông đoàn, Đoàn Thanh niên"
    )
    page.get_by_label("Tóm tắt báo cáo").fill("Hoàn thành 100% chỉ tiêu; tự xếp loại HTTNV.")

    rows = page.locator("#opinion-rows .opinion-row")
    expect(rows).to_have_count(3)
    for index, (speaker, position, content) in enumerate(OPINIONS[:3]):
        page.locator(f"[name=opinions-{index}-speaker]").fill(speaker)
        page.locator(f"[name=opinions-{index}-position]").fill(position)
        page.locator(f"[name=opinions-{index}-content]").fill(content)
    page.get_by_role("button", name="Thêm ý kiến").click()
    expect(rows).to_have_count(4)
    expect(rows.nth(3)).to_contain_text("Ý kiến 4")
    speaker, position, content = OPINIONS[3]
    page.locator("[name=opinions-3-speaker]").fill(speaker)
    page.locator("[name=opinions-3-position]").fill(position)
    page.locator("[name=opinions-3-content]").fill(content)
    # What was typed in the first rows is still there.
    expect(page.locator("[name=opinions-0-speaker]")).to_have_value(OPINIONS[0][0])

    page.get_by_label("Kết luận của cuộc họp").fill("Tập thể thống nhất đề nghị mức Hoàn thành tốt nhiệm vụ.")
    page.get_by_label("Mức cuộc họp đề nghị").select_option("httnv")
    votes = page.locator("#meeting-votes")
    expect(votes).to_be_hidden()
    page.get_by_label("Có biểu quyết/bỏ phiếu").check()
    expect(votes).to_be_visible()
    page.get_by_label("Số phiếu HTXSNV").fill("2")
    page.get_by_label("Số phiếu HTTNV").fill("12")
    page.get_by_label("Số phiếu HTNV").fill("0")
    page.get_by_label("Số phiếu KHTNV").fill("0")
    page.locator("[name=minutes_adopted][value='1']").check()
    page.get_by_label("Bản scan biên bản có chữ ký").set_input_files(
        files=[{"name": "bien-ban-hop.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%signed\n"}]
    )
    page.screenshot(path=artifacts_dir / "meeting-form-laptop.png", full_page=True)
    page.set_viewport_size(PHONE["viewport"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    page.screenshot(path=artifacts_dir / "meeting-form-phone.png", full_page=True)
    page.set_viewport_size(LAPTOP["viewport"])

    page.get_by_role("button", name="Lưu biên bản").click()
    expect(page.get_by_text("Đã lưu biên bản họp nhận xét của Trần Văn Bình.")).to_be_visible()
    card = page.get_by_test_id("meeting-card")
    expect(card.get_by_test_id("meeting-attendance")).to_have_text("14/15")
    expect(card.get_by_test_id("meeting-votes")).to_contain_text("Hoàn thành tốt nhiệm vụ: 12")
    expect(card.get_by_test_id("meeting-adopted")).to_have_text("Có")
    expect(card.get_by_test_id("meeting-opinions").locator("li")).to_have_count(4)
    expect(card.get_by_test_id("meeting-scan")).to_have_text("bien-ban-hop.pdf")
    card.scroll_into_view_if_needed()
    card.screenshot(path=artifacts_dir / "meeting-card-laptop.png")
    page.screenshot(path=artifacts_dir / "meeting-evaluation-page-laptop.png", full_page=True)

    with page.expect_download() as download:
        card.get_by_test_id("meeting-scan").click()
    assert download.value.suggested_filename == "bien-ban-hop.pdf"

    meeting = CommentMeeting.objects.get(evaluation=evaluation)
    assert meeting.opinions.count() == 4 and meeting.votes_httnv == 12

    open_phase(cast.cycle, PhaseKind.PARTY_OPINION)
    card.get_by_role("link", name="Ghi ý kiến cấp ủy").click()
    page.get_by_label("Cấp ủy cho ý kiến").fill("Đảng ủy Sở Tư pháp")
    page.get_by_label("Ngày").fill("2026-11-12")
    page.get_by_label("Nội dung ý kiến").fill("Đồng chí giữ gìn phẩm chất, đạo đức; đồng ý mức HTTNV.")
    page.screenshot(path=artifacts_dir / "party-opinion-form-laptop.png", full_page=True)
    page.get_by_role("button", name="Lưu ý kiến cấp ủy").click()
    expect(page.get_by_test_id("party-opinion")).to_contain_text("Đảng ủy Sở Tư pháp")
    assert_clean(log)
