"""Enrolling a person in a cycle's cohort: the snapshot (cycles) and their empty evaluation, together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from cycles.models import Cycle, Enrolment
from cycles.services import enrolment_snapshot_create
from officials.models import Official, PeerGroup

from ..models import Evaluation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["enrolment_create"]


@transaction.atomic
def enrolment_create(
    *,
    cycle: Cycle,
    official: Official,
    peer_group: PeerGroup | None = None,
    agenda_order: int = 0,
    by: User | None = None,
) -> Enrolment:
    """Put a person in the cohort (a snapshot of who they are as of now) and open their empty evaluation."""
    enrolment = enrolment_snapshot_create(
        cycle=cycle, official=official, peer_group=peer_group, agenda_order=agenda_order, by=by
    )
    Evaluation.objects.create(enrolment=enrolment)
    return enrolment
