"""Second factor on every page (issue #18 item 1) and the session list's bookkeeping (item 8)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import SessionRecord
from .second_factor import (
    enforced,
    remembered_device,
    second_factor_enrolled,
    second_factor_remembered_login,
    second_factor_required,
)

# Pages a logged-in person reaches before the second factor: enrolling, verifying, leaving, the language.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:second_factor_enrol",
    "accounts:second_factor_verify",
    "logout",
    "login",
    "set_language",
    "healthz",
    "readyz",
    "metrics",
    "password_reset_confirm",
    "password_reset_complete",
}
SEEN_SESSION_KEY = "portal_seen_at"
SEEN_EVERY_SECONDS = 60


class SecondFactorMiddleware:
    """Whoever needs a second factor and has none is sent to enrol; whoever has one and has not used it in this
    session (nor has a remembered device) is sent to verify. The Django admin is behind it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not enforced() or user is None or not user.is_authenticated:
            return None
        if user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        device = remembered_device(request)
        if device is not None:
            second_factor_remembered_login(request, device)
            return None
        query = urlencode({"next": request.get_full_path()})
        if second_factor_enrolled(user):
            return _redirect(request, reverse("accounts:second_factor_verify") + "?" + query)
        if second_factor_required(user):
            return _redirect(request, reverse("accounts:second_factor_enrol") + "?" + query)
        return None


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionRecordMiddleware:
    """Keeps each session's "last seen" (at most once a minute) and hands out the known-device cookie that
    `accounts.receivers.logged_in` decided on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return response
        session_key = request.session.session_key
        now = int(time.time())
        seen = request.session.get(SEEN_SESSION_KEY)
        if session_key and (not isinstance(seen, int) or now - seen >= SEEN_EVERY_SECONDS):
            request.session[SEEN_SESSION_KEY] = now
            SessionRecord.objects.filter(session_key=session_key, user_id=user.pk).update(
                last_seen_at=timezone.now()
            )
        token = getattr(request, "portal_new_device_token", None)
        if token:
            response.set_cookie(
                settings.PORTAL_KNOWN_DEVICE_COOKIE,
                token,
                max_age=400 * 24 * 60 * 60,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
