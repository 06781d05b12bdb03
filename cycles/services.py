"""Every write to cycles, phases and cohorts."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from officials.models import Official, Organisation, PeerGroup
from reviews.models import Evaluation

from .errors import CycleError
from .models import Cycle, CycleStatus, Enrolment, Phase, PhaseKind
from .rulebooks import rulebook_for


def cycle_create(*, year: int, title: str, authority: Organisation, chair_name: str, framework: str) -> Cycle:
    if Cycle.objects.filter(authority=authority, year=year).exists():
        raise CycleError(_("Đã có kỳ đánh giá năm %(year)s của cơ quan này.") % {"year": year})
    return Cycle.objects.create(
        year=year, title=title, authority=authority, chair_name=chair_name, framework=framework
    )


def phase_set(
    *, cycle: Cycle, kind: PhaseKind, starts_on, deadline: datetime, is_open: bool = False
) -> Phase:
    if cycle.status == CycleStatus.CLOSED:
        raise CycleError(_("Kỳ đánh giá đã kết thúc, không thể thay đổi."))
    if deadline.date() < starts_on:
        raise CycleError(_("Hạn chót phải sau ngày bắt đầu."))
    phase, _created = Phase.objects.update_or_create(
        cycle=cycle, kind=kind, defaults={"starts_on": starts_on, "deadline": deadline, "is_open": is_open}
    )
    return phase


@transaction.atomic
def enrolment_create(
    *, cycle: Cycle, official: Official, peer_group: PeerGroup | None = None, agenda_order: int = 0, by=None
) -> Enrolment:
    """Put a person in the cohort with a snapshot of their title, agency, group and type as of now,
    and open their (empty) evaluation."""
    if cycle.status not in (CycleStatus.SETUP, CycleStatus.IN_PROGRESS):
        raise CycleError(
            _("Chỉ bổ sung người được đánh giá khi kỳ đánh giá đang thiết lập hoặc đang diễn ra.")
        )
    peer_group = peer_group or official.peer_group
    if peer_group is None:
        raise CycleError(_("%(name)s chưa được xếp vào nhóm đối tượng.") % {"name": official.full_name})
    if Enrolment.objects.filter(cycle=cycle, official=official).exists():
        raise CycleError(_("%(name)s đã có trong danh sách kỳ này.") % {"name": official.full_name})
    organisation = official.organisation
    enrolment = Enrolment.objects.create(
        cycle=cycle,
        official=official,
        full_name=official.full_name,
        title=official.title,
        organisation=organisation,
        organisation_name=organisation.name,
        peer_group=peer_group,
        peer_group_name=peer_group.name,
        personnel_type=official.personnel_type,
        is_leader=official.is_leader,
        is_party_member=official.is_party_member,
        rulebook_code=rulebook_for(cycle.framework, official.personnel_type).code,
        agenda_order=agenda_order,
        enrolled_by=by,
    )
    Evaluation.objects.create(enrolment=enrolment)
    return enrolment


def cycle_start(*, cycle: Cycle) -> Cycle:
    """Set-up is over: the cohort is fixed enough to begin the self-assessment phase."""
    updated = Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.SETUP).update(
        status=CycleStatus.IN_PROGRESS
    )
    cycle.refresh_from_db(fields=["status"])
    if not updated and cycle.status != CycleStatus.IN_PROGRESS:
        raise CycleError(_("Kỳ đánh giá không ở giai đoạn thiết lập."))
    return cycle
