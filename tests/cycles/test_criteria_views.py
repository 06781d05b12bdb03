from decimal import Decimal

import pytest
from django.urls import reverse

from cycles.models import Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup_phase(cast):
    # The cast's phase is open; these tests are about the set-up before it opens.
    Phase.objects.filter(cycle=cast.cycle).update(is_open=False)
    return cast


def test_home_affairs_adapts_a_criterion_before_the_phase_opens(setup_phase, login):
    cycle = setup_phase.cycle
    client = login(setup_phase.users["home_affairs"])
    page = client.get(reverse("cycles:criteria_list", kwargs={"pk": cycle.pk})).content.decode()
    assert "Nghị định 335/2025/NĐ-CP – Công chức – lãnh đạo, quản lý" in page
    criterion = cycle.criteria.get(rulebook_code="decree_335", is_leader=True, code="quantity")
    url = reverse("cycles:criterion_update", kwargs={"pk": cycle.pk, "criterion_pk": criterion.pk})
    response = client.post(
        url,
        {"title": "Số lượng sản phẩm theo chương trình công tác của UBND tỉnh", "max_points": "15"},
        follow=True,
    )
    assert "Đã sửa tiêu chí" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.title.startswith("Số lượng sản phẩm theo chương trình")


def test_scoring_bands_must_decrease(setup_phase, login):
    cycle = setup_phase.cycle
    client = login(setup_phase.users["home_affairs"])
    url = reverse("cycles:scoring_update", kwargs={"pk": cycle.pk})
    bad = client.post(
        url,
        {"band_htxsnv": "70", "band_httnv": "80", "band_htnv": "50", "points_decimal_places": "1"},
        follow=True,
    )
    assert "phải giảm dần" in bad.content.decode()
    client.post(
        url, {"band_htxsnv": "90.01", "band_httnv": "80.01", "band_htnv": "50", "points_decimal_places": "0"}
    )
    cycle.refresh_from_db()
    assert cycle.band_httnv == Decimal("80.01") and cycle.points_decimal_places == 0


def test_nothing_changes_once_the_phase_is_open(cast, login):
    client = login(cast.users["home_affairs"])
    criterion = cast.cycle.criteria.first()
    response = client.post(
        reverse("cycles:criterion_update", kwargs={"pk": cast.cycle.pk, "criterion_pk": criterion.pk}),
        {"title": "Đổi giữa chừng", "max_points": ""},
        follow=True,
    )
    assert "không thể sửa tiêu chí nữa" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.title != "Đổi giữa chừng"
    response = client.post(
        reverse("cycles:scoring_update", kwargs={"pk": cast.cycle.pk}),
        {"band_htxsnv": "95", "band_httnv": "75", "band_htnv": "50", "points_decimal_places": "1"},
        follow=True,
    )
    assert "không thể sửa ngưỡng điểm nữa" in response.content.decode()


def test_home_affairs_opens_the_phase_only_when_every_points_form_totals_100(setup_phase, login):
    cycle = setup_phase.cycle
    client = login(setup_phase.users["home_affairs"])
    phase = cycle.phases.get(kind="self_assessment")
    url = reverse("cycles:phase_toggle", kwargs={"pk": cycle.pk, "phase_pk": phase.pk})
    cycle.criteria.filter(rulebook_code="decree_233", is_leader=False, code="quality").update(max_points=20)
    refused = client.post(url, {"action": "open"}, follow=True).content.decode()
    assert (
        "phải bằng 100" in refused and "Nghị định 233/2026/NĐ-CP – Viên chức – không giữ chức vụ" in refused
    )
    phase.refresh_from_db()
    assert phase.is_open is False
    cycle.criteria.filter(rulebook_code="decree_233", is_leader=False, code="quality").update(max_points=25)
    assert "Đã mở giai đoạn" in client.post(url, {"action": "open"}, follow=True).content.decode()
    phase.refresh_from_db()
    assert phase.is_open is True
    client.post(url, {"action": "close"})
    phase.refresh_from_db()
    assert phase.is_open is False
