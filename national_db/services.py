"""Every write to the sync log: entries for signed results, sending through the adapter, and Home Affairs'
acknowledgements, failures and re-sends of the manual upload flow. Audited without personal data: the audit
rows name entries and counts, never an identification number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ActingAs, Action
from audit.services import audit_record
from cycles.models import Cycle
from officials.permissions import require_home_affairs
from reviews.models import Decision

from .adapters import ResultAdapter, adapter_from_settings
from .deadlines import sync_deadline
from .models import SyncEntry, SyncState
from .selectors import export_records

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_REASON_LENGTH = 1000


class SyncError(Exception):
    """A refused change; the message is for the user."""


def _new_entry(decision: Decision, previous: SyncEntry | None) -> SyncEntry:
    assert decision.signed_at is not None
    enrolment = decision.evaluation.enrolment
    deadline = sync_deadline(decision.signed_at, enrolment.personnel_type)
    if previous is not None:
        # Re-send: the result sent before is no longer in force (domain.md §3.9). The old entry steps aside first
        # (one live entry per person), then points to the new one; both are kept.
        SyncEntry.objects.filter(pk=previous.pk).update(state=SyncState.SUPERSEDED)
    entry = SyncEntry.objects.create(
        cycle_id=enrolment.cycle_id,
        evaluation=decision.evaluation,
        decision=decision,
        due_at=deadline.due_at,
        due_rule=deadline.rule,
    )
    if previous is not None:
        SyncEntry.objects.filter(pk=previous.pk).update(superseded_by=entry)
        audit_record(
            action=Action.NATIONAL_DB_RESENT,
            acting_as=ActingAs.SYSTEM,
            evaluation=decision.evaluation,
            target=enrolment.full_name,
            before={"entry": previous.pk, "state": previous.state, "decision": previous.decision_id},
            after={"entry": entry.pk, "state": SyncState.PENDING, "decision": decision.pk},
            note=_("Quyết định mới thay thế quyết định đã gửi"),
        )
    return entry


def sync_entries_reconcile(*, cycle: Cycle | None = None) -> int:
    """Give every decision in force its entry; a person whose entry follows a replaced decision gets a new pending
    one and the old one is superseded. Idempotent (the beat task and the export run it); returns how many it made."""
    decisions = (
        Decision.objects.in_force()
        .filter(sync_entry__isnull=True)
        .select_related("evaluation__enrolment")
        .order_by("pk")
    )
    if cycle is not None:
        decisions = decisions.filter(evaluation__enrolment__cycle=cycle)
    made = 0
    for decision in decisions:
        with transaction.atomic():
            live = (
                SyncEntry.objects.select_for_update()
                .filter(evaluation_id=decision.evaluation_id)
                .exclude(state=SyncState.SUPERSEDED)
                .first()
            )
            if live is not None and live.decision_id == decision.pk:
                continue
            _new_entry(decision, live)
            made += 1
    return made


def sync_send_pending(*, cycle: Cycle | None = None, adapter: ResultAdapter | None = None) -> int:
    """Send every pending entry (of one cycle, or all) through the adapter, one batch per cycle. An entry whose
    person has no identification number fails with that reason; what the receiver refuses fails with its reason.
    Entries are claimed under a row lock that skips the ones another worker holds. Returns how many were sent."""
    cycles = Cycle.objects.filter(sync_entries__state=SyncState.PENDING).distinct()
    if cycle is not None:
        cycles = cycles.filter(pk=cycle.pk)
    sent = 0
    for each in cycles.select_related("authority"):
        sent += _send_cycle(each, adapter or adapter_from_settings(sender=each.authority.name))
    return sent


def _send_cycle(cycle: Cycle, adapter: ResultAdapter) -> int:
    now = timezone.now()
    with transaction.atomic():
        entries = list(
            SyncEntry.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(cycle=cycle, state=SyncState.PENDING)
            .select_related("evaluation__enrolment__official", "decision", "cycle", "supersedes")
        )
        if not entries:
            return 0
        records = export_records(entries)
        outcome = adapter.send(records) if records else None
        sent_ids = {record.entry_id for record in records} - set(outcome.refused if outcome else {})
        for entry in entries:
            entry.attempts += 1
            if entry.pk in sent_ids:
                entry.state, entry.sent_at, entry.failure_reason = SyncState.SENT, now, ""
                entry.reference = outcome.reference if outcome else ""
            else:
                reason = (outcome.refused.get(entry.pk) if outcome else None) or _(
                    "Chưa có số định danh cá nhân của người này."
                )
                entry.state, entry.failed_at, entry.failure_reason = SyncState.FAILED, now, reason
        SyncEntry.objects.bulk_update(
            entries, ["state", "attempts", "sent_at", "failed_at", "failure_reason", "reference"]
        )
        audit_record(
            action=Action.NATIONAL_DB_SENT,
            acting_as=ActingAs.SYSTEM,
            cycle=cycle,
            target=str(cycle),
            after={
                "adapter": getattr(adapter, "name", type(adapter).__name__),
                "reference": outcome.reference if outcome else "",
                "sent": sorted(sent_ids),
                "failed": sorted(entry.pk for entry in entries if entry.pk not in sent_ids),
            },
        )
    return len(sent_ids)


def _locked(entry: SyncEntry) -> SyncEntry:
    return SyncEntry.objects.select_for_update().select_related("evaluation__enrolment").get(pk=entry.pk)


def _record(entry: SyncEntry, action: Action, before: str, by: User, **after: object) -> None:
    audit_record(
        action=action,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        evaluation=entry.evaluation,
        target=entry.evaluation.enrolment.full_name,
        before={"entry": entry.pk, "state": before},
        after={"entry": entry.pk, "state": entry.state, **after},
    )


def sync_entry_acknowledge(*, entry: SyncEntry, by: User) -> SyncEntry:
    """The national system confirmed it has the result (after a manual upload, Home Affairs says so)."""
    require_home_affairs(by)
    with transaction.atomic():
        current = _locked(entry)
        if current.state == SyncState.ACKNOWLEDGED:
            return current
        if current.state != SyncState.SENT:
            raise SyncError(_("Chỉ xác nhận được kết quả đã gửi và đang chờ xác nhận."))
        before = current.state
        current.state, current.acknowledged_at = SyncState.ACKNOWLEDGED, timezone.now()
        current.save(update_fields=["state", "acknowledged_at"])
        _record(current, Action.NATIONAL_DB_ACKNOWLEDGED, before, by)
    return current


def sync_entry_fail(*, entry: SyncEntry, reason: str, by: User) -> SyncEntry:
    """The national system refused the result (or the upload failed): recorded with the reason."""
    require_home_affairs(by)
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if not reason:
        raise SyncError(_("Hãy ghi lý do gửi lỗi."))
    with transaction.atomic():
        current = _locked(entry)
        if current.state not in (SyncState.SENT, SyncState.PENDING):
            raise SyncError(_("Chỉ ghi lỗi được cho kết quả đang chờ gửi hoặc chờ xác nhận."))
        before = current.state
        current.state, current.failed_at, current.failure_reason = SyncState.FAILED, timezone.now(), reason
        current.save(update_fields=["state", "failed_at", "failure_reason"])
        _record(current, Action.NATIONAL_DB_FAILED, before, by, reason=reason)
    return current


def sync_entry_resend(*, entry: SyncEntry, by: User) -> SyncEntry:
    """Send a failed (or sent and never confirmed) result again: back to pending for the next batch."""
    require_home_affairs(by)
    with transaction.atomic():
        current = _locked(entry)
        if current.state == SyncState.PENDING:
            return current
        if current.state not in (SyncState.FAILED, SyncState.SENT):
            raise SyncError(_("Chỉ gửi lại được kết quả gửi lỗi hoặc chưa được xác nhận."))
        before = current.state
        current.state = SyncState.PENDING
        current.save(update_fields=["state"])
        _record(current, Action.NATIONAL_DB_RESENT, before, by)
    return current


def sync_export_recorded(*, cycle: Cycle, entries: Sequence[SyncEntry], file_format: str, by: User) -> None:
    """A download of the cycle's results (they carry identification numbers): who took which entries, when."""
    require_home_affairs(by)
    audit_record(
        action=Action.NATIONAL_DB_EXPORTED,
        actor=by,
        acting_as=ActingAs.HOME_AFFAIRS,
        cycle=cycle,
        target=str(cycle),
        after={"format": file_format, "entries": sorted(entry.pk for entry in entries)},
    )
