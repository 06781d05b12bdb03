"""Security wiring that Django does not ship: cache headers, an absolute session lifetime, an early refusal of
oversized bodies and a Permissions-Policy."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers


class NoStoreForAuthenticatedMiddleware:
    """Personnel data must not stay in browser or proxy caches (ASVS 5.0 14.2.2 / 14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response


class AbsoluteSessionLifetimeMiddleware:
    """Log out after SESSION_ABSOLUTE_LIFETIME seconds however active the session was.

    The idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST (a sliding window).
    """

    KEY = "portal_login_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(self.KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class RequestLimitsMiddleware:
    """Issue #18 item 7. A body larger than PORTAL_REQUEST_MAX_BYTES is refused with 413 from its Content-Length,
    before Django reads a byte of it (the 10 MB evidence limit used to be checked after reading 200 MB); and
    every response carries a Permissions-Policy denying the browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PORTAL_REQUEST_MAX_BYTES:
            response = render(
                request,
                "413.html",
                {"limit_mb": settings.PORTAL_REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
            # The unread body cannot be reused on a kept-alive connection.
            response["Connection"] = "close"
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PORTAL_PERMISSIONS_POLICY)
        return response
