"""The cohort pages at scale (issue #15): one page of rows, filters in SQL, totals and quota meters over the whole
cohort, each row's form loaded on demand, the progress poll answering 204 when nothing changed, compression."""

import gzip
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Evaluation, EvaluationStatus

from ..factories import OfficialFactory, PeerGroupFactory, enrol, submitted

pytestmark = pytest.mark.django_db


def _grow(cycle, to, **official):
    for _ in range(to - cycle.enrolments.count()):
        submitted(enrol(cycle, OfficialFactory(**official)).evaluation, points=D("80"))


def _rows(page: str, prefix: str) -> list[str]:
    return re.findall(rf'<tr id="{prefix}-row-(\d+)"', page)


def _compilation(cast, query=""):
    return reverse("reviews:compilation", kwargs={"cycle_pk": cast.cycle.pk}) + query


def test_a_large_cohort_is_shown_a_page_at_a_time_with_its_meters_over_the_whole_cohort(cast, login):
    _grow(cast.cycle, 120)
    # 80 people at HTTNV allow 16 HTXSNV (20 %); 20 proposed HTXSNV, all of them past the first page.
    evaluations = list(Evaluation.objects.filter(enrolment__cycle=cast.cycle).order_by("pk"))
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations[:80]]).update(proposed_level="httnv")
    Evaluation.objects.filter(pk__in=[e.pk for e in evaluations[-20:]]).update(proposed_level="htxsnv")
    client = login(cast.users["home_affairs"])
    page = client.get(_compilation(cast)).content.decode()
    assert len(_rows(page, "proposal")) == 50
    assert "Hiển thị 1–50 trong 120 người khớp bộ lọc (cả danh sách: 120 người)." in page
    assert "HTXSNV 20 / tối đa 16" in page and "Vượt 4 người" in page
    last = client.get(_compilation(cast, "?page=3")).content.decode()
    assert len(_rows(last, "proposal")) == 20
    assert "HTXSNV 20 / tối đa 16" in last
    # The rows show the proposal and a button, never a form per row.
    table = page.split("compilation-table", 1)[1].split("</table>", 1)[0]
    assert "<select" not in table and table.count("proposal-open") == 50


def test_the_filters_run_in_sql_and_stay_in_the_page_links(cast, login):
    _grow(cast.cycle, 70)
    communes = PeerGroupFactory(code="communes", name="Chủ tịch UBND xã", sort_order=5)
    _grow(cast.cycle, 75, peer_group=communes)
    client = login(cast.users["home_affairs"])
    by_group = client.get(_compilation(cast, f"?peer_group={communes.pk}")).content.decode()
    assert len(_rows(by_group, "proposal")) == 5
    by_name = client.get(_compilation(cast, "?q=th%E1%BB%8B+an")).content.decode()  # "thị an", any case
    assert _rows(by_name, "proposal") == [str(cast.official_a.enrolments.get().evaluation.pk)]
    # The page links keep the filters.
    paged = client.get(_compilation(cast, "?sort=name")).content.decode()
    assert "?sort=name&amp;page=2" in paged


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("home_affairs", "reviews:compilation"),
        ("chair", "reviews:decision_board"),
        ("home_affairs", "reviews:progress_board"),
        ("home_affairs", "portal:cycle_detail"),
    ],
)
def test_the_paginated_pages_cost_the_same_queries_for_one_page_or_three(cast, login, persona, name):
    key = "cycle_pk" if name.startswith("reviews:c") or name == "reviews:decision_board" else "pk"
    url = reverse(name, kwargs={key: cast.cycle.pk})
    client = login(cast.users[persona])
    _grow(cast.cycle, 41)
    small = _queries(client, url)
    _grow(cast.cycle, 140)
    assert _queries(client, url) == small
    assert _queries(client, url + "?page=3") == small


def test_the_proposal_form_loads_on_the_rows_button_and_saves(cast, login):
    evaluation = submitted(cast.official_a.enrolments.get().evaluation, self_level="httnv", points=D("85"))
    client = login(cast.users["home_affairs"])
    url = reverse("reviews:proposal_edit", kwargs={"pk": evaluation.pk})
    assert f'hx-get="{url}"' in client.get(_compilation(cast)).content.decode()
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert form.startswith("\n<tr") or form.lstrip().startswith("<tr")
    assert 'name="proposal"' in form and "autofocus" in form
    shown = client.get(url + "?show=row", headers={"HX-Request": "true"}).content.decode()
    assert 'name="proposal"' not in shown
    saved = client.post(
        url, {"proposal": "httnv", "reason": "", "comments": ""}, headers={"HX-Request": "true"}
    )
    body = saved.content.decode()
    assert 'name="proposal"' not in body.split('id="quota-meters"', 1)[0]  # the row is back as shown
    assert 'hx-swap-oob="true"' in body
    evaluation.refresh_from_db()
    assert evaluation.proposed_level == "httnv"


def test_the_progress_refresh_answers_204_until_a_form_changes(cast, login):
    client = login(cast.users["home_affairs"])
    url = reverse("reviews:progress_board", kwargs={"pk": cast.cycle.pk})
    first = client.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200
    version = re.search(r"since=([0-9a-f]+)", first.content.decode()).group(1)
    assert first["ETag"] == f'"{version}"'
    again = client.get(url, {"since": version}, headers={"HX-Request": "true"})
    assert again.status_code == 204 and again.content == b""
    submitted(cast.official_a.enrolments.get().evaluation)
    changed = client.get(url, {"since": version}, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert str(EvaluationStatus.SUBMITTED.label) in changed.content.decode()
    assert re.search(r"since=([0-9a-f]+)", changed.content.decode()).group(1) != version


def test_pages_are_sent_compressed(cast, login):
    _grow(cast.cycle, 41)
    response = login(cast.users["home_affairs"]).get(_compilation(cast), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "Tổng hợp, đề xuất xếp loại chất lượng" in html
    assert len(response.content) * 3 < len(html)
