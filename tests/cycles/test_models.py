import pytest
from django.db import IntegrityError, transaction

from cycles.models import Enrolment
from reviews.models import Evaluation

from ..factories import CycleFactory, OfficialFactory, enrol

pytestmark = pytest.mark.django_db


def test_one_cycle_per_authority_and_year():
    cycle = CycleFactory(year=2026)
    with pytest.raises(IntegrityError):
        CycleFactory(year=2026, authority=cycle.authority)


def test_a_cycle_needs_a_known_framework():
    with pytest.raises(IntegrityError):
        CycleFactory(framework="decree_1999")


def test_an_official_is_enrolled_once_per_cycle():
    cycle, official = CycleFactory(), OfficialFactory()
    enrolment = enrol(cycle, official)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            cycle=cycle,
            official=official,
            full_name=enrolment.full_name,
            title="x",
            organisation=official.organisation,
            organisation_name="x",
            peer_group=official.peer_group,
            peer_group_name="x",
            personnel_type=official.personnel_type,
            rulebook_code="decree_335",
        )


def test_an_enrolment_names_a_rulebook_that_exists():
    cycle, official = CycleFactory(), OfficialFactory()
    enrolment = enrol(cycle, official)
    with pytest.raises(IntegrityError):
        Enrolment.objects.filter(pk=enrolment.pk).update(rulebook_code="decree_999")


def test_the_same_official_in_two_cycles_has_two_evaluations():
    official = OfficialFactory()
    first = enrol(CycleFactory(year=2025, framework="decree_90_48"), official)
    second = enrol(CycleFactory(year=2026), official)
    assert Evaluation.objects.filter(enrolment__official=official).count() == 2
    assert first.rulebook_code == "decree_90"
    assert second.rulebook_code == "decree_335"
