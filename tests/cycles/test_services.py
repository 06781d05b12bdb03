from datetime import UTC

import pytest
from django.core.exceptions import PermissionDenied

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


# --- Decree 233/2026 Art. 20(1): another rulebook for one enrolment, before the self-assessment opens (item 7) ---


def test_a_public_employee_may_be_rated_under_decree_90_in_2026_with_the_reason(cast):
    from audit.models import Action, AuditEvent
    from cycles.models import CycleCriterion
    from cycles.services import enrolment_rulebook_set
    from officials.models import PersonnelType

    from ..factories import CycleFactory, OfficialFactory, enrol

    cycle = CycleFactory(year=2027, status="setup", authority=cast.cycle.authority)
    employee = enrol(cycle, OfficialFactory(personnel_type=PersonnelType.VIEN_CHUC, title="Giám đốc"))
    civil_servant = enrol(cycle, OfficialFactory(personnel_type=PersonnelType.CONG_CHUC))
    by = cast.users["home_affairs"]
    with pytest.raises(PermissionDenied):
        enrolment_rulebook_set(
            enrolment=employee, rulebook_code="decree_90", reason="x", by=cast.users["chair"]
        )
    with pytest.raises(CycleError, match="Điều 20 khoản 1"):
        enrolment_rulebook_set(enrolment=employee, rulebook_code="decree_90", reason="", by=by)
    with pytest.raises(CycleError, match="không áp dụng được"):
        enrolment_rulebook_set(enrolment=civil_servant, rulebook_code="decree_90", reason="x", by=by)
    reason = "Đơn vị chưa ban hành Quy chế đánh giá đến thời điểm xếp loại cuối năm 2026."
    enrolment_rulebook_set(enrolment=employee, rulebook_code="decree_90", reason=reason, by=by)
    employee.refresh_from_db()
    assert (employee.rulebook_code, employee.rulebook_reason) == ("decree_90", reason)
    # Decree 90's Mẫu 03 is now among the cycle's forms, and the person's caps follow Decree 90.
    assert CycleCriterion.objects.filter(
        cycle=cycle, rulebook_code="decree_90", personnel_type="vien_chuc"
    ).exists()
    event = AuditEvent.objects.get(action=Action.ENROLMENT_RULEBOOK_SET)
    assert event.after["rulebook"] == "decree_90" and event.after["reason"] == reason
    assert "Điều 20 khoản 1" in event.after["article"]
    # Back to the default: the reason goes with it.
    enrolment_rulebook_set(enrolment=employee, rulebook_code="decree_233", reason="", by=by)
    employee.refresh_from_db()
    assert (employee.rulebook_code, employee.rulebook_reason) == ("decree_233", "")


def test_the_rulebook_is_fixed_once_the_self_assessment_has_opened(cast):
    from cycles.services import enrolment_rulebook_set
    from officials.models import PersonnelType

    from ..factories import OfficialFactory, enrol

    # The cast's cycle has its self-assessment phase open.
    employee = enrol(cast.cycle, OfficialFactory(personnel_type=PersonnelType.VIEN_CHUC))
    with pytest.raises(CycleError, match="Giai đoạn tự đánh giá đã mở"):
        enrolment_rulebook_set(
            enrolment=employee,
            rulebook_code="decree_90",
            reason="Chưa có Quy chế",
            by=cast.users["home_affairs"],
        )


def test_home_affairs_sets_the_rulebook_on_the_cohort_page_and_it_is_shown(cast, login):
    from django.urls import reverse

    from officials.models import PersonnelType

    from ..factories import CycleFactory, OfficialFactory, enrol

    cycle = CycleFactory(year=2027, status="setup", authority=cast.cycle.authority)
    employee = enrol(cycle, OfficialFactory(personnel_type=PersonnelType.VIEN_CHUC, title="Phó Giám đốc"))
    client = login(cast.users["home_affairs"])
    url = reverse("cycles:enrolment_edit", kwargs={"pk": cycle.pk, "enrolment_pk": employee.pk})
    page = client.get(url).content.decode()
    assert "Điều 20 khoản 1" in page
    response = client.post(
        url,
        {"save_rulebook": "1", "rulebook_code": "decree_90", "reason": "Đơn vị chưa có Quy chế đánh giá."},
    )
    assert response.status_code == 302
    cohort_page = client.get(reverse("portal:cycle_detail", kwargs={"pk": cycle.pk})).content.decode()
    assert "Nghị định 90/2020/NĐ-CP" in cohort_page and "Đơn vị chưa có Quy chế đánh giá." in cohort_page
    response = client.post(url, {"save_head": "1", "is_head": "on", "reason": "QĐ giao phụ trách đơn vị"})
    employee.refresh_from_db()
    assert employee.is_head
