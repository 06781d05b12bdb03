"""A new decision in force (one that replaces another after an objection or errors found) gets its sync entry as soon
as it commits; the sign-off's decisions, signed in one UPDATE, are picked up by the beat task within minutes. Either
way the deadline clock runs from the signing (national_db/deadlines.py)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from reviews.models import Decision, DecisionState


@receiver(post_save, sender=Decision, dispatch_uid="national_db_decision_saved")
def decision_saved(sender: type[Decision], instance: Decision, created: bool, **kwargs: Any) -> None:
    if not created or instance.state != DecisionState.SIGNED:
        return
    from .services import sync_entries_reconcile

    cycle = instance.evaluation.enrolment.cycle
    transaction.on_commit(lambda: sync_entries_reconcile(cycle=cycle), robust=True)
