"""Types the annotations share: who is asking, and the request a logged-in view receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_htmx.middleware import HtmxDetails

__all__ = ["AnyUser", "AuthenticatedHttpRequest"]

# `request.user` as Django hands it over: the portal keeps Django's own user model (no AUTH_USER_MODEL swap),
# and an access helper may be asked about an anonymous visitor.
AnyUser: TypeAlias = "User | AnonymousUser"


class AuthenticatedHttpRequest(HttpRequest):
    """The request every view gets unless it is marked @login_not_required: LoginRequiredMiddleware has sent
    anonymous visitors to the login page, and django-htmx's middleware has added `htmx` (django-stubs' advice
    for typing `request.user` behind a login)."""

    user: User
    htmx: HtmxDetails
