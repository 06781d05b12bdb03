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
        call_command("load_demo", "--without-papers")


# --- Issue #18 item 2: lockout behind the proxy, no self-renewing lock, spraying, the owner told ----------


def _via_proxy(client, username, password, client_address):
    """A login as the TLS proxy forwards it: REMOTE_ADDR is the proxy, the client's address is appended."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="172.18.0.2",
        HTTP_X_FORWARDED_FOR=f"203.0.113.99, {client_address}",  # the first entry is the client's own claim
    )


def test_behind_the_proxy_an_attacker_does_not_lock_the_owner_out_from_another_address(settings, password):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    UserFactory(username="chair")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _via_proxy(attacker, "chair", "wrong-password-123", "198.51.100.7")
    assert _via_proxy(attacker, "chair", password, "198.51.100.7").status_code == 429
    assert _via_proxy(Client(), "chair", password, "198.51.100.20").status_code == 302


def test_a_spoofed_forwarded_for_does_not_escape_the_lock(settings, password):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    UserFactory(username="alice")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "alice", "password": "wrong-password-123"},
            REMOTE_ADDR="172.18.0.2",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7",
        )
    assert _via_proxy(client, "alice", password, "198.51.100.7").status_code == 429


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(settings, password):
    from django.test import RequestFactory

    from accounts.lockout import client_ip

    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "1.2.3.4"
    settings.PORTAL_TRUSTED_PROXY_COUNT = 2  # the request did not pass through two proxies
    assert client_ip(request) == "10.0.0.5"


def test_attempts_during_a_lock_do_not_restart_it_and_a_second_lock_lasts_longer(settings, password):
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessFailureLog
    from django.utils import timezone

    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    UserFactory(username="alice")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong-password-123", "10.0.0.7")
    locked_at = AccessAttempt.objects.get(username="alice").attempt_time
    for attempt in ("wrong-password-123", password, "wrong-again-456"):
        assert _login(client, "alice", attempt, "10.0.0.7").status_code == 429
    # The attempts during the lock did not move its start: it ends 15 minutes after the lock, not the last try.
    assert AccessAttempt.objects.get(username="alice").attempt_time == locked_at
    # The lock expires after the cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "alice", password, "10.0.0.7").status_code == 302
    # The next lock of the same pair within a day is twice as long (a growing delay).
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "alice", "wrong-password-123", "10.0.0.7")
    assert AccessFailureLog.objects.filter(username="alice", locked_out=True).count() == 2
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(Client(), "alice", password, "10.0.0.7").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert _login(Client(), "alice", password, "10.0.0.7").status_code == 302


def test_one_address_trying_many_accounts_is_throttled(settings, password):
    settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    for n in range(21):
        UserFactory(username=f"user{n}")
    sprayer = Client()
    for n in range(20):
        assert _login(sprayer, f"user{n}", "Mùa-xuân-2026", "10.0.0.66").status_code == 200
    # The 21st account, even with its right password, is refused from that address...
    assert _login(sprayer, "user20", password, "10.0.0.66").status_code == 429
    # ...and not from another one.
    assert _login(Client(), "user20", password, "10.0.0.67").status_code == 302


def test_the_owner_is_mailed_when_their_account_is_tried_at_most_once_an_hour(
    monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from accounts.models import LoginAlert, SecurityEmail

    sent = []
    monkeypatch.setattr(
        "common.outbox._publish", lambda label, pk: sent.append(SecurityEmail.objects.get(pk=pk).user_id)
    )
    owner = UserFactory(username="alice", email="alice@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _login(Client(), "alice", "wrong-password-123", "10.0.0.7")
    assert sent == [owner.pk]
    LoginAlert.objects.update(mailed_at=LoginAlert.objects.get().mailed_at - timedelta(hours=1, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        _login(Client(), "alice", "wrong-password-123", "10.0.0.8")
    assert sent == [owner.pk, owner.pk]


def test_the_alert_mail_is_in_vietnamese(mailoutbox):
    from accounts.models import SecurityEmail
    from common.outbox import outbox_send

    owner = UserFactory(username="alice", email="alice@example.invalid")
    row = SecurityEmail.objects.create(user=owner, kind="login_attempts")
    assert outbox_send(SecurityEmail, row.pk) is True
    assert mailoutbox[0].to == ["alice@example.invalid"]
    assert "đang thử đăng nhập" in mailoutbox[0].subject


# --- Issue #18 item 7: Permissions-Policy, early refusal of large bodies, formula-looking cells ---------


def test_every_response_denies_browser_features_the_portal_never_uses(client):
    policy = client.get(reverse("login")).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_an_oversized_body_is_refused_with_413_before_it_is_read(settings, cast, login):
    client = login(cast.users["official_a"])
    read = []

    class Body:
        def read(self, *args):
            read.append(args)
            return b""

        def readline(self, *args):
            return self.read()

    too_big = settings.PORTAL_REQUEST_MAX_BYTES + 1
    response = client.generic(
        "POST",
        reverse("logout"),
        data=b"",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(too_big),
        **{"wsgi.input": Body()},
    )
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    assert read == []


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Bình thường", "Bình thường"),
    ],
)
def test_exported_cells_that_would_become_formulas_get_an_apostrophe(text, stored):
    from reviews.spreadsheets.workbook import cell_value_clean

    assert cell_value_clean(text) == stored
    assert cell_value_clean(-2) == -2
