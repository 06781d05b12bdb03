"""Heartbeats of the background processes (issue #16 item 8): each Celery worker writes one from a thread while
its main process lives, beat writes one each time it wakes. Readiness (`portal/health.py`) reads their age.

They are kept in Redis next to the queue they serve (with no Redis, the development filesystem broker, in files
under var/), each with a time to live, so a process that died leaves a key that expires."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

KEY = "portal:heartbeat:{name}"


def _redis() -> redis.Redis | None:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _file(name: str) -> Path:
    return Path(settings.VAR_DIR) / f"heartbeat-{name}"


def heartbeat_write(name: str) -> None:
    """One key for "some worker" (readiness) and one per host, read by that container's docker healthcheck
    (scripts/healthcheck.py)."""
    now = str(time.time())
    client = _redis()
    if client is None:
        _file(name).parent.mkdir(parents=True, exist_ok=True)
        _file(name).write_text(now)
        return
    ttl = settings.HEARTBEAT_STALE_SECONDS * 10
    with client:
        client.set(KEY.format(name=name), now, ex=ttl)
        client.set(KEY.format(name=f"{name}:{socket.gethostname()}"), now, ex=ttl)


def heartbeat_age(name: str) -> float | None:
    """Seconds since the last heartbeat, or None if there is none. Raises if Redis cannot be reached."""
    client = _redis()
    if client is None:
        path = _file(name)
        value = path.read_text() if path.exists() else None
    else:
        with client:
            raw = client.get(KEY.format(name=name))
        value = raw.decode() if isinstance(raw, bytes) else raw
    return None if value is None else max(0.0, time.time() - float(value))


def _beat_forever(name: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            heartbeat_write(name)
        except Exception:
            # Redis is down: readiness says so already; the next beat tries again.
            logger.warning("heartbeat %s not written", name, exc_info=True)
        stop.wait(settings.HEARTBEAT_SECONDS)


def worker_heartbeat_start(**_kwargs: Any) -> threading.Event:
    """Connected to Celery's worker_ready: a daemon thread of the worker's main process writes its heartbeat."""
    stop = threading.Event()
    threading.Thread(target=_beat_forever, args=("worker", stop), name="heartbeat", daemon=True).start()
    return stop


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's scheduler, writing beat's heartbeat each time it wakes (at least every
    CELERY_BEAT_MAX_LOOP_INTERVAL seconds)."""

    _last_heartbeat = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        now = time.monotonic()
        if now - self._last_heartbeat >= settings.HEARTBEAT_SECONDS / 2:
            self._last_heartbeat = now
            try:
                heartbeat_write("beat")
            except Exception:
                logger.warning("beat heartbeat not written", exc_info=True)
        return float(super().tick(*args, **kwargs))
