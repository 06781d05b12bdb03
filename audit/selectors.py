"""Reads of the audit trail for the history pages: one query per page of events, whatever is on it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import AuditEvent

if TYPE_CHECKING:
    from cycles.models import Cycle
    from reviews.models import Evaluation

VALUE_MAX = 160


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str


@dataclass
class HistoryRow:
    event: AuditEvent
    changes: list[Change] = field(default_factory=list)

    @property
    def actor_label(self) -> str:
        actor = self.event.actor
        if actor is not None:
            return actor.get_full_name() or actor.get_username()
        return self.event.actor_name or "—"


def _shown(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def changes_of(before: object, after: object) -> list[Change]:
    """The keys whose value differs, in a stable order; a value that is not a JSON object is one change."""
    if before is None and after is None:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before == after:
            return []
        if isinstance(after, dict) and before is None:
            return [Change(key, "∅", _shown(value)) for key, value in after.items()]
        if isinstance(before, dict) and after is None:
            return [Change(key, _shown(value), "∅") for key, value in before.items()]
        return [Change("", _shown(before), _shown(after))]
    keys = list(before) + [key for key in after if key not in before]
    return [
        Change(key, _shown(before.get(key)), _shown(after.get(key)))
        for key in keys
        if before.get(key) != after.get(key)
    ]


def _events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-at", "-pk")


def evaluation_history(evaluation: Evaluation, action: str | None = None) -> QuerySet[AuditEvent]:
    events = _events().filter(evaluation=evaluation)
    return events.filter(action=action) if action else events


def cycle_history(cycle: Cycle, action: str | None = None) -> QuerySet[AuditEvent]:
    events = _events().filter(cycle=cycle)
    return events.filter(action=action) if action else events


def history_rows(events: Iterable[AuditEvent]) -> list[HistoryRow]:
    return [HistoryRow(event=event, changes=changes_of(event.before, event.after)) for event in events]
