"""Logins: the session list, the new-device e-mail, the "your account is being tried" e-mail; role mail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from officials.signals import role_changed

from .lockout import client_ip
from .middleware import SEEN_SESSION_KEY
from .models import KnownDevice, LoginAlert, SecurityEmailKind, SessionRecord
from .second_factor import second_factor_enrolled, second_factor_required
from .services import security_email_queue


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


@receiver(user_logged_in, dispatch_uid="accounts_logged_in")
def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    ip = client_ip(request) or None
    SessionRecord.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "ip": ip, "user_agent": _user_agent(request), "last_seen_at": timezone.now()},
    )
    request.session[SEEN_SESSION_KEY] = int(timezone.now().timestamp())
    if second_factor_required(user) or second_factor_enrolled(user):
        _known_device_check(request, user, ip or "")


def _known_device_check(request: HttpRequest, user: Any, ip: str) -> None:
    """ASVS 5.0 6.3.5: tell the person of a login from a browser they have not used before (the first device
    ever is not news)."""
    token = request.COOKIES.get(settings.PORTAL_KNOWN_DEVICE_COOKIE, "")
    if token and KnownDevice.objects.filter(user=user, token_hash=_hash(token)).exists():
        return
    token = secrets.token_urlsafe(32)
    had_devices = KnownDevice.objects.filter(user=user).exists()
    KnownDevice.objects.create(user=user, token_hash=_hash(token), user_agent=_user_agent(request))
    request.portal_new_device_token = token  # type: ignore[attr-defined]  # set as a cookie by the middleware
    if had_devices and user.email:
        details = {"agent": _user_agent(request), "ip": ip}
        security_email_queue(user=user, kind=SecurityEmailKind.NEW_DEVICE, details=details)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@receiver(user_login_failed, dispatch_uid="accounts_login_failed")
def login_failed(
    sender: Any, credentials: dict[str, Any] | None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Issue #18 item 2: the owner hears that their account is being tried, at most once per interval."""
    username = str((credentials or {}).get("username", ""))
    if not username:
        return
    user = get_user_model().objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return
    now = timezone.now()
    interval: timedelta = settings.PORTAL_LOGIN_ALERT_INTERVAL
    claimed = LoginAlert.objects.filter(user=user, mailed_at__lte=now - interval).update(mailed_at=now)
    if not claimed:
        _alert, created = LoginAlert.objects.get_or_create(user=user, defaults={"mailed_at": now})
        if not created:
            return
    security_email_queue(user=user, kind=SecurityEmailKind.LOGIN_ATTEMPTS)


@receiver(role_changed, dispatch_uid="accounts_role_changed")
def role_change_mailed(sender: Any, assignment: Any, change: str, by: Any = None, **kwargs: Any) -> None:
    """Changes made by a person (the admin, a page) are mailed; set-up by the demo loader and tests is not."""
    if by is None:
        return
    details = {"role": assignment.role, "change": change, "by_name": by.get_username()}
    security_email_queue(user=assignment.user, kind=SecurityEmailKind.ROLE_CHANGE, details=details)
