"""Authentication, sessions, headers and CSRF (reliability notes §2; ASVS 5.0 levels 1–2)."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_the_username_from_that_address_only(settings, password):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, alice.username, "wrong-password-123", "10.0.0.7")
    locked = _login(client, alice.username, password, "10.0.0.7")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # A colleague behind the same office NAT is not locked out (ASVS 6.1.1: no malicious lockout).
    assert _login(Client(), bob.username, password, "10.0.0.7").status_code == 302
    # Alice herself from another address is not locked either: the lock is on the pair.
    assert _login(Client(), alice.username, password, "10.0.0.8").status_code == 302


def test_lockout_has_a_cool_off(settings):
    assert settings.AXES_COOLOFF_TIME is not None
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_wrong_password_gets_a_vietnamese_message():
    UserFactory(username="alice")
    response = _login(Client(), "alice", "not-the-password", "10.0.0.9")
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


@pytest.mark.parametrize("candidate", ["short", "123456789012", "password1234", "alice-alice-alice"])
def test_weak_passwords_are_refused(candidate):
    user = get_user_model()(username="alice-alice-alice")
    with pytest.raises(ValidationError):
        validate_password(candidate, user)


@pytest.mark.parametrize("candidate", ["ngựa ăn cỏ bên sông Lô", "a" * 20 + "-bến-nước-" + "z" * 100])
def test_long_passphrases_are_accepted_without_composition_rules(candidate):
    validate_password(candidate, get_user_model()(username="alice"))


def test_pages_require_login_by_default(client):
    response = client.get(reverse("cycles:cycle_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_without_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["official_a"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("logout")).status_code == 403
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 403


def test_logout_is_post_only_and_ends_the_server_session(cast, client, login):
    login(cast.users["official_a"])
    assert client.get(reverse("logout")).status_code == 405
    old_session = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = old_session
    assert replay.get(reverse("home")).status_code == 302


def test_every_response_carries_a_strict_csp_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_authenticated_pages_are_not_cached(cast, client, login):
    login(cast.users["home_affairs"])
    cache_control = client.get(reverse("home")).headers["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_no_inline_scripts_or_styles_in_our_templates():
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and " style=" not in text and "<style" not in text, template
        assert "onclick=" not in text and "hx-on" not in text, template


def test_sessions_expire_after_30_idle_minutes_and_12_hours_in_all(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 60 * 60


def test_a_session_older_than_the_absolute_lifetime_is_logged_out(cast, client, login):
    login(cast.users["official_a"])
    session = client.session
    session["portal_login_at"] = 0  # logged in at the epoch
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    production = importlib.import_module("evaluation_portal.settings.production")
    production = importlib.reload(production)
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")
    assert production.CSRF_COOKIE_NAME.startswith("__Host-")
    assert production.SECURE_HSTS_SECONDS >= 31536000 and production.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert production.PORTAL_DEMO_ALLOWED is False


def test_no_accounts_exist_after_migrations():
    # ASVS 5.0 6.3.2: no default accounts ship with the portal; demo logins only come from `load_demo`.
    assert get_user_model().objects.count() == 0


def test_demo_data_is_refused_on_production_settings(settings):
    from django.core.management import CommandError, call_command

    settings.PORTAL_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("load_demo")
