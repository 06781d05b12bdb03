"""The audit history pages (issue #5): per person and per cycle, readable by Home Affairs and the chair, each row
with who, acting as what, when (local time, UTC in the tooltip), the action, the target and what changed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ActingAs, Action, AuditEvent
from audit.selectors import changes_of
from audit.services import audit_record
from portal.views import PER_PAGE

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def evaluation_of(official):
    return official.enrolments.get().evaluation


def record(evaluation, n, *, actor=None, action=Action.PROPOSAL_SET):
    for i in range(n):
        audit_record(
            action=action,
            actor=actor or UserFactory(first_name=f"Người {i}"),
            acting_as=ActingAs.HOME_AFFAIRS,
            evaluation=evaluation,
            target=str(evaluation.enrolment),
            before={"level": "", "reason": "", "same": 1},
            after={"level": "httnv", "reason": f"Lý do {i}", "same": 1},
        )


def test_the_compact_diff_shows_only_the_changed_keys():
    changes = changes_of(
        {"level": "htnv", "same": 1, "gone": True}, {"level": "httnv", "same": 1, "new": [1]}
    )
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("level", "htnv", "httnv"),
        ("gone", "✓", "∅"),
        ("new", "∅", "[1]"),
    ]
    assert [(c.key, c.after) for c in changes_of(None, {"status": "open"})] == [("status", "open")]
    assert changes_of(None, None) == []
    assert changes_of({"a": "x" * 500}, {"a": "y"})[0].before.endswith("…")


def test_home_affairs_reads_a_persons_history_with_local_time_and_utc(cast, login):
    evaluation = evaluation_of(cast.official_a)
    event = AuditEvent.objects.create(
        at=datetime(2026, 12, 1, 2, 30, tzinfo=UTC),
        actor=cast.users["home_affairs"],
        actor_name="home_affairs",
        acting_as=ActingAs.HOME_AFFAIRS,
        action=Action.PROPOSAL_SET,
        cycle=cast.cycle,
        evaluation=evaluation,
        target="Nguyễn Thị An (2026)",
        before={"level": "", "reason": ""},
        after={"level": "httnv", "reason": ""},
    )
    page = login(cast.users["home_affairs"]).get(
        reverse("portal:evaluation_history", kwargs={"pk": evaluation.pk})
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "09:30:00 01/12/2026" in html  # Asia/Ho_Chi_Minh, UTC+7
    assert 'title="2026-12-01 02:30:00 UTC"' in html
    assert "Đề xuất mức xếp loại" in html and "Sở Nội vụ" in html
    # Issue #13 item 7: sentences, not raw keys — the field's label and the level's name.
    assert '<span class="fw-semibold">Mức xếp loại</span>: Hoàn thành tốt nhiệm vụ' in html
    assert "<code>" not in html and "Lý do</span>" not in html
    assert event.pk


def test_the_history_reads_as_sentences_not_raw_keys(cast, login):
    evaluation = evaluation_of(cast.official_a)
    audit_record(
        action=Action.OBJECTION_ANSWERED,
        actor=cast.users["chair"],
        acting_as=ActingAs.CHAIR,
        evaluation=evaluation,
        target="Nguyễn Thị An (2026)",
        before={"status": "open", "objection": 3},
        after={"status": "answered", "objection": 3, "outcome": "kept"},
    )
    audit_record(
        action=Action.DOCUMENT_ISSUED,
        actor=cast.users["home_affairs"],
        cycle=cast.cycle,
        evaluation=evaluation,
        target="document:6",
        after={"kind": "notice", "number": "12/TB-UBND", "version": 1, "pages": 1, "sha256": "ab"},
    )
    html = (
        login(cast.users["home_affairs"])
        .get(reverse("portal:evaluation_history", kwargs={"pk": evaluation.pk}))
        .content.decode()
    )
    assert 'Trạng thái</span>: <span class="text-body-secondary">Đang chờ trả lời</span> → Đã trả lời' in html
    assert "Kết quả giải quyết</span>: Giữ nguyên kết quả" in html
    assert "Thông báo kết quả số 12/TB-UBND" in html and "document:6" not in html
    assert "Loại</span>: Thông báo kết quả" in html
    assert "status" not in html.split('data-testid="history"')[1]


def test_the_cycle_history_filters_by_action_and_paginates(cast, login):
    a = evaluation_of(cast.official_a)
    actor = cast.users["home_affairs"]
    record(a, PER_PAGE + 5, actor=actor)
    record(a, 2, actor=actor, action=Action.CAP_FACTS_RECORDED)
    client = login(cast.users["chair"])
    url = reverse("portal:cycle_history", kwargs={"pk": cast.cycle.pk})
    first = client.get(url)
    assert first.context["page"].paginator.count == PER_PAGE + 7
    assert len(first.context["rows"]) == PER_PAGE
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 7
    filtered = client.get(url, {"action": Action.CAP_FACTS_RECORDED})
    assert [row.event.action for row in filtered.context["rows"]] == [Action.CAP_FACTS_RECORDED] * 2
    # Each row of the cycle's history links to the person's own history.
    assert reverse("portal:evaluation_history", kwargs={"pk": a.pk}) in filtered.content.decode()


def test_who_reads_the_history(cast, login):
    a, b = evaluation_of(cast.official_a), evaluation_of(cast.official_b)
    cycle_url = reverse("portal:cycle_history", kwargs={"pk": cast.cycle.pk})
    expected = {
        "home_affairs": (200, 200, 200),
        "chair": (200, 200, 200),
        "official_a": (403, 404, 404),
        "unit_secretary": (404, 403, 404),  # official_b's agency: sees the file, not its history
        "office_staff": (404, 404, 403),
        "administrator": (404, 404, 404),
        "outsider": (404, 404, 404),
    }
    for persona, (own_a, own_b, on_cycle) in expected.items():
        client = login(cast.users[persona])
        got = (
            client.get(reverse("portal:evaluation_history", kwargs={"pk": a.pk})).status_code,
            client.get(reverse("portal:evaluation_history", kwargs={"pk": b.pk})).status_code,
            client.get(cycle_url).status_code,
        )
        assert got == (own_a, own_b, on_cycle), persona


def test_links_from_the_evaluation_and_cycle_pages(cast, login):
    from ..reviews.test_objections import publish

    a, _b = publish(cast)
    client = login(cast.users["chair"])
    history = reverse("portal:evaluation_history", kwargs={"pk": a.pk})
    assert history in client.get(reverse("reviews:evaluation_detail", kwargs={"pk": a.pk})).content.decode()
    cycle_page = client.get(reverse("portal:cycle_detail", kwargs={"pk": cast.cycle.pk})).content.decode()
    assert reverse("portal:cycle_history", kwargs={"pk": cast.cycle.pk}) in cycle_page
    own = login(cast.users["official_a"]).get(reverse("reviews:evaluation_detail", kwargs={"pk": a.pk}))
    assert history not in own.content.decode()


@pytest.mark.parametrize("name", ["portal:evaluation_history", "portal:cycle_history"])
def test_query_count_is_constant_in_the_number_of_events(name, cast, login):
    a = evaluation_of(cast.official_a)
    client = login(cast.users["home_affairs"])
    url = reverse(name, kwargs={"pk": a.pk if name == "portal:evaluation_history" else cast.cycle.pk})
    record(a, 3)
    client.get(url)  # warm the session and the roles
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    record(a, 30)  # each by a different person
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 33
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
