"""Who may ask for and download which document: the same people who may see the data it prints.

An official prints only their own form (and never a decided level before it is published); Home Affairs and
the chair print everything; office staff print and download the cycle's documents (domain.md §2). Anyone
else gets 404, so a document's existence does not leak.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from officials.permissions import roles_of
from reviews.models import Evaluation, EvaluationStatus

from .models import Document, DocumentJob


def prints_for_cycles(user) -> bool:
    roles = roles_of(user)
    return roles.sees_whole_cohort or roles.is_office_staff


def _visible(user, model):
    roles = roles_of(user)
    if prints_for_cycles(user):
        return model.objects.all()
    if roles.is_official:
        # Their own form only; a paper showing a decided level only once the result is published.
        return model.objects.filter(
            Q(shows_decision=False) | Q(evaluation__status=EvaluationStatus.PUBLISHED),
            kind="rating_form",
            evaluation__enrolment__official=roles.official,
        )
    return model.objects.none()


def documents_visible_to(user):
    return _visible(user, Document)


def jobs_visible_to(user):
    return _visible(user, DocumentJob)


def get_job_for_user(user, pk: int) -> DocumentJob:
    return get_object_or_404(jobs_visible_to(user).select_related("cycle", "evaluation__enrolment"), pk=pk)


def get_document_for_user(user, pk: int) -> Document:
    return get_object_or_404(documents_visible_to(user), pk=pk)


def get_evaluation_for_printing(user, pk: int) -> tuple[Evaluation, bool]:
    """The evaluation whose form the user may print, and whether the paper may show a decided level."""
    roles = roles_of(user)
    queryset = Evaluation.objects.select_related(
        "enrolment__cycle__authority", "enrolment__organisation__parent__parent", "enrolment__official"
    )
    if prints_for_cycles(user):
        return get_object_or_404(queryset, pk=pk), True
    if roles.is_official:
        evaluation = get_object_or_404(queryset, pk=pk, enrolment__official=roles.official)
        return evaluation, evaluation.status == EvaluationStatus.PUBLISHED
    raise Http404


def get_evaluation_for_cycle_documents(user, pk: int) -> Evaluation:
    """Documents about a person other than their own form (the notice): cycle printers only."""
    if not prints_for_cycles(user):
        raise Http404
    return get_object_or_404(
        Evaluation.objects.select_related("enrolment__cycle__authority", "enrolment__organisation"), pk=pk
    )
