"""A whole cycle in a browser (issue #13): one person submits online, one on paper entered by Home Affairs with the
signed scan, one is not rated for not submitting; the chair decides and signs off; the objection window opens after
publication; an objection is filed and kept with its e-mail; the cycle closes only once the window has run its
course. Screenshots of each changed page on a laptop and a phone go to /tmp/cycle-shots/."""

from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from common.outbox import outbox_send
from cycles.models import Cycle, CycleStatus, PhaseKind
from cycles.services import phase_set
from reviews.models import Evaluation, EvaluationStatus, Notice, Objection
from tests.factories import OfficialFactory, enrol, submitted

from .conftest import LAPTOP, PHONE
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/cycle-shots")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shoot(browser_page, open_page, live_server, name, url, username):
    """The page on a laptop (already open) and on a phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=SHOTS / f"{name}-laptop.png", full_page=True)
    phone, log = open_page(**PHONE)
    log_in(phone, live_server, username)
    phone.goto(url)
    phone.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
    assert_clean(log)


def test_a_real_cycle_runs_through(live_server, cast, open_page, monkeypatch):
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)
    monkeypatch.setattr(
        "common.outbox._publish",
        lambda label, pk: label == "reviews.ObjectionAnswerEmail" and outbox_send(apps.get_model(label), pk),
    )
    cycle = cast.cycle
    base = live_server.url
    a = submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("86"))
    b = cast.official_b.enrolments.get().evaluation
    absent = enrol(cycle, OfficialFactory(full_name="Đỗ Văn Giang", user=None)).evaluation
    phase_set(
        cycle=cycle,
        kind=PhaseKind.OBJECTIONS,
        starts_on=timezone.localdate(),
        deadline=timezone.now() + timedelta(days=10),
    )

    # Home Affairs enters Bình's paper form with the signed scan.
    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "home_affairs")
    page.goto(f"{base}/evaluations/{b.pk}/")
    page.get_by_test_id("paper-entry-link").click()
    page.evaluate(
        """() => { for (const input of document.querySelectorAll('input[data-points]')) {
                 input.value = Math.floor(Number(input.max) * 0.8); }
               for (const area of document.querySelectorAll('textarea')) { area.value = 'Theo phiếu giấy.'; } }"""
    )
    page.get_by_label("Mức tự xếp loại ghi trên phiếu giấy").select_option("httnv")
    page.get_by_label("Bản scan phiếu giấy có chữ ký", exact=False).set_input_files(
        {"name": "phieu-binh.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shoot(page, open_page, live_server, "paper-entry", page.url, "home_affairs")
    page.get_by_role("button", name="Ghi phiếu giấy (tính là đã nộp)").click()
    expect(page.get_by_test_id("paper-marker")).to_be_visible()
    b.refresh_from_db()
    assert b.status == EvaluationStatus.SUBMITTED and b.entered_on_paper

    # Giang has no account and never submitted: not rated, with the reason and the article.
    page.goto(f"{base}/evaluations/{absent.pk}/exemption/")
    page.get_by_label("Trường hợp").select_option("not_submitted")
    page.get_by_label("Lý do").fill("Không nộp phiếu tự đánh giá dù đã được nhắc ba lần.")
    page.get_by_label("Căn cứ (điều, khoản)").fill("Nghị định 90/2020/NĐ-CP, Điều 2 khoản 3")
    shoot(page, open_page, live_server, "exemption", page.url, "home_affairs")
    page.get_by_role("button", name="Ghi không đánh giá, xếp loại").click()
    expect(page.get_by_test_id("exemption")).to_contain_text("Không nộp phiếu tự đánh giá")

    # The counts add up on the cycle page and the home page.
    page.goto(f"{base}/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("cohort-states").first).to_contain_text("Số người: 3")
    shoot(page, open_page, live_server, "cycle-before-sign-off", page.url, "home_affairs")
    page.goto(f"{base}/")
    shoot(page, open_page, live_server, "home-home-affairs", page.url, "home_affairs")
    page.goto(f"{base}/evaluations/cycle/{cycle.pk}/progress/")
    shoot(page, open_page, live_server, "progress-board", page.url, "home_affairs")
    assert_clean(log)

    # The chair decides the two who handed in a form and signs off: the one not rated needs no decision.
    chair, chair_log = open_page(**LAPTOP)
    log_in(chair, live_server, "chair")
    chair.goto(f"{base}/")
    shoot(chair, open_page, live_server, "home-chair-conference", chair.url, "chair")
    chair.goto(f"{base}/evaluations/cycle/{cycle.pk}/decisions/")
    for evaluation in (a, b):
        row = chair.locator(f"#decision-row-{evaluation.pk}")
        row.locator(".decision-open").click()  # issue #15: the row's form is loaded by its button
        row.locator("select[name=decision]").select_option("httnv")
        row.locator("textarea[name=comments]").fill("Hoàn thành tốt nhiệm vụ được giao.")
        row.get_by_role("button", name="Ghi quyết định").click()
        expect(row.get_by_role("link", name="Sửa quyết định")).to_be_visible()
    expect(chair.locator(f"#decision-row-{absent.pk}")).to_contain_text("Không đánh giá, xếp loại")
    shoot(chair, open_page, live_server, "decision-board", chair.url, "chair")
    chair.get_by_label("Tôi xác nhận phê duyệt toàn bộ kết quả", exact=False).check()
    chair.get_by_role("button", name="Phê duyệt kết quả").click()
    expect(chair.get_by_text("Đã phê duyệt kết quả")).to_be_visible()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.SIGNED_OFF
    assert Evaluation.objects.get(pk=absent.pk).status == EvaluationStatus.EXEMPT

    # The window opens after publication, on its date; closing is refused while it runs.
    page.goto(f"{base}/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("objection-window").first).to_contain_text("đang mở")
    expect(page.get_by_test_id("close-blockers")).to_contain_text("Thời hạn nhận kiến nghị chưa hết")
    shoot(page, open_page, live_server, "cycle-window-open", page.url, "home_affairs")

    # An objection is filed, and kept with its e-mail; the form is not offered again.
    person, person_log = open_page(**LAPTOP)
    log_in(person, live_server, "alice")
    shoot(person, open_page, live_server, "home-official-published", f"{base}/", "alice")
    person.goto(f"{base}/evaluations/{a.pk}/")
    expect(person.get_by_test_id("objection-window")).to_contain_text("đang mở")
    person.get_by_label("Nội dung kiến nghị", exact=False).fill(
        "Tôi đề nghị xem xét lại vì đã hoàn thành vượt 100% chỉ tiêu được giao trong năm."
    )
    person.get_by_role("button", name="Gửi kiến nghị").click()
    expect(person.get_by_text("Đã gửi kiến nghị")).to_be_visible()
    objection = Objection.objects.get()
    chair.goto(f"{base}/")
    shoot(chair, open_page, live_server, "home-chair-objections", chair.url, "chair")
    chair.goto(f"{base}/evaluations/objection/{objection.pk}/answer/")
    chair.get_by_label("Nội dung trả lời", exact=False).fill(
        "Giữ nguyên: kết quả đã căn cứ số liệu được xác nhận."
    )
    chair.get_by_role("button", name="Ghi trả lời").click()
    expect(chair.get_by_text("Đã trả lời kiến nghị", exact=False)).to_be_visible()
    objection.refresh_from_db()
    assert objection.answer_email.status == "sent"
    assert [m.to for m in mail.outbox] == [[cast.users["official_a"].email]]
    person.goto(f"{base}/evaluations/{a.pk}/")
    expect(person.get_by_text("đã được trả lời", exact=False)).to_be_visible()
    expect(person.get_by_role("button", name="Gửi kiến nghị")).to_have_count(0)
    shoot(person, open_page, live_server, "evaluation-objection-kept", person.url, "alice")

    # Home Affairs ends the window early; with the notices out, the cycle closes.
    Notice.objects.update(status="no_address")
    page.goto(f"{base}/cycles/{cycle.pk}/")
    page.get_by_test_id("objection-toggle").click()
    expect(page.get_by_test_id("objection-window").first).to_contain_text("đã kết thúc")
    page.get_by_role("button", name="Kết thúc kỳ đánh giá").click()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED
    shoot(page, open_page, live_server, "cycle-closed", page.url, "home_affairs")
    for each in (log, chair_log, person_log):
        assert_clean(each)
