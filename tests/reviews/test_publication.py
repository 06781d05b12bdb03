"""The official's result, the published list and the rating history (issue #5): nothing before the sign-off,
afterwards the person's own result with the authority's comments, and the list for whom the cycle's setting says."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cycles.models import CycleStatus, Publication
from cycles.rulebooks import Framework
from reviews import services
from reviews.models import Evaluation, EvaluationStatus
from reviews.selectors import repeated_khtnv, repeated_khtnv_for

from ..factories import CycleFactory, OfficialFactory, enrol, submitted

pytestmark = pytest.mark.django_db

COMMENTS_A = "Điều hành quyết liệt; cần cải thiện tiến độ giải ngân."
OUTLOOK_A = "Có khả năng đảm nhận vị trí cao hơn."
COMMENTS_B = "Tham mưu kịp thời; cần chú trọng công tác cán bộ."


def evaluation_of(official):
    """The official's evaluation in the cast's cycle (2026), whatever past cycles they have."""
    return Evaluation.objects.get(enrolment__official=official, enrolment__cycle__year=2026)


def decide(evaluation, chair, level, comments, outlook=""):
    evaluation.refresh_from_db()
    return services.decision_record(
        evaluation=evaluation,
        level=level,
        comments=comments,
        outlook=outlook,
        version=evaluation.version,
        by=chair,
    )


@pytest.fixture
def decided(cast):
    """Both people proposed and decided by the chair, not yet signed off."""
    chair, home_affairs = cast.users["chair"], cast.users["home_affairs"]
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("85"))
    b = submitted(evaluation_of(cast.official_b), self_level="httnv", points=D("80"))
    services.proposal_set(evaluation=a, level="htnv", reason="Còn chậm tiến độ.", by=home_affairs)
    decide(a, chair, "htnv", COMMENTS_A, OUTLOOK_A)
    decide(b, chair, "httnv", COMMENTS_B)
    return cast


@pytest.fixture
def signed_off(decided, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("common.outbox._publish", lambda label, pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        services.cycle_sign_off(
            cycle=decided.cycle,
            signing_as="vice_chair",
            signer_name="Phó Chủ Tịch Thử",
            by=decided.users["chair"],
        )
    decided.cycle.refresh_from_db()
    return decided


def detail_url(official):
    return reverse("reviews:evaluation_detail", kwargs={"pk": evaluation_of(official).pk})


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The person's own result ---


def test_before_the_sign_off_the_person_sees_no_proposal_decision_or_comments(decided, login):
    text = page(login(decided.users["official_a"]), detail_url(decided.official_a))
    assert 'data-testid="result"' not in text and 'data-testid="final-level"' not in text
    assert COMMENTS_A not in text and OUTLOOK_A not in text
    assert "Mức Sở Nội vụ đề xuất" not in text and "Còn chậm tiến độ" not in text
    # "Hoàn thành nhiệm vụ" is both the proposal and the decision; only the self-proposed level is shown.
    assert "Hoàn thành nhiệm vụ<" not in text
    home = page(login(decided.users["official_a"]), reverse("home"))
    assert 'data-testid="notices"' not in home and "Hoàn thành nhiệm vụ<" not in home
    # Home Affairs still reads its own proposal's history entry.
    assert "Còn chậm tiến độ" in page(login(decided.users["home_affairs"]), detail_url(decided.official_a))


def test_after_the_sign_off_the_person_sees_level_comments_outlook_and_who_signed(signed_off, login):
    text = page(login(signed_off.users["official_a"]), detail_url(signed_off.official_a))
    assert 'data-testid="result"' in text
    assert 'data-testid="result-level">Hoàn thành nhiệm vụ<' in text
    assert COMMENTS_A in text and OUTLOOK_A in text
    assert "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH" in text and "Phó Chủ Tịch Thử" in text
    assert 'data-testid="notice-unread"' in text
    assert 'data-testid="published-list-link"' in text  # the default setting: the cohort sees the list
    # Never another person's comments, and still not Home Affairs' proposal.
    assert COMMENTS_B not in text and "Còn chậm tiến độ" not in text


def test_another_person_and_the_unit_secretary_never_read_the_comments(signed_off, login):
    assert login(signed_off.users["official_b"]).get(detail_url(signed_off.official_a)).status_code == 404
    # The secretary of official_b's agency sees the published level, not the authority's comments.
    text = page(login(signed_off.users["unit_secretary"]), detail_url(signed_off.official_b))
    assert 'data-testid="final-level">Hoàn thành tốt nhiệm vụ<' in text
    assert COMMENTS_B not in text and 'data-testid="result"' not in text


def test_the_home_page_shows_the_unread_notice_until_it_is_marked_read(signed_off, login):
    client = login(signed_off.users["official_a"])
    home = page(client, reverse("home"))
    assert 'data-testid="notices-unread"' in home and "1 chưa xem" in home
    assert "Hoàn thành nhiệm vụ" in home
    notice = evaluation_of(signed_off.official_a).notices.get()
    assert client.post(reverse("reviews:notice_read", kwargs={"pk": notice.pk})).status_code == 302
    assert 'data-testid="notices-unread"' not in page(client, reverse("home"))
    text = page(client, detail_url(signed_off.official_a))
    assert 'data-testid="notice-unread"' not in text and "Đã xem thông báo lúc" in text


def test_a_not_rated_decision_reads_as_such_in_the_history(cast, login):
    a = submitted(evaluation_of(cast.official_a), points=D("85"))
    Evaluation.objects.filter(pk=a.pk).update(
        status=EvaluationStatus.PUBLISHED, final_not_rated=True, submitted_at=timezone.now()
    )
    text = page(login(cast.users["official_a"]), reverse("home"))
    assert "Không xếp loại chất lượng" in text


# --- The published list ---


def _list_url(cast):
    return reverse("reviews:published_list", kwargs={"cycle_pk": cast.cycle.pk})


ALWAYS = {"home_affairs", "chair", "office_staff"}
SEES_LIST = {
    Publication.PERSON_ONLY: ALWAYS,
    Publication.COHORT: ALWAYS | {"official_a", "official_b"},
    Publication.ALL_USERS: ALWAYS
    | {"official_a", "official_b", "unit_secretary", "administrator", "outsider"},
}


@pytest.mark.parametrize("publication", list(Publication))
@pytest.mark.parametrize(
    "persona",
    [
        "official_a",
        "official_b",
        "home_affairs",
        "unit_secretary",
        "chair",
        "office_staff",
        "administrator",
        "outsider",
    ],
)
def test_the_published_list_is_seen_by_whom_the_setting_says(signed_off, login, publication, persona):
    signed_off.cycle.publication = publication
    signed_off.cycle.save(update_fields=["publication"])
    response = login(signed_off.users[persona]).get(_list_url(signed_off))
    expected = 200 if persona in SEES_LIST[publication] else 404
    assert response.status_code == expected, f"{persona} with {publication}"
    if expected == 200:
        text = response.content.decode()
        assert 'data-testid="published-list"' in text
        assert "Nguyễn Thị An" in text and "Trần Văn Bình" in text
        assert COMMENTS_A not in text and COMMENTS_B not in text


def test_anonymous_users_are_sent_to_the_login_even_when_everyone_may_see(signed_off, client):
    signed_off.cycle.publication = Publication.ALL_USERS
    signed_off.cycle.save(update_fields=["publication"])
    response = client.get(_list_url(signed_off))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_with_person_only_each_official_still_sees_their_own_result(signed_off, login):
    signed_off.cycle.publication = Publication.PERSON_ONLY
    signed_off.cycle.save(update_fields=["publication"])
    client = login(signed_off.users["official_b"])
    assert client.get(_list_url(signed_off)).status_code == 404
    text = page(client, detail_url(signed_off.official_b))
    assert 'data-testid="result-level">Hoàn thành tốt nhiệm vụ<' in text
    assert 'data-testid="published-list-link"' not in text


def test_the_list_gives_name_title_agency_group_and_level(signed_off, login):
    text = page(login(signed_off.users["official_a"]), _list_url(signed_off))
    enrolment = signed_off.official_a.enrolments.get()
    for value in (
        enrolment.full_name,
        enrolment.title,
        enrolment.organisation_name,
        enrolment.peer_group_name,
    ):
        assert value in text
    assert "<td>Hoàn thành nhiệm vụ</td>" in text and "<td>Hoàn thành tốt nhiệm vụ</td>" in text


def test_before_the_sign_off_the_list_does_not_exist_except_for_home_affairs_and_the_chair(decided, login):
    for persona in ("official_a", "official_b", "office_staff", "outsider"):
        assert login(decided.users[persona]).get(_list_url(decided)).status_code == 404
    for persona in ("home_affairs", "chair"):
        text = page(login(decided.users[persona]), _list_url(decided))
        assert 'data-testid="not-published"' in text and "Nguyễn Thị An" not in text


def _publish_whole_cohort(cycle, size):
    cycle.status = CycleStatus.IN_PROGRESS
    cycle.save(update_fields=["status"])
    for _ in range(size - cycle.enrolments.count()):
        enrol(cycle, OfficialFactory())
    Evaluation.objects.filter(enrolment__cycle=cycle).update(
        status=EvaluationStatus.PUBLISHED, final_level="httnv", submitted_at=timezone.now()
    )
    cycle.status = CycleStatus.SIGNED_OFF
    cycle.save(update_fields=["status"])


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["official_a", "office_staff"])
def test_the_lists_query_count_does_not_grow_with_the_cohort(cast, login, persona):
    client = login(cast.users[persona])
    _publish_whole_cohort(cast.cycle, 10)
    small = _queries(client, _list_url(cast))
    _publish_whole_cohort(cast.cycle, 60)
    assert _queries(client, _list_url(cast)) == small


# --- Rating history and repeated KHTNV (domain.md §4) ---


def _past(official, year, level):
    cycle = CycleFactory(year=year, framework=Framework.DECREE_90, status="in_progress")
    enrolment = enrol(cycle, official)
    Evaluation.objects.filter(pk=enrolment.evaluation.pk).update(
        status=EvaluationStatus.PUBLISHED, final_level=level, submitted_at=timezone.now()
    )
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])


def test_two_consecutive_khtnv_years_are_flagged(cast, django_assert_num_queries):
    _past(cast.official_a, 2023, "khtnv")
    _past(cast.official_a, 2024, "khtnv")
    _past(cast.official_a, 2025, "htnv")
    _past(cast.official_b, 2023, "khtnv")
    _past(cast.official_b, 2025, "khtnv")  # not consecutive: 2024 was HTTNV
    _past(cast.official_b, 2024, "httnv")
    assert repeated_khtnv(cast.official_a) == [2023, 2024]
    assert repeated_khtnv(cast.official_b) == []
    others = [OfficialFactory().pk for _ in range(5)]
    with django_assert_num_queries(1):
        assert repeated_khtnv_for([cast.official_a.pk, cast.official_b.pk, *others]) == {cast.official_a.pk}


def test_a_draft_khtnv_decision_does_not_count_until_published(cast):
    _past(cast.official_a, 2025, "khtnv")
    a = submitted(evaluation_of(cast.official_a), points=D("40"))
    Evaluation.objects.filter(pk=a.pk).update(status=EvaluationStatus.DECIDED, final_level="khtnv")
    assert repeated_khtnv(cast.official_a) == []


def test_the_flag_shows_on_the_officials_pages_and_for_home_affairs(cast, login):
    _past(cast.official_a, 2024, "khtnv")
    _past(cast.official_a, 2025, "khtnv")
    home = page(login(cast.users["official_a"]), reverse("home"))
    assert 'data-testid="repeated-khtnv"' in home and "2024, 2025" in home
    detail = page(login(cast.users["home_affairs"]), detail_url(cast.official_a))
    assert 'data-testid="repeated-khtnv"' in detail
    assert 'data-testid="repeated-khtnv"' not in page(login(cast.users["official_b"]), reverse("home"))
