"""The conference in a real browser: Home Affairs, as the secretary, types a note about the first person and
presses the next-person shortcut; the note is saved, the second person shows, and the chair's screen in a
second browser follows within seconds. Screenshots at a 1366×768 laptop size."""

from datetime import date, time
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from conference import services
from conference.models import Conference, ConferenceNote
from reviews.models import CommentMeeting, Evaluation, PartyOpinion
from tests.factories import OfficialFactory, enrol, submitted

from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP_768 = {"viewport": {"width": 1366, "height": 768}}


def _prepare(cast):
    cycle = cast.cycle
    home_affairs = cast.users["home_affairs"]
    a = submitted(cast.official_a.enrolments.get().evaluation, self_level="htxsnv", points=D("95"))
    b = submitted(cast.official_b.enrolments.get().evaluation, self_level="httnv", points=D("86.5"))
    # After the two of the cast in the agenda (who keep agenda order 0).
    for order, name in enumerate(("Lê Văn Cảnh", "Phạm Thị Dung", "Hoàng Văn Giang"), start=1):
        # Deputies: rated without waiting for their agencies (Decree 233 Art. 15(1)(a) is for heads).
        enrolment = enrol(cycle, OfficialFactory(full_name=name, title="Phó Giám đốc"), agenda_order=order)
        submitted(enrolment.evaluation, self_level="httnv", points=D("80"))
    Evaluation.objects.filter(pk=a.pk).update(
        proposed_level="htxsnv", proposal_reason="Hoàn thành vượt mức 60% chỉ tiêu được giao."
    )
    Evaluation.objects.filter(pk=b.pk).update(proposed_level="httnv")
    for evaluation, level in ((a, "htxsnv"), (b, "httnv")):
        CommentMeeting.objects.create(
            evaluation=evaluation,
            held_on=date(2026, 11, 10),
            place="Phòng họp tầng 2",
            chaired_by="Phó Giám đốc",
            minutes_by="Chánh Văn phòng",
            invited_count=15,
            attended_count=14,
            conclusion="Tập thể thống nhất đề nghị mức đã nêu; không có ý kiến khác.",
            meeting_level=level,
            minutes_adopted=True,
        )
        PartyOpinion.objects.create(
            evaluation=evaluation, body="Đảng ủy Sở", given_on=date(2026, 11, 12), text="Đồng ý với đề nghị."
        )
    conference = services.conference_set(
        cycle=cycle,
        held_on=date(2026, 12, 10),
        starts_at=time(8, 0),
        venue="Hội trường UBND tỉnh",
        chaired_by_name=cycle.chair_name,
        chaired_by_title="Chủ tịch UBND tỉnh",
        secretary_name="Lê Thư Ký",
        secretary_title="Phó Giám đốc Sở Nội vụ",
        agenda="1. Khai mạc\n2. Sở Nội vụ trình bày báo cáo\n3. Thảo luận từng người\n4. Kết luận",
        by=home_affairs,
    )
    services.conference_guest_add(
        conference=conference, name="Đại diện Ban Tổ chức Tỉnh ủy", position="Phó Trưởng ban", by=home_affairs
    )
    services.conference_guest_add(
        conference=conference, name="Đại diện Ủy ban MTTQ Việt Nam tỉnh", by=home_affairs
    )
    return a, b


def test_the_secretary_moves_on_by_keyboard_and_the_chair_follows(
    live_server, cast, open_page, artifacts_dir
):
    a, b = _prepare(cast)
    base = f"{live_server.url}/cycles/{cast.cycle.pk}/conference"

    chair, chair_log = open_page(**LAPTOP_768)
    log_in(chair, live_server, "chair")
    chair.goto(f"{base}/follow/")
    expect(chair.get_by_test_id("conference-person-empty")).to_be_visible()

    page, log = open_page(**LAPTOP_768)
    log_in(page, live_server, "home_affairs")
    page.goto(f"{base}/")
    page.screenshot(path=artifacts_dir / "conference-edit.png", full_page=True)
    page.get_by_role("link", name="Mở chế độ hội nghị (thư ký)").click()
    expect(page.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An")
    expect(page.get_by_test_id("agenda-position")).to_contain_text("1/5 – Giám đốc sở và tương đương")
    expect(page.get_by_test_id("shortcuts")).to_contain_text("PageDown")
    page.get_by_role("button", name="Đưa người này lên màn hình Chủ tịch").click()
    expect(chair.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An", timeout=8_000)

    notes = page.get_by_test_id("note-text")
    expect(notes).to_be_focused()
    notes.fill("Đồng chí An trình bày tóm tắt. Đại biểu Ban Tổ chức: nhất trí mức HTXSNV.")
    page.screenshot(path=artifacts_dir / "conference-mode.png")
    notes.press("Alt+ArrowRight")

    expect(page.get_by_test_id("person-name")).to_have_text("Trần Văn Bình")
    expect(page.get_by_test_id("agenda-position")).to_contain_text("2/5")
    assert ConferenceNote.objects.get(evaluation=a).text.startswith("Đồng chí An trình bày")
    assert Conference.objects.get().current_evaluation_id == b.pk
    # The chair's screen polls every 3 seconds.
    expect(chair.get_by_test_id("person-name")).to_have_text("Trần Văn Bình", timeout=8_000)
    chair.screenshot(path=artifacts_dir / "conference-follow.png")

    # Autosave on the second person, then back with PageUp: the first person's note is still there.
    page.get_by_test_id("note-text").fill("Không có ý kiến khác.")
    expect(page.get_by_test_id("note-save-status")).to_contain_text("Đã lưu lúc", timeout=8_000)
    assert ConferenceNote.objects.get(evaluation=b).text == "Không có ý kiến khác."
    page.screenshot(path=artifacts_dir / "conference-mode-saved.png")
    page.get_by_test_id("note-text").press("PageUp")
    expect(page.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An")
    expect(page.get_by_test_id("note-text")).to_have_value(
        "Đồng chí An trình bày tóm tắt. Đại biểu Ban Tổ chức: nhất trí mức HTXSNV."
    )
    expect(chair.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An", timeout=8_000)

    assert_clean(log)
    assert_clean(chair_log)


def test_the_first_shortcut_after_load_moves_and_a_later_click_skips_nobody(
    live_server, cast, open_page, artifacts_dir
):
    """Issue #13 item 7: right after the page loads, Alt+→ moves on, a move is posted once (no autosave racing
    it), and the buttons afterwards move one person at a time."""
    _prepare(cast)
    base = f"{live_server.url}/cycles/{cast.cycle.pk}/conference"
    page, log = open_page(**LAPTOP_768)
    log_in(page, live_server, "home_affairs")
    page.goto(f"{base}/")
    page.get_by_role("link", name="Mở chế độ hội nghị (thư ký)").click()
    expect(page.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An")
    page.keyboard.press("Alt+ArrowRight")
    expect(page.get_by_test_id("agenda-position")).to_contain_text("2/5")
    expect(page.get_by_test_id("person-name")).to_have_text("Trần Văn Bình")
    # Typed, then moved just before the 2-second autosave fires: the move's own save is the only post (the
    # autosave used to follow it with the old version), and a click afterwards moves exactly one person on.
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.post_data or ""))
    page.get_by_test_id("note-text").type("Nhất trí.")
    page.wait_for_timeout(1_900)
    page.keyboard.press("Alt+ArrowRight")
    expect(page.get_by_test_id("agenda-position")).to_contain_text("3/5")
    page.wait_for_timeout(1_000)
    assert len(posts) == 1 and "autosave" not in posts[0], posts
    page.get_by_role("button", name="Người sau").click()
    expect(page.get_by_test_id("agenda-position")).to_contain_text("4/5")
    page.get_by_role("button", name="Người trước").click()
    expect(page.get_by_test_id("agenda-position")).to_contain_text("3/5")
    assert_clean(log)
