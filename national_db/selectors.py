"""Reads of the sync log: a cycle's entries with their deadline urgency, the warnings for Home Affairs' board, and
the records an export carries (constant queries in the number of people)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from cycles.models import Cycle
from documents.models import Document, DocumentKind
from reviews.models import Decision

from .adapters import ResultRecord
from .deadlines import Urgency, urgency
from .models import OPEN_STATES, SyncEntry, SyncState

# The sync page shows what still needs a hand first: refused, waiting to be sent, awaiting acknowledgement, done.
WORK_ORDER = [
    SyncState.FAILED,
    SyncState.PENDING,
    SyncState.SENT,
    SyncState.ACKNOWLEDGED,
    SyncState.SUPERSEDED,
]


def entries_of(cycle: Cycle, state: str = "") -> QuerySet[SyncEntry]:
    entries = SyncEntry.objects.filter(cycle=cycle).select_related(
        "evaluation__enrolment__official", "decision", "supersedes"
    )
    return entries.filter(state=state) if state else entries


def entries_in_work_order(cycle: Cycle, state: str = "") -> QuerySet[SyncEntry]:
    rank = Case(*(When(state=value, then=Value(index)) for index, value in enumerate(WORK_ORDER)))
    return entries_of(cycle, state).order_by(rank, "due_at", "evaluation__enrolment__agenda_order", "pk")


@dataclass(frozen=True)
class EntryRow:
    entry: SyncEntry
    urgency: Urgency
    has_identification_number: bool


def entry_rows(entries: Iterable[SyncEntry], now: datetime | None = None) -> list[EntryRow]:
    now = now or timezone.now()
    return [
        EntryRow(
            entry=entry,
            urgency=urgency(entry.due_at, now) if entry.state in OPEN_STATES else Urgency.NONE,
            has_identification_number=bool(entry.evaluation.enrolment.official.identification_index),
        )
        for entry in entries
    ]


def state_counts(cycle: Cycle) -> dict[SyncState, int]:
    counts = Counter(SyncEntry.objects.filter(cycle=cycle).values_list("state", flat=True))
    return {state: counts.get(state.value, 0) for state in SyncState}


@dataclass(frozen=True)
class CycleWarning:
    cycle: Cycle
    near: int
    past: int


def deadline_warnings(now: datetime | None = None) -> list[CycleWarning]:
    """For Home Affairs' board: per cycle, how many results still owed to the national database are near their
    deadline or past it (one query)."""
    now = now or timezone.now()
    per_cycle: dict[int, Counter[Urgency]] = {}
    cycles: dict[int, Cycle] = {}
    for entry in (
        SyncEntry.objects.filter(state__in=OPEN_STATES)
        .select_related("cycle")
        .only("due_at", "cycle__year", "cycle__title", "cycle__status")
    ):
        level = urgency(entry.due_at, now)
        if level is Urgency.NONE:
            continue
        cycles[entry.cycle_id] = entry.cycle
        per_cycle.setdefault(entry.cycle_id, Counter())[level] += 1
    return [
        CycleWarning(cycle=cycles[pk], near=counts[Urgency.NEAR], past=counts[Urgency.PAST])
        for pk, counts in sorted(per_cycle.items(), key=lambda item: -cycles[item[0]].year)
    ]


def _notice_numbers(decisions: Sequence[Decision]) -> dict[int, str]:
    """The number of the notice issued for each decision (the paper that carries the decision's number), by
    decision id: the newest issued notice of the person dated on or after the decision's signing."""
    evaluation_ids = [decision.evaluation_id for decision in decisions]
    notices = Document.objects.filter(
        kind=DocumentKind.NOTICE, is_draft=False, number__isnull=False, evaluation_id__in=evaluation_ids
    ).order_by("evaluation_id", "-version")
    latest: dict[int, Document] = {}
    for issued in notices:
        latest.setdefault(issued.evaluation_id or 0, issued)
    numbers: dict[int, str] = {}
    for decision in decisions:
        notice = latest.get(decision.evaluation_id)
        signed_on = timezone.localdate(decision.signed_at) if decision.signed_at else None
        if notice is not None and signed_on is not None and notice.issued_on >= signed_on:
            numbers[decision.pk] = notice.number_text
    return numbers


def export_records(entries: Sequence[SyncEntry]) -> list[ResultRecord]:
    """What the national database's rating group needs of each entry. Entries whose person has no identification
    number yet are left out (the database is keyed by it); `entry_rows` flags them on the page."""
    entries = [entry for entry in entries if entry.evaluation.enrolment.official.identification_index]
    numbers = _notice_numbers([entry.decision for entry in entries])
    records = []
    for entry in entries:
        decision = entry.decision
        enrolment = entry.evaluation.enrolment
        assert decision.signed_at is not None
        previous: SyncEntry | None = getattr(entry, "supersedes", None)
        records.append(
            ResultRecord(
                entry_id=entry.pk,
                identification_number=enrolment.official.identification_number,
                full_name=enrolment.full_name,
                date_of_birth=enrolment.official.date_of_birth,
                personnel_type=enrolment.personnel_type,
                agency=enrolment.organisation_name,
                position=enrolment.title,
                year=entry.cycle.year,
                level=decision.level or None,
                level_name=str(decision.label),
                not_rated_reason=decision.comments if decision.not_rated else None,
                decision_number=numbers.get(decision.pk),
                decision_date=timezone.localdate(decision.signed_at),
                signing_as=decision.get_signing_as_display(),
                signer=decision.signer_name,
                replaces_entry_id=previous.pk if previous else None,
            )
        )
    return records


def live_entries(cycle: Cycle) -> QuerySet[SyncEntry]:
    """The entries an export of the cycle carries: every result in force (superseded ones are history)."""
    return entries_of(cycle).exclude(state=SyncState.SUPERSEDED).select_related("cycle")


__all__ = [
    "CycleWarning",
    "EntryRow",
    "deadline_warnings",
    "entries_in_work_order",
    "entries_of",
    "entry_rows",
    "export_records",
    "live_entries",
    "state_counts",
]
