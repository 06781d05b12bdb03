"""The one way to write the audit trail. Callers pass plain values; the row is never changed afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .chain import GENESIS, link_hash, values_of
from .models import ActingAs, Action, AuditChainCheck, AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from common.types import AnyUser
    from cycles.models import Cycle
    from reviews.models import Evaluation


def acting_as_of(user: AnyUser | None) -> ActingAs:
    """The role a user most plausibly acts in when a service does not say (the highest-authority role held)."""
    from officials.permissions import roles_of

    if user is None or not getattr(user, "is_authenticated", False):
        return ActingAs.ANONYMOUS
    roles = roles_of(user)
    for held, acting in (
        (roles.is_chair, ActingAs.CHAIR),
        (roles.is_home_affairs, ActingAs.HOME_AFFAIRS),
        (roles.is_unit_secretary, ActingAs.UNIT_SECRETARY),
        (roles.is_office_staff, ActingAs.OFFICE_STAFF),
        (roles.is_administrator, ActingAs.ADMINISTRATOR),
        (roles.is_official, ActingAs.OFFICIAL),
    ):
        if held:
            return acting
    return ActingAs.ANONYMOUS


def audit_record(
    *,
    action: Action,
    actor: AnyUser | None = None,
    acting_as: ActingAs | None = None,
    cycle: Cycle | None = None,
    evaluation: Evaluation | None = None,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    cycle_id: int | None
    if evaluation is not None and cycle is None:
        cycle_id = evaluation.enrolment.cycle_id
    else:
        cycle_id = cycle.pk if cycle is not None else None
    user = actor if actor is not None and actor.is_authenticated else None
    event = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_username() if user is not None else actor_name)[:150],
        acting_as=acting_as or acting_as_of(actor),
        action=action,
        cycle_id=cycle_id,
        evaluation=evaluation,
        target=target[:255],
        before=before,
        after=after,
        note=note,
        ip=ip,
    )
    return _chained_insert(event)


def _chained_insert(event: AuditEvent) -> AuditEvent:
    """Insert the event as the chain's next link. The head row stays locked until the caller's transaction ends, so
    concurrent events queue here and each chains to the one committed before it (issue #16 item 5)."""
    with transaction.atomic():
        head = _chain_head_locked()
        event.chain_hash = link_hash(head.last_hash, values_of(event))
        event.save(force_insert=True)
        head.last_hash, head.last_event_id, head.length = event.chain_hash, event.pk, head.length + 1
        head.save(update_fields=["last_hash", "last_event_id", "length"])
    return event


def _chain_head_locked() -> AuditChainHead:
    head, created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "length": 0}
    )
    if created:
        # The head row is gone (a flushed test database) while events may remain: continue from the last one.
        last = AuditEvent.objects.order_by("-pk").first()
        if last is not None:
            head.last_hash, head.last_event_id = last.chain_hash or GENESIS, last.pk
            head.length = AuditEvent.objects.count()
    return head


def audit_chain_check() -> AuditChainCheck:
    """Walk the chain once and record the outcome (the beat task `audit.tasks.audit_chain_check`)."""
    from .selectors import audit_chain_status

    status = audit_chain_status()
    return AuditChainCheck.objects.create(
        ok=status.ok,
        length=status.length,
        broken_event_id=status.broken.event_id if status.broken else None,
    )
