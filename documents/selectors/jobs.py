"""Reads for the documents pages: the cohort with what its buttons need, the documents and the open jobs."""

from cycles.models import Cycle, Enrolment
from cycles.selectors import cohort_order
from tracking.models import TrackingPeriod
from tracking.selectors import tracking_of

from ..models import Document, DocumentJob, JobStatus


def cohort_for_documents(cycle: Cycle):
    """The cohort with what the per-person buttons need (whether minutes exist): one query."""
    return (
        Enrolment.objects.filter(cycle=cycle)
        .select_related("peer_group", "evaluation", "evaluation__comment_meeting")
        .order_by(*cohort_order())
    )


def cycle_tracking_periods(cycle: Cycle) -> list[TrackingPeriod]:
    """The periods of a cycle that tracks them (for the "every form of this period" buttons), else none."""
    if tracking_of(cycle) is None:
        return []
    return list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))


def latest_documents(cycle: Cycle):
    """The newest version of every document of the cycle (two queries whatever the cohort size)."""
    return (
        Document.objects.filter(cycle=cycle, replaced_by__isnull=True)
        .select_related("evaluation__enrolment", "replaces")
        .order_by("kind", "evaluation__enrolment__agenda_order", "-version")
    )


def open_jobs(cycle: Cycle):
    return (
        DocumentJob.objects.filter(
            cycle=cycle, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PARTS, JobStatus.FAILED]
        )
        .select_related("evaluation__enrolment")
        .order_by("-created_at")[:50]
    )
