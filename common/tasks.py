"""The outbox's tasks (common/outbox.py)."""

from __future__ import annotations

from celery import shared_task
from django.apps import apps
from django.db import InterfaceError, OperationalError

from . import outbox

# A dropped or refused database connection is worth another try (issue #16 item 4); Django reconnects on the
# next query. Tasks that may run twice safely (claimed rows) use these with acks_late.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=(outbox.TransientMailError, *TRANSIENT_DB_ERRORS),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def outbox_send(label: str, pk: int) -> bool:
    """One outbox row's e-mail, by model label and id: claimed first, so a duplicate delivery sends nothing."""
    model = apps.get_model(label)
    assert issubclass(model, outbox.OutboxEmail)
    return outbox.outbox_send(model, pk)


@shared_task(autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True, max_retries=3, ignore_result=True)
def outbox_reconcile() -> int:
    """For beat (every OUTBOX_RECONCILE_SECONDS) and a starting worker: publish again what is due."""
    return outbox.outbox_reconcile()
