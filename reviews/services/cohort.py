"""Enrolling a person in a cycle's cohort: the snapshot (cycles) and their empty evaluation, together."""

from django.db import transaction

from cycles.models import Cycle, Enrolment
from cycles.services import enrolment_snapshot_create
from officials.models import Official, PeerGroup

from ..models import Evaluation

__all__ = ["enrolment_create"]


@transaction.atomic
def enrolment_create(
    *, cycle: Cycle, official: Official, peer_group: PeerGroup | None = None, agenda_order: int = 0, by=None
) -> Enrolment:
    """Put a person in the cohort (a snapshot of who they are as of now) and open their empty evaluation."""
    enrolment = enrolment_snapshot_create(
        cycle=cycle, official=official, peer_group=peer_group, agenda_order=agenda_order, by=by
    )
    Evaluation.objects.create(enrolment=enrolment)
    return enrolment
