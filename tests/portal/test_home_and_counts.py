"""Every page counts the cohort with one selector and the counts add up (issue #13 item 3); each role's home
follows the cycle's phase with the right next action (item 4)."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles import services as cycle_services
from cycles.models import Cycle, CycleStatus, Phase, PhaseKind
from reviews import services
from reviews.selectors import cohort_states

from ..factories import OfficialFactory, enrol, submitted
from ..reviews.test_real_cycle import decide, enter_on_paper, evaluation_of, exempt, sign_off

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_mail_queue(monkeypatch):
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)


def body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def badge_counts(html):
    """Every cohort-states block on a page: (total, [counts of the states shown])."""
    blocks = re.findall(r'data-testid="cohort-states" data-total="(\d+)">(.*?)</div>', html, re.S)
    return [
        (
            int(total),
            [
                int(n)
                for state, n in re.findall(r'data-state="(\w+)">[^<]*<span class="state-count">(\d+)', inner)
                if state != "total"
            ],
        )
        for total, inner in blocks
    ]


def table_rows(html):
    """The per-group table: each row's "Số người" and its cells."""
    table = re.search(r'data-testid="cohort-states-table">(.*?)</table>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr[^>]*data-(?:group|sum)-row>(.*?)</tr>", table, re.S):
        total = int(re.search(r"<td[^>]*data-total>(\d+)</td>", row).group(1))
        cells = [int(n) for n in re.findall(r"<td[^>]*data-cell>(\d+)</td>", row)]
        rows.append((total, cells))
    return rows


def mixed_cohort(cast):
    """Five people in five different states, two more in a second group."""
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    services.proposal_set(evaluation=a, level="httnv", reason="Đạt", by=cast.users["home_affairs"])
    enter_on_paper(cast, evaluation_of(cast.official_b))
    for name in ("Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"):
        enrol(cast.cycle, OfficialFactory(full_name=name))
    people = list(cast.cycle.enrolments.order_by("pk"))
    exempt(cast, people[2].evaluation)
    submitted(people[3].evaluation, points=D("75"))
    return people


def test_every_count_on_home_board_cycle_and_decision_pages_adds_up_to_the_cohort(cast, login):
    mixed_cohort(cast)
    states = cohort_states(cast.cycle)
    assert states.total == 5 and sum(states.by_state.values()) == 5
    assert states.by_state == {"proposed": 1, "paper": 1, "exempt": 1, "submitted": 1, "not_started": 1}
    ha, chair = login(cast.users["home_affairs"]), None
    pk = cast.cycle.pk
    pages = {
        "home": body(ha, reverse("home")),
        "board": body(ha, reverse("reviews:progress_board", args=[pk])),
        "cycle": body(ha, reverse("portal:cycle_detail", args=[pk])),
    }
    chair = login(cast.users["chair"])
    pages["decisions"] = body(chair, reverse("reviews:decision_board", args=[pk]))
    for name, html in pages.items():
        blocks = badge_counts(html)
        assert blocks, name
        for total, counts in blocks:
            assert total == 5 and sum(counts) == 5, name
    for total, cells in table_rows(pages["cycle"]):
        assert sum(cells) == total
    assert table_rows(pages["cycle"])[-1][0] == 5
    # The quota meters of the decisions say what is pending: decisions, not proposals.
    assert "Chưa quyết định" in pages["decisions"] and "Chưa đề xuất:" not in pages["decisions"]


def test_the_count_is_one_query_whatever_the_cohort(cast, django_assert_num_queries):
    mixed_cohort(cast)
    with django_assert_num_queries(1):
        cohort_states(cast.cycle)


def test_a_closed_cycle_shows_its_phases_closed_and_no_table_of_zeros(cast, login):
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    decide(cast, a)
    decide(cast, b)
    sign_off(cast)
    Cycle.objects.filter(pk=cast.cycle.pk).update(status=CycleStatus.CLOSED)
    html = body(login(cast.users["home_affairs"]), reverse("portal:cycle_detail", args=[cast.cycle.pk]))
    phases = re.search(r'data-testid="phases">(.*?)</table>', html, re.S).group(1)
    assert "đang mở" not in phases and "đã kết thúc" in phases
    assert table_rows(html) == [(2, [2]), (2, [2])]


# --- Each role's home in each phase ---


def actions(html):
    return re.findall(r'data-testid="next-action">([^<]+)</a>', html)


def set_phase_open(cycle, kind):
    Phase.objects.filter(cycle=cycle).update(is_open=False)
    cycle_services.phase_set(
        cycle=cycle,
        kind=kind,
        starts_on=timezone.localdate() - timedelta(days=1),
        deadline=timezone.now() + timedelta(days=5),
        is_open=True,
    )


def test_each_roles_home_follows_the_phase(cast, login):
    cycle = cast.cycle
    home = reverse("home")
    # Self-assessment: the official fills the form; Home Affairs follows the progress; the chair reads.
    assert actions(body(login(cast.users["official_a"]), home)) == ["Mở phiếu đánh giá"]
    ha_home = body(login(cast.users["home_affairs"]), home)
    assert "Bảng tiến độ tự đánh giá" in actions(ha_home)
    assert "2 người chưa nộp phiếu" in ha_home
    assert "Tự đánh giá" in ha_home
    # Conference: the chair's home links to the decisions with the count still to decide.
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    b = submitted(evaluation_of(cast.official_b), points=D("80"))
    set_phase_open(cycle, PhaseKind.CONFERENCE)
    chair_home = body(login(cast.users["chair"]), home)
    assert actions(chair_home)[0] == "Quyết định xếp loại"
    assert "2 người chưa có quyết định" in chair_home
    assert "Hội nghị đánh giá, xếp loại" in chair_home
    assert actions(body(login(cast.users["home_affairs"]), home))[0] == "Hội nghị đánh giá, xếp loại"
    assert actions(body(login(cast.users["official_a"]), home)) == ["Xem phiếu đánh giá"]
    assert actions(body(login(cast.users["office_staff"]), home)) == ["Văn bản in"]
    # After the sign-off: the official reads the result and the window; the chair prints and publishes; office
    # staff print; Home Affairs opens the objection window.
    decide(cast, a)
    decide(cast, b)
    sign_off(cast)
    official_home = body(login(cast.users["official_a"]), home)
    assert actions(official_home) == ["Xem kết quả xếp loại"]
    assert 'data-testid="my-result"' in official_home and "Hoàn thành tốt nhiệm vụ" in official_home
    assert "Thời gian nhận kiến nghị" in official_home
    assert actions(body(login(cast.users["chair"]), home))[0] == "In, công bố kết quả"
    assert actions(body(login(cast.users["office_staff"]), home)) == ["In văn bản"]
    assert actions(body(login(cast.users["home_affairs"]), home)) == ["Mở thời gian nhận kiến nghị"]
    cycle_services.phase_set(
        cycle=cycle,
        kind=PhaseKind.OBJECTIONS,
        starts_on=timezone.localdate(),
        deadline=timezone.now() + timedelta(days=7),
    )
    assert actions(body(login(cast.users["home_affairs"]), home)) == ["Theo dõi kiến nghị"]
    a.refresh_from_db()
    services.objection_file(
        evaluation=a,
        text="Tôi đề nghị xem xét lại vì đã hoàn thành vượt chỉ tiêu được giao.",
        by=cast.users["official_a"],
    )
    chair_home = body(login(cast.users["chair"]), home)
    assert actions(chair_home)[0] == "Trả lời kiến nghị" and "1 kiến nghị chờ trả lời" in chair_home
    assert 'data-testid="published-results"' in chair_home
