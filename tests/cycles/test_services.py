from datetime import UTC

import pytest

from cycles.errors import CycleError
from cycles.models import CycleStatus
from cycles.services import cycle_create, cycle_start
from reviews.models import EvaluationStatus
from reviews.services import enrolment_create

from ..factories import CycleFactory, OfficialFactory, OrganisationFactory, PeerGroupFactory

pytestmark = pytest.mark.django_db


def test_enrolment_snapshots_the_person_and_later_transfers_do_not_rewrite_it():
    cycle = CycleFactory(year=2023, framework="decree_90_48")
    official = OfficialFactory(full_name="Lê Văn Cường", title="Chủ tịch UBND huyện Ngọc Sơn")
    district = official.organisation
    enrolment = enrolment_create(cycle=cycle, official=official)

    # Districts were abolished on 1 July 2025; the same person now chairs a commune.
    official.title = "Chủ tịch UBND xã Ngọc Sơn"
    official.organisation = OrganisationFactory(name="UBND xã Ngọc Sơn")
    official.peer_group = PeerGroupFactory(code="commune_chairs", name="Chủ tịch UBND xã, phường")
    official.save()
    district.name = "UBND huyện Ngọc Sơn (đã giải thể)"
    district.save()

    enrolment.refresh_from_db()
    assert enrolment.title == "Chủ tịch UBND huyện Ngọc Sơn"
    assert enrolment.organisation == district
    assert enrolment.organisation_name != district.name
    assert enrolment.peer_group.code == "directors"
    assert enrolment.peer_group_name == "Giám đốc sở và tương đương"


@pytest.mark.parametrize(
    ("framework", "personnel_type", "rulebook"),
    [
        ("decree_90_48", "can_bo", "decree_90"),
        ("decree_90_48", "cong_chuc", "decree_90"),
        ("decree_90_48", "vien_chuc", "decree_90"),
        ("decrees_2026", "can_bo", "regulation_366"),
        ("decrees_2026", "cong_chuc", "decree_335"),
        ("decrees_2026", "vien_chuc", "decree_233"),
    ],
)
def test_the_rulebook_follows_the_cycle_and_the_personnel_type(framework, personnel_type, rulebook):
    cycle = CycleFactory(framework=framework, year=2023 if framework == "decree_90_48" else 2026)
    enrolment = enrolment_create(cycle=cycle, official=OfficialFactory(personnel_type=personnel_type))
    assert enrolment.rulebook_code == rulebook
    assert enrolment.evaluation.status == EvaluationStatus.NOT_STARTED


def test_an_official_without_a_peer_group_cannot_be_enrolled():
    with pytest.raises(CycleError, match="nhóm đối tượng"):
        enrolment_create(cycle=CycleFactory(), official=OfficialFactory(peer_group=None))


def test_enrolling_twice_is_a_clear_error():
    cycle, official = CycleFactory(), OfficialFactory(full_name="Phạm Thu Hoa")
    enrolment_create(cycle=cycle, official=official)
    with pytest.raises(CycleError, match="Phạm Thu Hoa đã có trong danh sách"):
        enrolment_create(cycle=cycle, official=official)


def test_a_closed_cycle_takes_no_new_people():
    with pytest.raises(CycleError):
        enrolment_create(cycle=CycleFactory(status=CycleStatus.CLOSED), official=OfficialFactory())


def test_a_second_cycle_for_the_same_year_is_refused():
    authority = OrganisationFactory()
    cycle_create(year=2026, title="2026", authority=authority, chair_name="X", framework="decrees_2026")
    with pytest.raises(CycleError, match="2026"):
        cycle_create(year=2026, title="lần 2", authority=authority, chair_name="X", framework="decrees_2026")


def test_starting_a_cycle_is_idempotent_and_refused_once_closed():
    cycle = CycleFactory(status=CycleStatus.SETUP)
    assert cycle_start(cycle=cycle).status == CycleStatus.IN_PROGRESS
    assert cycle_start(cycle=cycle).status == CycleStatus.IN_PROGRESS
    closed = CycleFactory(year=2020, status=CycleStatus.CLOSED)
    with pytest.raises(CycleError):
        cycle_start(cycle=closed)


def test_time_left_is_said_in_vietnamese():
    from datetime import datetime, timedelta

    from cycles.selectors import time_left

    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert time_left(now + timedelta(days=8, hours=3, minutes=5), now) == "còn 8 ngày 3 giờ"
    assert time_left(now + timedelta(hours=2, minutes=30), now) == "còn 2 giờ 30 phút"
    assert time_left(now - timedelta(minutes=1), now) == "đã hết hạn"
