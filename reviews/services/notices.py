"""Notices of results (domain.md §3.8; issue #5): once the chair signs off, each person gets a notice in the portal
and an e-mail, sent by the worker, retried on transient errors and never sent twice.

The `Notice` row is the e-mail's outbox. The worker claims it with a conditional UPDATE (pending or failed →
sending), sends, then marks it sent; a duplicate delivery of the task finds it sending or sent and does nothing.
A claim older than the task's hard time limit can only belong to a worker that was killed, so it may be taken
again (`notice_emails_requeue`).
"""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import ActingAs, Action
from audit.services import audit_record
from cycles.models import Cycle

from ..models import Decision, DecisionState, Notice, NoticeEmailStatus, NoticeKind
from ..selectors import honorific

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

    from officials.models import Official

# Only these are worth another try: the server or the network failed, not the message. SMTP replies 4yz are
# "transient negative completion" (RFC 5321 §4.2.1); 5yz replies (a refused address, bad credentials) are not.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)
MAX_ERROR_LENGTH = 1000
# A pending notice older than this was probably never enqueued (the broker was down at commit time).
REQUEUE_PENDING_AFTER = timedelta(minutes=5)


class TransientMailError(Exception):
    """The mail server could not take the message this time; the task retries (a bounded number of times)."""


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, TRANSIENT_MAIL_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in exc.recipients.values())
    return False


def email_address_of(official: Official) -> str:
    user = official.user
    return user.email if user is not None and user.is_active and user.email else ""


def _enqueue_email(notice_pk: int) -> None:
    from ..tasks import notice_email_send

    # robust: if the broker is down at commit time the notice stays pending and the requeue task finds it;
    # the chair's sign-off must not fail after it has been committed.
    transaction.on_commit(partial(notice_email_send.delay, notice_pk), robust=True)


def _issue(decision: Decision) -> tuple[Notice, bool]:
    address = email_address_of(decision.evaluation.enrolment.official)
    notice, created = Notice.objects.get_or_create(
        decision=decision,
        defaults={
            "evaluation_id": decision.evaluation_id,
            "kind": NoticeKind.REPLACED_RESULT if decision.replaces_id else NoticeKind.RESULT,
            "email_status": NoticeEmailStatus.PENDING if address else NoticeEmailStatus.NO_ADDRESS,
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
            _enqueue_email(notice.pk)
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


def _claimable(now: datetime) -> Q:
    # A claim older than the hard time limit cannot belong to a running task: the worker was killed mid-send.
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return Q(email_status__in=[NoticeEmailStatus.PENDING, NoticeEmailStatus.FAILED]) | Q(
        email_status=NoticeEmailStatus.SENDING, email_claimed_at__lt=stale
    )


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


def notice_email_send(*, notice_id: int) -> bool:
    """Send the notice's e-mail once. Returns False when there is nothing to send (already sent, being sent by
    another delivery of the task, no address) or the server refused it for good; raises TransientMailError when
    the server may take it later."""
    now = timezone.now()
    claimed = (
        Notice.objects.filter(_claimable(now), pk=notice_id)
        .select_related("evaluation__enrolment__official__user")
        .first()
    )
    if claimed is None:
        return False
    address = email_address_of(claimed.evaluation.enrolment.official)
    if not address:
        Notice.objects.filter(pk=notice_id, email_status=claimed.email_status).update(
            email_status=NoticeEmailStatus.NO_ADDRESS
        )
        return False
    # The claim: exactly one delivery of the task moves the row from what it read to "sending".
    won = Notice.objects.filter(
        _claimable(now),
        pk=notice_id,
        email_status=claimed.email_status,
        email_attempts=claimed.email_attempts,
    ).update(
        email_status=NoticeEmailStatus.SENDING,
        email_claimed_at=now,
        email_attempts=F("email_attempts") + 1,
        email_to=address,
    )
    if not won:
        return False
    notice = Notice.objects.select_related(
        "decision", "evaluation__enrolment__cycle", "evaluation__enrolment__official"
    ).get(pk=notice_id)
    try:
        _email_message(notice, address).send()
    except Exception as exc:
        Notice.objects.filter(pk=notice_id, email_status=NoticeEmailStatus.SENDING).update(
            email_status=NoticeEmailStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH],
        )
        if _is_transient(exc):
            raise TransientMailError(str(exc)) from exc
        if isinstance(exc, smtplib.SMTPException):
            return False
        raise
    with transaction.atomic():
        Notice.objects.filter(pk=notice_id, email_status=NoticeEmailStatus.SENDING).update(
            email_status=NoticeEmailStatus.SENT, emailed_at=timezone.now(), last_error=""
        )
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
                "to": address,
                "attempt": notice.email_attempts,
            },
        )
    return True


def notices_due_for_email(now: datetime | None = None) -> list[int]:
    """Notices whose e-mail should be (re)enqueued: pending for a while (lost at enqueue time), or claimed by a
    worker that was killed. Failed ones are Celery's to retry, and stay failed once its retries are spent."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return list(
        Notice.objects.filter(
            Q(email_status=NoticeEmailStatus.PENDING, created_at__lt=now - REQUEUE_PENDING_AFTER)
            | Q(email_status=NoticeEmailStatus.SENDING, email_claimed_at__lt=stale)
        ).values_list("pk", flat=True)
    )


__all__ = [
    "TRANSIENT_MAIL_ERRORS",
    "TransientMailError",
    "email_address_of",
    "notice_email_send",
    "notice_issue_for_decision",
    "notice_mark_read",
    "notices_due_for_email",
    "notices_issue_for_cycle",
]
