"""The evaluation's own history (what the person and Home Affairs see on the evaluation page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Evaluation, EvaluationEvent, EventKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["event_record"]


def event_record(evaluation: Evaluation, kind: EventKind, by: User | None, note: str = "") -> EvaluationEvent:
    """One line of the evaluation's history; the audit trail (audit.services) keeps the before and after."""
    return EvaluationEvent.objects.create(evaluation=evaluation, kind=kind, by=by, note=note)
