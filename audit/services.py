"""The one way to write the audit trail. Callers pass plain values; the row is never changed afterwards."""

from django.utils import timezone

from .models import ActingAs, Action, AuditEvent


def acting_as_of(user) -> ActingAs:
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
    actor=None,
    acting_as: ActingAs | None = None,
    cycle=None,
    evaluation=None,
    target: str = "",
    before=None,
    after=None,
    note: str = "",
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    if evaluation is not None and cycle is None:
        cycle_id = evaluation.enrolment.cycle_id
    else:
        cycle_id = getattr(cycle, "pk", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else actor_name)[:150],
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
