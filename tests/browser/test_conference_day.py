"""The whole day in real browsers (issue #5): the secretary takes notes in conference mode, the chair decides on the
batch screen and signs off, and the official logs in and reads their result and the authority's comments."""

import pytest
from playwright.sync_api import expect

from audit.models import Action, AuditEvent
from conference.models import ConferenceNote
from cycles.models import CycleStatus
from reviews.models import Decision, Notice

from .conftest import LAPTOP, PHONE
from .test_conference import LAPTOP_768, _prepare
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_conference_decisions_sign_off_and_the_official_reads_the_result(
    live_server, cast, open_page, artifacts_dir
):
    a, b = _prepare(cast)
    cycle = cast.cycle

    # 1. The secretary (Home Affairs) notes the discussion of the first person and moves on by keyboard.
    secretary, secretary_log = open_page(**LAPTOP_768)
    log_in(secretary, live_server, "home_affairs")
    secretary.goto(f"{live_server.url}/cycles/{cycle.pk}/conference/")
    secretary.get_by_role("link", name="Mở chế độ hội nghị (thư ký)").click()
    expect(secretary.get_by_test_id("person-name")).to_have_text("Nguyễn Thị An")
    secretary.get_by_test_id("note-text").fill("Ban Tổ chức Tỉnh ủy nhất trí đề xuất của Sở Nội vụ.")
    secretary.get_by_test_id("note-text").press("Alt+ArrowRight")
    expect(secretary.get_by_test_id("person-name")).to_have_text("Trần Văn Bình")
    assert ConferenceNote.objects.get(evaluation=a).text.startswith("Ban Tổ chức Tỉnh ủy")

    # 2. The chair decides everyone on the batch screen; the sign-off panel follows each decision.
    chair, chair_log = open_page(**LAPTOP)
    log_in(chair, live_server, "chair")
    chair.goto(f"{live_server.url}/evaluations/cycle/{cycle.pk}/decisions/")
    rows = chair.locator("tbody tr[id^=decision-row-]")
    expect(rows).to_have_count(5)
    # Nguyễn Thị An first: HTXSNV is over the quota until enough people are at HTTNV (20% × 5 = 1).
    for index in range(5):
        row = rows.nth(index)
        row.locator(".decision-open").click()  # issue #15: the row's form is loaded by its button
        if row.get_attribute("id") != f"decision-row-{a.pk}":
            row.locator("select[name=decision]").select_option("httnv")
        else:
            expect(row.locator("select[name=decision]")).to_have_value("htxsnv")  # the proposal, preselected
        row.locator("textarea[name=comments]").fill(
            "Hoàn thành tốt nhiệm vụ trọng tâm; cần phát huy hơn nữa."
        )
        row.get_by_role("button", name="Ghi quyết định").click()
        expect(row.locator(".decision-open")).to_contain_text("Sửa quyết định")
    status = chair.locator("#sign-off-status")
    expect(status).to_contain_text("Chưa thể phê duyệt")
    expect(status).to_contain_text("vượt tỷ lệ")
    # Four at HTTNV allow 20% × 4 = 0,8 → 0 HTXSNV: the chair changes An's decision to HTTNV.
    first = chair.locator(f"#decision-row-{a.pk}")
    first.locator(".decision-open").click()
    first.locator("select[name=decision]").select_option("httnv")
    first.get_by_role("button", name="Sửa quyết định").click()
    expect(status).to_contain_text("Mọi người đã có quyết định")
    chair.screenshot(path=artifacts_dir / "day-decisions.png", full_page=True)
    chair.get_by_label("KT. CHỦ TỊCH – PHÓ CHỦ TỊCH").check()
    chair.get_by_label("Họ tên người ký").fill("Phó Chủ Tịch Hai")
    chair.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    chair.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(chair.get_by_text("Đã phê duyệt kết quả", exact=False).first).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SIGNED_OFF
    assert Decision.objects.filter(evaluation__enrolment__cycle=cycle, state="signed").count() == 5
    assert AuditEvent.objects.filter(action=Action.CYCLE_SIGNED_OFF, acting_as="vice_chair").exists()

    # 3. The official logs in on a phone and reads their result, the comments and who signed.
    official, official_log = open_page(**PHONE)
    log_in(official, live_server, "alice")
    expect(official.get_by_text("Kết quả", exact=False).first).to_be_visible()
    official.goto(f"{live_server.url}/evaluations/{a.pk}/")
    expect(official.get_by_test_id("result-level")).to_have_text("Hoàn thành tốt nhiệm vụ")
    expect(official.get_by_test_id("result-comments")).to_contain_text("Hoàn thành tốt nhiệm vụ trọng tâm")
    expect(official.get_by_test_id("result-signer")).to_contain_text("KT. CHỦ TỊCH")
    expect(official.get_by_test_id("result-signer")).to_contain_text("Phó Chủ Tịch Hai")
    official.screenshot(path=artifacts_dir / "day-official-result-phone.png", full_page=True)
    assert Notice.objects.filter(evaluation=a).count() == 1

    for log in (secretary_log, chair_log, official_log):
        assert_clean(log)
