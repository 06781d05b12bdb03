"""Reads about evaluations that encode rules."""

from cycles.models import CycleStatus

from .models import Evaluation, EvaluationStatus


def rating_history(official):
    """An official's published levels across cycles, newest first (domain.md §3.10, Law 80/2025 Art. 26)."""
    return (
        Evaluation.objects.filter(enrolment__official=official, status=EvaluationStatus.PUBLISHED)
        .select_related("enrolment__cycle")
        .order_by("-enrolment__cycle__year")
    )


def current_evaluation(official):
    """The official's evaluation in a cycle that is under way, if any."""
    return (
        Evaluation.objects.filter(
            enrolment__official=official, enrolment__cycle__status=CycleStatus.IN_PROGRESS
        )
        .select_related("enrolment__cycle", "enrolment__organisation")
        .order_by("-enrolment__cycle__year")
        .first()
    )


def result_visible_to_official(evaluation: Evaluation) -> bool:
    """The official sees their level only once it is published, never a proposal (domain.md §2)."""
    return evaluation.status == EvaluationStatus.PUBLISHED
