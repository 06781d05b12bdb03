"""Security wiring that Django does not ship: cache headers, an absolute session lifetime, an early refusal of
oversized bodies and a Permissions-Policy."""

import logging
import time

import structlog
from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


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


class RequestIdHeaderMiddleware:
    """Returns the request id (bound by django-structlog's RequestMiddleware, from X-Request-ID or new) in the
    response's X-Request-ID, so a person reporting a problem, or the proxy's log, can name the log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = str(request_id)
        return response


class DatabaseUnavailableMiddleware:
    """A database that is down or dropped the connection (issue #16 item 4): the person gets a page in Vietnamese
    that says so and that what was saved before stays saved, with 503 and Retry-After, instead of a bare 500.
    Rendered without the request's context: the context processors would ask the same database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable", exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
