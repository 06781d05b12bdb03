"""Home Affairs' compilation table, the proposal posted from a row (htmx) and the quota meter (issue #4)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import AgencyRating, QuotaException
from reviews import services
from reviews.models import CapFacts, CommentMeeting, Evaluation, EvaluationStatus

from ..factories import OfficialFactory, enrol, submitted

pytestmark = pytest.mark.django_db


def evaluation_of(official):
    return official.enrolments.get().evaluation


def compilation_url(cast, query=""):
    return reverse("reviews:compilation", kwargs={"cycle_pk": cast.cycle.pk}) + query


def test_the_table_shows_caps_with_their_articles_and_the_quota_per_group(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    services.cap_facts_record(
        evaluation=a,
        values={"months_absent": D(4), "discipline_form": "canh_cao", "discipline_date": date(2026, 3, 2)},
        version=None,
        by=cast.users["home_affairs"],
    )
    page = login(cast.users["home_affairs"]).get(compilation_url(cast)).content.decode()
    assert "Nguyễn Thị An" in page and "Trần Văn Bình" in page
    assert "≤ KHTNV" in page and "Điều 14" not in page
    assert (
        "Bị kỷ luật từ khiển trách trở lên trong năm đánh giá do vi phạm liên quan đến thực hiện nhiệm vụ."
        in page
    )
    assert "Giám đốc sở và tương đương" in page and "20% × 0 người HTTNV" in page


def test_a_proposal_posted_from_a_row_returns_the_row_and_the_live_quota_meter(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    client = login(cast.users["home_affairs"])
    response = client.post(
        reverse("reviews:proposal_edit", kwargs={"pk": a.pk}),
        {"proposal": "htxsnv", "reason": ""},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="proposal-row-{a.pk}"' in body
    assert 'id="quota-meters"' in body and 'hx-swap-oob="true"' in body
    # One HTXSNV and nobody at HTTNV: 20% × 0 = 0 allowed, so the group is over.
    assert "HTXSNV 1 / tối đa 0" in body and "Vượt 1 người" in body
    assert Evaluation.objects.get(pk=a.pk).proposed_level == "htxsnv"


def test_a_proposal_above_the_cap_is_refused_in_the_row_and_keeps_what_was_typed(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("75"))
    client = login(cast.users["home_affairs"])
    response = client.post(
        reverse("reviews:proposal_edit", kwargs={"pk": a.pk}),
        {"proposal": "htxsnv", "reason": "Thành tích nổi bật"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Không thể đề xuất Hoàn thành xuất sắc nhiệm vụ" in body and "Tổng điểm 75" in body
    assert 'value="Thành tích nổi bật"' in body
    assert Evaluation.objects.get(pk=a.pk).proposed_level == ""


def test_without_javascript_the_proposal_redirects_back_with_a_message(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("80"))
    client = login(cast.users["home_affairs"])
    response = client.post(
        reverse("reviews:proposal_edit", kwargs={"pk": a.pk}), {"proposal": "httnv"}, follow=True
    )
    assert "Đã ghi đề xuất cho Nguyễn Thị An." in response.content.decode()
    assert Evaluation.objects.get(pk=a.pk).status == EvaluationStatus.PROPOSED


def test_the_chair_reads_the_proposals_but_has_no_form(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("80"))
    services.proposal_set(evaluation=a, level="httnv", by=cast.users["home_affairs"])
    page = login(cast.users["chair"]).get(compilation_url(cast)).content.decode()
    assert "HTTNV" in page and 'name="proposal"' not in page
    response = login(cast.users["chair"]).post(
        reverse("reviews:proposal_edit", kwargs={"pk": a.pk}), {"proposal": "htxsnv"}
    )
    assert response.status_code == 403


def test_filters_and_sorting(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="httnv", points=D("80"))
    services.proposal_set(evaluation=a, level="httnv", by=cast.users["home_affairs"])
    client = login(cast.users["home_affairs"])
    page = client.get(compilation_url(cast, "?proposed=httnv")).content.decode()
    assert "Nguyễn Thị An" in page and "Trần Văn Bình" not in page
    page = client.get(compilation_url(cast, "?proposed=none")).content.decode()
    assert "Nguyễn Thị An" not in page and "Trần Văn Bình" in page
    page = client.get(compilation_url(cast, "?sort=name")).content.decode()
    assert page.index("Nguyễn Thị An") < page.index("Trần Văn Bình")
    page = client.get(compilation_url(cast, "?sort=points")).content.decode()
    assert page.index("Nguyễn Thị An") < page.index("Trần Văn Bình")
    # A filter never changes the quota: it is counted on the whole group.
    page = client.get(compilation_url(cast, "?proposed=none")).content.decode()
    assert "HTTNV: 1" in page


def test_cap_facts_page_saves_and_shows_the_new_cap(cast, login):
    a = submitted(evaluation_of(cast.official_a), points=D("80"))
    client = login(cast.users["home_affairs"])
    url = reverse("reviews:cap_facts_edit", kwargs={"pk": a.pk})
    response = client.post(url, {"months_worked": "5", "version": ""}, follow=True)
    assert "Đã ghi căn cứ của Nguyễn Thị An." in response.content.decode()
    assert "chưa đủ 06 tháng" in response.content.decode()
    facts = CapFacts.objects.get(evaluation=a)
    response = client.post(url, {"months_worked": "13", "version": facts.version})
    assert "Ensure this value" not in response.content.decode()
    assert CapFacts.objects.get(evaluation=a).months_worked == D(5)


def test_agency_rating_caps_the_head(cast, login):
    a = submitted(evaluation_of(cast.official_a), self_level="htxsnv", points=D("95"))
    client = login(cast.users["home_affairs"])
    org = cast.official_a.organisation
    client.post(
        reverse("cycles:agency_ratings", kwargs={"pk": cast.cycle.pk}),
        {f"level_{org.pk}": "htnv", f"source_{org.pk}": "QĐ 5/QĐ-UBND"},
    )
    assert AgencyRating.objects.get(cycle=cast.cycle, organisation=org).level == "htnv"
    page = client.get(reverse("reviews:proposal_edit", kwargs={"pk": a.pk})).content.decode()
    assert "Người đứng đầu không được xếp loại cao hơn mức của cơ quan, đơn vị" in page


def test_quota_settings_and_the_exception_need_reason_and_document(cast, login):
    client = login(cast.users["home_affairs"])
    url = reverse("cycles:quota_settings", kwargs={"pk": cast.cycle.pk})
    client.post(url, {"action": "settings", "rate_percent": "20", "rounding": "half_up"})
    cast.cycle.refresh_from_db()
    assert cast.cycle.quota_rounding == "half_up"
    group = cast.official_a.enrolments.get().peer_group
    response = client.post(
        url,
        {"action": "exception", "peer_group": group.pk, "rate_percent": "30", "reason": "x", "document": "y"},
    )
    assert not QuotaException.objects.exists()
    assert response.status_code == 200
    client.post(
        url,
        {
            "action": "exception",
            "peer_group": group.pk,
            "rate_percent": "25",
            "reason": "Dẫn đầu phong trào thi đua",
            "document": "QĐ 99/QĐ-UBND ngày 01/12/2026",
        },
    )
    assert QuotaException.objects.get().rate == D("0.25")


def _grow(cycle, to):
    for _ in range(to - cycle.enrolments.count()):
        evaluation = enrol(cycle, OfficialFactory()).evaluation
        submitted(evaluation, points=D("80"))
        CommentMeeting.objects.create(
            evaluation=evaluation,
            held_on=date(2026, 11, 3),
            place="P",
            chaired_by="C",
            minutes_by="T",
            invited_count=5,
            attended_count=5,
            conclusion="OK",
        )
        CapFacts.objects.create(evaluation=evaluation, months_worked=12)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?sort=name&warnings_only=on"])
def test_the_compilation_costs_the_same_queries_for_41_or_400(cast, login, query):
    client = login(cast.users["home_affairs"])
    _grow(cast.cycle, 41)
    small = _queries(client, compilation_url(cast, query))
    _grow(cast.cycle, 400)
    assert _queries(client, compilation_url(cast, query)) == small
    # Issue #15: the tally, the agencies of the filter and the page count are three more, whatever the size.
    assert small <= 18


def test_an_earlier_khtnv_is_flagged_where_home_affairs_and_the_chair_decide(cast, login):
    from cycles.models import CycleStatus

    from ..factories import CycleFactory

    earlier = CycleFactory(year=2025, authority=cast.cycle.authority)
    old = enrol(earlier, cast.official_a).evaluation
    earlier.status = CycleStatus.CLOSED
    earlier.save(update_fields=["status"])
    Evaluation.objects.filter(pk=old.pk).update(
        status=EvaluationStatus.PUBLISHED, final_level="khtnv", submitted_at=old.enrolment.enrolled_at
    )
    submitted(cast.official_a.enrolments.get(cycle=cast.cycle).evaluation, points=D("80"))
    page = login(cast.users["home_affairs"]).get(compilation_url(cast)).content.decode()
    assert "Đã bị xếp loại Không hoàn thành nhiệm vụ năm 2025." in page
    board = reverse("reviews:decision_board", kwargs={"cycle_pk": cast.cycle.pk})
    page = login(cast.users["chair"]).get(board).content.decode()
    assert "KHTNV năm 2025" in page
