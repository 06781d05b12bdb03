"""Periodic tracking's background work, run by Celery beat (evaluation_portal/settings/base.py): periods close at
their deadline, and reminders go out before it — each once, whatever the number of deliveries."""

from __future__ import annotations

from celery import shared_task

from common.tasks import TRANSIENT_DB_ERRORS

from . import services


@shared_task(autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True, max_retries=3)
def periods_close() -> int:
    """Every few minutes: close the periods whose deadline has passed (the people's parts lock by themselves)."""
    return services.periods_close_due()


@shared_task(autoretry_for=TRANSIENT_DB_ERRORS, retry_backoff=True, max_retries=3)
def period_reminders_queue() -> int:
    """Every few minutes: write the reminders now due (one outbox row each) and enqueue every one not yet sent."""
    return len(services.period_reminders_due())
