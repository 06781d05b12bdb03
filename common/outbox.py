"""One outbox for every e-mail the portal sends in the background (issue #16 items 2, 3 and 6).

A model that inherits `OutboxEmail` is an e-mail's outbox row. The pattern, the same for every such row:

1. The row is written in the request's (or the service's) transaction, then `outbox_enqueue(row)` publishes
   its task *after the commit*. A broker outage is swallowed and logged: the request answers normally, the row
   stays pending.
2. The worker claims the row with one conditional UPDATE (pending, or sending with a claim older than
   `OUTBOX_STALE_CLAIM_SECONDS`, → sending, with a fresh claim token). A duplicate delivery of the task finds
   nothing to claim and sends nothing.
3. The row builds its own message (`outbox_message`); the e-mail gets a `Message-ID` derived from the row, so
   a resend after a killed worker carries the same id and mail clients and servers recognise it.
4. What the server accepted (the backend's answer, the Message-ID, the time) is written on the row, guarded by
   the claim token; then the row's `outbox_sent` hook runs (an audit event, a history line).
5. `outbox_reconcile()`, run by beat every `OUTBOX_RECONCILE_SECONDS` and when a worker starts, publishes the
   task again for rows still pending after `OUTBOX_RESEND_AFTER_SECONDS` and rows whose claim went stale: one
   indexed query per outbox model (a partial index holds only the unsent rows, so it is empty when idle).

An e-mail the server refused for good (SMTP 5yz) or one that failed `OUTBOX_MAX_ATTEMPTS` times is `failed`
and waits for a person; a transient failure (the network, SMTP 4yz) goes back to pending and is retried.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from datetime import datetime

logger = logging.getLogger(__name__)

# Only these are worth another try: the server or the network failed, not the message. SMTP replies 4yz are
# "transient negative completion" (RFC 5321 §4.2.1); 5yz replies (a refused address, bad credentials) are not.
TRANSIENT_MAIL_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)
MAX_ERROR_LENGTH = 1000


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")
    SKIPPED = "skipped", _("Không cần gửi")
    NO_ADDRESS = "no_address", _("Không có địa chỉ thư điện tử")


# The rows the reconciler looks at; the partial index of every outbox table holds only these.
UNSENT = [OutboxStatus.PENDING, OutboxStatus.SENDING]


class TransientMailError(Exception):
    """The mail server could not take the message this time; the task retries (a bounded number of times)."""


@dataclass(frozen=True)
class OutboxSkip(Exception):
    """Raised by `outbox_message` when there is nothing to send any more: the row ends in `status`."""

    status: str = OutboxStatus.SKIPPED


class OutboxEmail(models.Model):
    """An e-mail's outbox row (see the module docstring). A subclass implements `outbox_message` (and may
    implement `outbox_sent`); everything else — claiming, the Message-ID, recording, resending — is here."""

    status = models.CharField(
        _("thư điện tử"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    email_to = models.EmailField(_("gửi tới"), blank=True)
    queued_at = models.DateTimeField(_("xếp hàng lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Whoever holds the current claim; the final write is conditional on it, so a worker whose claim was taken
    # over (it was too slow, or presumed dead) cannot overwrite the row.
    claim_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    sent_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    # What the mail server answered when it accepted the message (SMTP 250 reply), or the backend's result.
    accepted_reply = models.TextField(_("máy chủ thư trả lời"), blank=True)

    task_name: ClassVar[str] = "common.tasks.outbox_send"

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="%(app_label)s_%(class)s_outbox_status"
            ),
            # Sent means when and to whom; nothing else claims to have been sent.
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False) & ~Q(email_to=""))
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="%(app_label)s_%(class)s_outbox_sent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "claimed_at"],
                condition=Q(status__in=UNSENT),
                name="%(class)s_outbox",  # unsent rows only; 30 characters at most
            )
        ]

    # --- what a subclass provides ---

    def outbox_message(self) -> EmailMessage:
        """The message to send now (its recipients decide `email_to`); raise OutboxSkip when there is none."""
        raise NotImplementedError

    def outbox_sent(self) -> None:
        """Runs in the transaction that marks the row sent: an audit event, a history line."""

    # --- the pattern ---

    @classmethod
    def outbox_label(cls) -> str:
        return cls._meta.label

    def outbox_message_id(self) -> str:
        """Stable for the row: a resend carries the same id, so a second copy is recognisable as one."""
        domain = settings.OUTBOX_MESSAGE_ID_DOMAIN
        return f"<{self._meta.app_label}.{self._meta.model_name}.{self.pk}@{domain}>"

    @classmethod
    def outbox_claimable(cls, now: datetime) -> Q:
        stale = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
        return Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, claimed_at__lt=stale)

    @classmethod
    def outbox_due(cls, now: datetime) -> Q:
        """Rows the reconciler publishes again: pending for a while (lost at enqueue time) or stale claims."""
        resend = now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
        stale = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
        return Q(status=OutboxStatus.PENDING, queued_at__lt=resend) & (
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=resend)
        ) | Q(status=OutboxStatus.SENDING, claimed_at__lt=stale)

    @classmethod
    def outbox_claim(cls, pk: int) -> tuple[Self, uuid.UUID] | None:
        """The claim: one conditional UPDATE; exactly one delivery of the task wins it."""
        now = timezone.now()
        token = uuid.uuid4()
        won = cls._default_manager.filter(cls.outbox_claimable(now), pk=pk).update(
            status=OutboxStatus.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
        if not won:
            return None
        return cls._default_manager.get(pk=pk), token

    def _outbox_update(self, token: uuid.UUID, **fields: Any) -> int:
        return (
            type(self)
            ._default_manager.filter(pk=self.pk, status=OutboxStatus.SENDING, claim_token=token)
            .update(**fields)
        )


def outbox_models() -> list[type[OutboxEmail]]:
    """Every concrete outbox model of the installed apps: a new one is reconciled without being listed."""
    return [model for model in apps.get_models() if issubclass(model, OutboxEmail)]


def _publish(label: str, pk: int) -> None:
    from .tasks import outbox_send

    try:
        outbox_send.apply_async((label, pk), retry=False)
    except Exception:
        # The broker is down: the row stays pending and the reconciler sends it once the broker is back.
        logger.warning("outbox: could not enqueue %s %s; the reconciler will", label, pk, exc_info=True)


def outbox_enqueue(row: OutboxEmail) -> None:
    """Send the row's e-mail once the surrounding transaction has committed (never before: a rolled-back row
    must not be mailed). Never raises for a broker outage."""
    transaction.on_commit(partial(_publish, row.outbox_label(), row.pk), robust=True)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT_MAIL_ERRORS):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in exc.recipients.values())
    return False


def _deliver(message: EmailMessage) -> str:
    """Send one message; returns what the server (or the backend) accepted."""
    connection = get_connection()
    message.connection = connection
    sent = message.send()
    reply = getattr(connection, "last_reply", "")
    return str(reply or f"{type(connection).__module__}.{type(connection).__name__}: {sent} accepted")


def outbox_send(model: type[OutboxEmail], pk: int) -> bool:
    """Send the row's e-mail once. False when there is nothing to send (already sent, being sent by another
    delivery, nothing due any more) or the server refused it for good; raises TransientMailError when the
    server may take it later (the row is pending again)."""
    claim = model.outbox_claim(pk)
    if claim is None:
        return False
    row, token = claim
    try:
        message = row.outbox_message()
    except OutboxSkip as skip:
        row._outbox_update(token, status=skip.status, claim_token=None)
        return False
    message.extra_headers["Message-ID"] = row.outbox_message_id()
    try:
        reply = _deliver(message)
    except Exception as exc:
        transient = _is_transient(exc)
        again = transient and row.attempts < settings.OUTBOX_MAX_ATTEMPTS
        row._outbox_update(
            token,
            status=OutboxStatus.PENDING if again else OutboxStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH],
        )
        if again:
            raise TransientMailError(str(exc)) from exc
        if isinstance(exc, smtplib.SMTPException) or transient:
            return False
        raise
    with transaction.atomic():
        done = row._outbox_update(
            token,
            status=OutboxStatus.SENT,
            sent_at=timezone.now(),
            email_to=", ".join(message.to)[:254],  # the first addresses when there are many
            message_id=message.extra_headers["Message-ID"],
            accepted_reply=reply[:MAX_ERROR_LENGTH],
            last_error="",
        )
        if done:
            row.refresh_from_db()
            row.outbox_sent()
    return bool(done)


def outbox_reconcile(now: datetime | None = None) -> int:
    """Publish the task again for every row due (module docstring, step 5); returns how many."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    count = 0
    for model in outbox_models():
        # A row whose every attempt died with its worker waits for a person rather than loop for ever.
        model._default_manager.filter(
            status=OutboxStatus.SENDING, claimed_at__lt=stale, attempts__gte=settings.OUTBOX_MAX_ATTEMPTS
        ).update(status=OutboxStatus.FAILED, claim_token=None, last_error="worker lost on every attempt")
        due = list(
            model._default_manager.filter(model.outbox_due(now))
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.OUTBOX_RECONCILE_BATCH]
        )
        for pk in due:
            _publish(model.outbox_label(), pk)
        count += len(due)
    return count


def outbox_backlog() -> dict[str, int]:
    """Unsent rows per outbox model (pending or being sent), for the metrics."""
    return {
        model.outbox_label(): model._default_manager.filter(status__in=UNSENT).count()
        for model in outbox_models()
    }
