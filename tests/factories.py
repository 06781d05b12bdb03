from datetime import date, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from cycles.models import Cycle, PhaseKind
from cycles.rulebooks import Framework
from cycles.services import cycle_criteria_seed, phase_set
from officials.models import Gender, Official, Organisation, OrganisationKind, PeerGroup, PersonnelType
from reviews.services import enrolment_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Sở số {n}")
    abbreviation = factory.Sequence(lambda n: f"S{n}")
    kind = OrganisationKind.DEPARTMENT


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerGroup
        django_get_or_create = ("code",)

    code = "directors"
    name = "Giám đốc sở và tương đương"
    sort_order = 2


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    full_name = factory.Sequence(lambda n: f"Người Thử Số {n}")
    gender = Gender.MALE
    personnel_type = PersonnelType.CONG_CHUC
    title = "Giám đốc"
    organisation = factory.SubFactory(OrganisationFactory)
    peer_group = factory.SubFactory(PeerGroupFactory)
    is_leader = True


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    year = 2026
    title = factory.LazyAttribute(lambda c: f"Đánh giá, xếp loại chất lượng năm {c.year}")
    authority = factory.SubFactory(
        OrganisationFactory,
        name="UBND tỉnh Thử",
        abbreviation="UBND",
        kind=OrganisationKind.PROVINCIAL_COMMITTEE,
    )
    chair_name = "Chủ Tịch Thử"
    framework = Framework.DECREES_2026
    status = "in_progress"

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        # As cycle_create does: the cycle carries its own copy of the forms.
        if create:
            cycle_criteria_seed(cycle=obj)


def open_self_assessment(cycle, deadline=None):
    # Relative to now, so the phase is open whenever the suite runs.
    deadline = deadline or timezone.now() + timedelta(days=7)
    return phase_set(
        cycle=cycle,
        kind=PhaseKind.SELF_ASSESSMENT,
        starts_on=min(date(cycle.year, 11, 1), timezone.localdate()),
        deadline=deadline,
        is_open=True,
    )


def enrol(cycle, official, **kwargs):
    """Enrol through the service, as the portal does, so the snapshot and evaluation exist."""
    return enrolment_create(cycle=cycle, official=official, **kwargs)


def submitted(evaluation, *, self_level="httnv", points=None):
    """Skip the official's side: the form as Home Affairs receives it (the self-assessment has its own tests)."""
    from reviews.models import Evaluation, EvaluationStatus

    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=EvaluationStatus.SUBMITTED,
        submitted_at=timezone.now(),
        self_proposed_level=self_level,
        points_total=points,
    )
    evaluation.refresh_from_db()
    return evaluation


def open_phase(cycle, kind):
    return phase_set(
        cycle=cycle,
        kind=kind,
        starts_on=min(date(cycle.year, 11, 1), timezone.localdate()),
        deadline=timezone.now() + timedelta(days=7),
        is_open=True,
    )


def home_affairs_user(username: str = "noivu_test"):
    """A Home Affairs account, for services that re-check their caller's role."""
    from officials.models import Role
    from officials.services import role_grant

    user = UserFactory(username=username)
    role_grant(user=user, role=Role.HOME_AFFAIRS)
    return user
