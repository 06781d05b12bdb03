"""Notices of results (domain.md §3.8; issue #5): once the chair signs off, each person gets a notice in the portal
and an e-mail, sent by the worker, retried on transient errors and never sent twice.

The `Notice` row is the e-mail's outbox (common/outbox.py, issue #16): claimed by a conditional UPDATE, so a
duplicate delivery of the task finds it sending or sent and does nothing; a killed worker's claim is taken again
after OUTBOX_STALE_CLAIM_SECONDS by the reconciler, and the resend carries the same Message-ID.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import ActingAs, Action
from audit.services import audit_record
from common.outbox import OutboxSkip, TransientMailError, outbox_enqueue, outbox_send
from cycles.models import Cycle

from ..models import Decision, DecisionState, Notice, NoticeEmailStatus, NoticeKind
from ..selectors import honorific

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from officials.models import Official


def email_address_of(official: Official) -> str:
    user = official.user
    return user.email if user is not None and user.is_active and user.email else ""


def _issue(decision: Decision) -> tuple[Notice, bool]:
    address = email_address_of(decision.evaluation.enrolment.official)
    notice, created = Notice.objects.get_or_create(
        decision=decision,
        defaults={
            "evaluation_id": decision.evaluation_id,
            "kind": NoticeKind.REPLACED_RESULT if decision.replaces_id else NoticeKind.RESULT,
            "status": NoticeEmailStatus.PENDING if address else NoticeEmailStatus.NO_ADDRESS,
        },
    )
    if created:
        audit_record(
            action=Action.NOTICE_SENT,
            acting_as=ActingAs.SYSTEM,
            actor_name="system",
            evaluation=decision.evaluation,
            target=str(decision.evaluation.enrolment),
            after={"notice": notice.pk, "decision": decision.pk, "kind": notice.kind, "channel": "portal"},
        )
        if address:
            outbox_enqueue(notice)
    return notice, created


def notice_issue_for_decision(*, decision: Decision) -> Notice:
    """The notice of one signed decision, created once. Call it when a new decision takes effect outside a
    cycle's sign-off, e.g. a decision that replaces another after an objection (domain.md §3.9): the person gets
    a new notice (kind "replaced") in the portal and by e-mail; the notice of the earlier decision is kept.
    Calling it again for the same decision returns the existing notice and sends nothing."""
    if decision.state != DecisionState.SIGNED:
        raise ValueError("only a signed decision in force is notified")
    with transaction.atomic():
        decision = Decision.objects.select_related("evaluation__enrolment__official__user").get(
            pk=decision.pk
        )
        notice, _created = _issue(decision)
    return notice


def notices_issue_for_cycle(*, cycle_pk: int) -> int:
    """A notice for every signed decision of the cycle that has none yet; returns how many were created.
    Idempotent: the sign-off calls it after its commit, and it may safely be called again."""
    with transaction.atomic():
        # Two callers at once (a retry next to the sign-off's own call) queue here rather than both creating.
        Cycle.objects.select_for_update().filter(pk=cycle_pk).first()
        decisions = Decision.objects.filter(
            evaluation__enrolment__cycle_id=cycle_pk, state=DecisionState.SIGNED, notice__isnull=True
        ).select_related("evaluation__enrolment__official__user")
        return sum(1 for decision in decisions if _issue(decision)[1])


def notice_mark_read(*, notice: Notice, by: User) -> Notice:
    """The person marks their own notice read; nobody else may (the view shows others a 404 or 403 first)."""
    official = notice.evaluation.enrolment.official
    if by is None or not by.is_authenticated or official.user_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    notice.refresh_from_db(fields=["read_at"])
    return notice


def _email_message(notice: Notice, address: str) -> EmailMultiAlternatives:
    decision = notice.decision
    enrolment = notice.evaluation.enrolment
    context = {
        "notice": notice,
        "decision": decision,
        "enrolment": enrolment,
        "cycle": enrolment.cycle,
        "replaced": notice.kind == NoticeKind.REPLACED_RESULT,
        # Leaders are addressed "Ông"/"Bà" by gender, in the e-mail's language (issue #13).
        "honorific": honorific(enrolment.official, settings.LANGUAGE_CODE),
        "you": honorific(enrolment.official, settings.LANGUAGE_CODE).lower(),
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("reviews:evaluation_detail", args=[notice.evaluation_id]),
    }
    # The e-mail carries the level and a link, never the comments: they are read in the portal, behind the login.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("reviews/email/notice_subject.txt", context).split())
        text = render_to_string("reviews/email/notice_body.txt", context)
        html = render_to_string("reviews/email/notice_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach_alternative(html, "text/html")
    return message


def notice_email_message(notice: Notice) -> EmailMultiAlternatives:
    """The notice's e-mail (common/outbox.py sends it): the level and a link, never the comments."""
    address = email_address_of(notice.evaluation.enrolment.official)
    if not address:
        raise OutboxSkip(NoticeEmailStatus.NO_ADDRESS)
    return _email_message(notice, address)


def notice_email_recorded(notice: Notice) -> None:
    """In the transaction that marks the e-mail sent: the audit trail says to whom and on which attempt."""
    audit_record(
        action=Action.NOTICE_SENT,
        acting_as=ActingAs.SYSTEM,
        actor_name="system",
        evaluation=notice.evaluation,
        target=str(notice.evaluation.enrolment),
        after={
            "notice": notice.pk,
            "decision": notice.decision_id,
            "kind": notice.kind,
            "channel": "email",
            "to": notice.email_to,
            "attempt": notice.attempts,
            "message_id": notice.message_id,
        },
    )


def notice_email_send(*, notice_id: int) -> bool:
    """Send the notice's e-mail once (common.outbox.outbox_send): False when there is nothing to send or the
    server refused it for good; raises TransientMailError when the server may take it later."""
    return outbox_send(Notice, notice_id)


__all__ = [
    "TransientMailError",
    "email_address_of",
    "notice_email_send",
    "notice_issue_for_decision",
    "notice_email_message",
    "notice_email_recorded",
    "notice_mark_read",
    "notices_issue_for_cycle",
]
