"""Bulk work for the chair (issue #13 item 6): Home Affairs drafts the comments with its proposal, the board offers
them, and a whole peer group's proposals are accepted in one post, each still checked, refusals named."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from cycles.models import AgencyRating
from reviews import services
from reviews.models import Decision, EvaluationStatus

from ..factories import OfficialFactory, enrol, submitted

pytestmark = pytest.mark.django_db

DRAFT = "Chủ động, quyết liệt trong chỉ đạo; cần đẩy nhanh giải ngân vốn đầu tư công."


def evaluation_of(official):
    return official.enrolments.get().evaluation


def accept_url(cast, evaluation):
    return reverse(
        "reviews:decisions_accept_group",
        kwargs={"cycle_pk": cast.cycle.pk, "group_pk": evaluation.enrolment.peer_group_id},
    )


def board_url(cast):
    return reverse("reviews:decision_board", kwargs={"cycle_pk": cast.cycle.pk})


@pytest.fixture
def proposed(cast):
    home_affairs = cast.users["home_affairs"]
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("85"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("80"))
    a = services.proposal_set(evaluation=a, level="httnv", comments=DRAFT, by=home_affairs)
    b = services.proposal_set(
        evaluation=b, level="httnv", comments="Hoàn thành tốt nhiệm vụ được giao.", by=home_affairs
    )
    return a, b


def test_home_affairs_drafts_the_comments_with_the_proposal_and_the_audit_keeps_them(cast, proposed):
    a, _b = proposed
    assert a.proposal_comments == DRAFT
    event = AuditEvent.objects.filter(action=Action.PROPOSAL_SET, evaluation=a).latest("pk")
    assert event.after["comments"] == DRAFT
    # A proposal changed without the field keeps the draft.
    a = services.proposal_set(evaluation=a, level="httnv", reason="Giữ nguyên", by=cast.users["home_affairs"])
    assert a.proposal_comments == DRAFT


def test_the_compilation_row_posts_the_draft_and_the_board_preselects_it(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("85"))
    response = login(cast.users["home_affairs"]).post(
        reverse("reviews:proposal_edit", kwargs={"pk": a.pk}),
        {"proposal": "httnv", "reason": "", "comments": DRAFT},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and DRAFT in response.content.decode()
    a.refresh_from_db()
    assert a.proposal_comments == DRAFT
    chair = login(cast.users["chair"])
    assert "Nhận đề xuất cho 1 người" in chair.get(board_url(cast)).content.decode()
    row = chair.get(reverse("reviews:decision_edit", kwargs={"pk": a.pk}), headers={"HX-Request": "true"})
    assert f">{DRAFT}</textarea>" in row.content.decode()
    assert '<option value="httnv" selected>HTTNV</option>' in row.content.decode()


def test_the_chair_accepts_a_whole_peer_group_and_is_told_who_was_refused_and_why(cast, proposed, login):
    a, b = proposed
    c = evaluation_of(enrol(cast.cycle, OfficialFactory(full_name="Lê Văn Cường")).official)
    c = submitted(c, self_level="httnv", points=D("82"))  # submitted, not proposed
    d_official = OfficialFactory(full_name="Phạm Thị Dung")
    AgencyRating.objects.create(cycle=cast.cycle, organisation=d_official.organisation, level="htxsnv")
    d = submitted(evaluation_of(enrol(cast.cycle, d_official).official), self_level="htnv", points=D("70"))
    services.proposal_set(evaluation=d, level="htnv", by=cast.users["home_affairs"])  # no draft comments
    client = login(cast.users["chair"])
    page = client.get(board_url(cast)).content.decode()
    assert "Nhận đề xuất cho 3 người" in page
    response = client.post(
        accept_url(cast, a), {f"version-{a.pk}": a.version, f"version-{b.pk}": b.version}, follow=True
    )
    body = response.content.decode()
    assert "đã ghi 2 quyết định theo đề xuất: Nguyễn Thị An, Trần Văn Bình." in body
    assert "chưa ghi được 2 người" in body
    assert "Lê Văn Cường – Sở Nội vụ chưa đề xuất mức" in body
    assert "Phạm Thị Dung – Hãy ghi nhận xét ưu, khuyết điểm." in body
    for evaluation in (a, b):
        evaluation.refresh_from_db()
        assert evaluation.status == EvaluationStatus.DECIDED and evaluation.final_level == "httnv"
    assert Decision.objects.get(evaluation=a).comments == DRAFT
    assert AuditEvent.objects.filter(action=Action.DECISION_RECORDED).count() == 2
    c.refresh_from_db()
    assert c.status == EvaluationStatus.SUBMITTED
    # Each still editable: the row now offers to change the decision, with the accepted comments.
    assert "Sửa quyết định" in client.get(board_url(cast)).content.decode()
    row = client.get(reverse("reviews:decision_edit", kwargs={"pk": a.pk}), headers={"HX-Request": "true"})
    assert f">{DRAFT}</textarea>" in row.content.decode()


def test_accepting_a_group_over_its_quota_leaves_the_htxsnv_proposals_to_the_chair(cast, login):
    home_affairs = cast.users["home_affairs"]
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("96"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("80"))
    services.proposal_set(evaluation=a, level="htxsnv", comments=DRAFT, by=home_affairs)
    services.proposal_set(evaluation=b, level="httnv", comments=DRAFT, by=home_affairs)
    result = services.decisions_accept_group(
        cycle=cast.cycle, peer_group_id=a.enrolment.peer_group_id, versions={}, by=cast.users["chair"]
    )
    assert result.recorded == ["Trần Văn Bình"]
    assert [name for name, _why in result.refused] == ["Nguyễn Thị An"]
    assert "vượt tỷ lệ HTXSNV" in result.refused[0][1]
    a.refresh_from_db()
    assert a.status == EvaluationStatus.PROPOSED and not a.final_level


def test_a_row_changed_since_the_board_loaded_is_refused_not_overwritten(cast, proposed):
    a, b = proposed
    stale = a.version
    services.decision_record(
        evaluation=a,
        level="htnv",
        comments="Ghi ở trình duyệt khác",
        version=a.version,
        by=cast.users["chair"],
    )
    # a is now decided: left unchanged, not overwritten by the group action; b changed since the board loaded.
    b_version = b.version
    services.proposal_set(evaluation=b, level="httnv", comments="Sửa dự thảo", by=cast.users["home_affairs"])
    result = services.decisions_accept_group(
        cycle=cast.cycle,
        peer_group_id=a.enrolment.peer_group_id,
        versions={a.pk: stale, b.pk: b_version},
        by=cast.users["chair"],
    )
    assert result.unchanged == 1 and result.recorded == []
    assert result.refused[0][0] == "Trần Văn Bình" and "vừa được ghi ở nơi khác" in result.refused[0][1]
    a.refresh_from_db()
    assert a.final_level == "htnv"


def test_only_the_chair_accepts_a_group(cast, proposed, login):
    a, _b = proposed
    for role in ("home_affairs", "office_staff", "official_a"):
        response = login(cast.users[role]).post(accept_url(cast, a))
        assert response.status_code in (403, 404)
    assert not Decision.objects.exists()
