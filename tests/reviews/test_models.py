import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviews.models import Evaluation, EvaluationStatus

from ..factories import CycleFactory, OfficialFactory, enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation():
    return enrol(CycleFactory(), OfficialFactory()).evaluation


def test_one_evaluation_per_official_per_cycle(evaluation):
    with pytest.raises(IntegrityError):
        Evaluation.objects.create(enrolment=evaluation.enrolment)


def test_a_level_outside_the_four_is_refused(evaluation):
    with pytest.raises(IntegrityError):
        Evaluation.objects.filter(pk=evaluation.pk).update(self_proposed_level="a_plus")


def test_an_unknown_status_is_refused(evaluation):
    with pytest.raises(IntegrityError):
        Evaluation.objects.filter(pk=evaluation.pk).update(status="approved")


def test_a_final_level_only_exists_once_decided(evaluation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(final_level="htxsnv")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(
            status=EvaluationStatus.DECIDED, submitted_at=timezone.now()
        )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=EvaluationStatus.DECIDED, final_level="httnv", submitted_at=timezone.now()
    )
    evaluation.refresh_from_db()
    assert evaluation.final_level == "httnv"


def test_a_submitted_evaluation_records_when(evaluation):
    with pytest.raises(IntegrityError):
        Evaluation.objects.filter(pk=evaluation.pk).update(
            status=EvaluationStatus.SUBMITTED, submitted_at=None
        )
