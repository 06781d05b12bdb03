"""Security wiring that Django does not ship: cache headers and an absolute session lifetime."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
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
