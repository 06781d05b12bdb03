"""Pages cost the same number of queries for a cohort of 41 or 400 (domain.md: the chair's cohort can grow
with commune chairs after 2025)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import OfficialFactory, enrol

pytestmark = pytest.mark.django_db


def _grow_cohort(cycle, to):
    for _ in range(to - cycle.enrolments.count()):
        enrol(cycle, OfficialFactory())


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("home_affairs", lambda c: reverse("home")),
        ("home_affairs", lambda c: reverse("portal:cycle_detail", kwargs={"pk": c.cycle.pk})),
        ("office_staff", lambda c: reverse("portal:cycle_detail", kwargs={"pk": c.cycle.pk})),
        ("home_affairs", lambda c: reverse("officials:official_list")),
        ("chair", lambda c: reverse("cycles:cycle_list")),
        ("home_affairs", lambda c: reverse("reviews:progress_board", kwargs={"pk": c.cycle.pk})),
        (
            "home_affairs",
            lambda c: reverse("reviews:progress_board", kwargs={"pk": c.cycle.pk}) + "?status=not_started",
        ),
    ],
)
def test_query_count_does_not_grow_with_the_cohort(persona, url, cast, login):
    client = login(cast.users[persona])
    _grow_cohort(cast.cycle, 41)
    small = _queries(client, url(cast))
    _grow_cohort(cast.cycle, 400)
    assert _queries(client, url(cast)) == small
