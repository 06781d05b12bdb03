"""Login throttling around django-axes (issue #18 item 2; ASVS 5.0 6.1.1, 6.3.1).

- The client's address is taken behind a configured number of trusted proxies (`client_ip`).
- A (username, address) pair is locked after AXES_FAILURE_LIMIT failures; the lock does not restart while it
  lasts (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False) and each further lock of the same pair within a
  day lasts twice as long (`cool_off`): a growing delay instead of a lock that renews itself.
- One address that fails more than PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off, whatever the
  usernames, is throttled as a whole (password spraying; `PortalAxesHandler`).
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

MAX_COOL_OFF = timedelta(hours=24)


def client_ip(request: HttpRequest) -> str:
    """The address of the client, behind PORTAL_TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, and the nearest
    one is REMOTE_ADDR; so the client is the (count + 1)-th address from the right of [X-Forwarded-For...,
    REMOTE_ADDR]. Entries further left are written by the client and never trusted. With no trusted proxies,
    or a request that did not pass through them, REMOTE_ADDR is the answer.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in forwarded if hop] + [remote]
    if len(hops) <= count:
        return remote
    candidate = hops[-(count + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _previous_locks(request: HttpRequest) -> int:
    username = get_client_username(request)
    ip_address = getattr(request, "axes_ip_address", None)
    if not username or not ip_address:
        return 0
    return int(
        AccessFailureLog.objects.filter(
            username=username,
            ip_address=ip_address,
            locked_out=True,
            attempt_time__gte=timezone.now() - MAX_COOL_OFF,
        ).count()
    )


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """PORTAL_LOGIN_COOLOFF for the first lock of a (username, address) pair within a day, doubled for each
    further one, at most a day (AXES_COOLOFF_TIME)."""
    base: timedelta = settings.PORTAL_LOGIN_COOLOFF
    if request is None:
        return base
    locks = _previous_locks(request)
    longer: timedelta = base * 2 ** max(locks - 1, 0)
    return min(longer, MAX_COOL_OFF)


def address_failures(ip_address: str) -> int:
    since = timezone.now() - settings.PORTAL_LOGIN_COOLOFF
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return int(total or 0)


class PortalAxesHandler(AxesDatabaseHandler):  # type: ignore[misc]  # django-axes ships no types
    """axes' database handler, plus the per-address throttle against password spraying."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address:
            return False
        return address_failures(str(ip_address)) >= settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT
