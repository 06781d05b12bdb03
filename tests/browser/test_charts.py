"""Issue #13 items 5 and 6 in a real browser: the charts drawn on the compilation table, the decision board, the
progress board, the cycle page and the evaluation page (CSP-clean, on a laptop and a phone, screenshots saved), and
the chair accepting a whole peer group's proposals in one action."""

import os
from decimal import Decimal as D
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cycles.models import AgencyRating
from reviews import services
from reviews.models import Evaluation, EvaluationStatus
from tests.factories import CycleFactory, OfficialFactory, PeerGroupFactory, enrol, submitted

from .conftest import LAPTOP, PHONE
from .test_self_assessment import assert_clean, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PORTAL_SHOTS_DIR", "")) if os.environ.get("PORTAL_SHOTS_DIR") else None


def _cohort(cast):
    """Two groups of the 2026 cycle with proposals, and the same people published in 2024 and 2025."""
    vice_chairs = PeerGroupFactory(code="vice_chairs", name="Phó Chủ tịch UBND tỉnh", sort_order=1)
    people = [cast.official_a, cast.official_b]
    for index in range(5):
        official = OfficialFactory(full_name=f"Giám Đốc Số {index + 1}")
        enrol(cast.cycle, official)
        people.append(official)
    for index in range(2):
        official = OfficialFactory(
            full_name=f"Phó Chủ Tịch {index + 1}", peer_group=vice_chairs, title="Phó Chủ tịch"
        )
        enrol(cast.cycle, official)
        people.append(official)
    for official in people:
        AgencyRating.objects.get_or_create(
            cycle=cast.cycle, organisation=official.organisation, defaults={"level": "htxsnv"}
        )
    history = {2024: ["httnv", "htxsnv", "httnv", "htnv", "httnv", "httnv", "khtnv", "httnv", "htxsnv"]}
    history[2025] = ["htxsnv", "httnv", "httnv", "httnv", "htnv", "httnv", "htnv", "httnv", "httnv"]
    for year, levels in history.items():
        past = CycleFactory(year=year, authority=cast.cycle.authority)
        for official, level in zip(people, levels, strict=True):
            enrol(past, official)
            Evaluation.objects.filter(enrolment__cycle=past, enrolment__official=official).update(
                status=EvaluationStatus.PUBLISHED, final_level=level, submitted_at=past.created_at
            )
        past.status = "closed"
        past.save(update_fields=["status"])
    proposals = ["httnv", "htnv", "httnv", "httnv", "htxsnv", "httnv", None, "httnv", "httnv"]
    for official, level in zip(people, proposals, strict=True):
        evaluation = submitted(
            official.enrolments.get(cycle=cast.cycle).evaluation,
            self_level="httnv",
            points=D("95") if level == "htxsnv" else D("86"),
        )
        if level:
            services.proposal_set(
                evaluation=evaluation,
                level=level,
                reason="" if level == "httnv" else "Theo kết quả thực hiện nhiệm vụ",
                comments=f"Dự thảo nhận xét cho {official.full_name}: hoàn thành tốt các chỉ tiêu.",
                by=cast.users["home_affairs"],
            )
    return people


def _shoot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_the_charts_and_the_group_decisions(live_server, cast, open_page, artifacts_dir):
    people = _cohort(cast)
    cycle = cast.cycle
    pages = {
        "compilation": ("home_affairs", f"/evaluations/cycle/{cycle.pk}/compilation/", "level-chart"),
        "progress": ("home_affairs", f"/evaluations/cycle/{cycle.pk}/progress/", "progress-chart"),
        "cycle": (
            "home_affairs",
            f"/cycles/{cycle.pk}/",
            f"group-history-{cast.official_a.peer_group_id}",
        ),
        "evaluation": (
            "home_affairs",
            f"/evaluations/{people[0].enrolments.get(cycle=cycle).evaluation.pk}/",
            "history-chart",
        ),
    }
    # Issue #13 item 7: the audit history in words, looked at on the same devices.
    pages["history"] = (
        "home_affairs",
        f"/audit/evaluation/{people[0].enrolments.get(cycle=cycle).evaluation.pk}/",
        "history",
    )
    for device, options in (("laptop", LAPTOP), ("phone", PHONE)):
        for name, (user, path, testid) in pages.items():
            page, log = open_page(**options)
            log_in(page, live_server, user)
            page.goto(live_server.url + path)
            expect(page.get_by_test_id(testid)).to_be_visible()
            _shoot(page, f"{name}-{device}")
            assert_clean(log)

    page, log = open_page(**LAPTOP)
    log_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/evaluations/cycle/{cycle.pk}/decisions/")
    expect(page.get_by_test_id("quota-chart")).to_be_visible()
    _shoot(page, "decisions-before-laptop")
    page.get_by_role("button", name="Nhận đề xuất cho 6 người – Giám đốc sở và tương đương").click()
    expect(page.locator(".alert-success")).to_contain_text("đã ghi 5 quyết định theo đề xuất")
    expect(page.locator(".alert-danger")).to_contain_text(
        "Giám Đốc Số 3 – nhận cả nhóm thì vượt tỷ lệ HTXSNV"
    )
    _shoot(page, "decisions-after-laptop")
    assert_clean(log)
    page, log = open_page(**PHONE)
    log_in(page, live_server, "chair")
    page.goto(f"{live_server.url}/evaluations/cycle/{cycle.pk}/decisions/")
    expect(page.get_by_test_id("level-chart")).to_be_visible()
    _shoot(page, "decisions-phone")
    assert_clean(log)
