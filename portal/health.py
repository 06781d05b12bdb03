"""What the health endpoints and the metrics read (issue #16 item 8). Liveness says the process answers and
nothing else; readiness checks every dependency a request or a job needs, each on its own, so the answer names
the one that failed; the metrics give a provincial IT team's Prometheus the queue, the outbox and the jobs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from common.health import heartbeat_age
from common.outbox import outbox_backlog
from documents.models import DocumentJob, JobStatus

# The Celery queues the worker services consume (docker-compose.yml).
QUEUES = ("celery", "documents_bulk")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def _broker() -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return  # the development filesystem broker: nothing to reach
    with _redis() as client:
        client.ping()


def _storage() -> None:
    folder = Path(settings.MEDIA_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".readyz-{uuid.uuid4().hex}"
    probe.write_bytes(b"ok")
    probe.unlink()


def _heartbeat(name: str) -> Callable[[], None]:
    def check() -> None:
        age = heartbeat_age(name)
        if age is None:
            raise RuntimeError("no heartbeat")
        if age > settings.HEARTBEAT_STALE_SECONDS:
            raise RuntimeError(f"last heartbeat {age:.0f} s ago")

    return check


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "broker": _broker,
    "storage": _storage,
    "worker": _heartbeat("worker"),
    "beat": _heartbeat("beat"),
}


def readiness() -> dict[str, str]:
    """Each check's result: "ok" or what went wrong."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"{type(exc).__name__}: {exc}"[:200]
    return results


def audit_chain_status() -> str:
    """ "ok", "broken" or "unknown": the audit trail's hash chain, through the function named by
    PORTAL_AUDIT_CHAIN_STATUS (the audit app provides it; until then the answer is "unknown")."""
    path = getattr(settings, "PORTAL_AUDIT_CHAIN_STATUS", "")
    if not path:
        return "unknown"
    try:
        return str(import_string(path)())
    except Exception:
        return "unknown"


class PortalCollector(Collector):
    """Read at scrape time from the database and Redis, so every gunicorn worker answers alike."""

    def collect(self) -> Iterator[Metric]:
        yield from self._queues()
        yield from self._jobs()
        backlog = GaugeMetricFamily(
            "portal_email_outbox_backlog", "E-mails written but not sent yet, per outbox", labels=["outbox"]
        )
        for label, count in outbox_backlog().items():
            backlog.add_metric([label], count)
        yield backlog
        chain = GaugeMetricFamily(
            "portal_audit_chain_status",
            "The audit trail's hash chain (1 for the current state)",
            labels=["state"],
        )
        current = audit_chain_status()
        for state in ("ok", "broken", "unknown"):
            chain.add_metric([state], 1 if current == state else 0)
        yield chain
        for name in ("worker", "beat"):
            try:
                age = heartbeat_age(name)
            except Exception:
                age = None
            gauge = GaugeMetricFamily(
                f"portal_{name}_heartbeat_age_seconds", f"Seconds since {name}'s heartbeat"
            )
            gauge.add_metric([], -1 if age is None else age)
            yield gauge

    def _queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "portal_queue_depth", "Messages waiting in a Celery queue", labels=["queue"]
        )
        up = GaugeMetricFamily("portal_broker_up", "1 when the broker answers")
        try:
            with _redis() as client:
                for queue in QUEUES:
                    depth.add_metric([queue], client.llen(queue))
            up.add_metric([], 1)
        except Exception:
            up.add_metric([], 0)
        yield depth
        yield up

    def _jobs(self) -> Iterator[Metric]:
        now = timezone.now()
        waiting = DocumentJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
        jobs = GaugeMetricFamily("portal_document_jobs", "Document jobs by status", labels=["status"])
        for status in JobStatus:
            jobs.add_metric([status.value], DocumentJob.objects.filter(status=status).count())
        yield jobs
        age = GaugeMetricFamily("portal_document_job_oldest_age_seconds", "Age of the oldest unfinished job")
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0)
        yield age
        failed = GaugeMetricFamily(
            "portal_document_jobs_failed_last_day", "Document jobs that failed in the last 24 hours"
        )
        failed.add_metric(
            [],
            DocumentJob.objects.filter(
                status=JobStatus.FAILED, created_at__gte=now - timedelta(days=1)
            ).count(),
        )
        yield failed
