"""The second factor (issue #18 item 1) with PORTAL_SECOND_FACTOR_ENFORCED on, as in production."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import VERIFIED_AT_SESSION_KEY
from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.PORTAL_SECOND_FACTOR_ENFORCED = True


def password_login(username, password, **extra):
    client = Client(**extra)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrol(client):
    """Enrol through the pages; returns the device and the recovery codes shown once."""
    page = client.get(reverse("accounts:second_factor_enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("accounts:second_factor_enrol"), {"token": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.mark.parametrize(
    "persona", ["chair", "home_affairs", "office_staff", "administrator", "unit_secretary"]
)
def test_roles_other_than_official_must_enrol_on_first_login(cast, password, persona):
    client = password_login(persona, password)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_enrol"))


def test_an_official_may_work_without_a_second_factor(cast, password):
    client = password_login("alice", password)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_shows_recovery_codes_once_and_then_the_portal_opens(cast, password):
    client = password_login("chair", password)
    device, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_ENROLLED, actor_name="chair").exists()
    # A new login asks for the code, not for a new enrolment.
    again = password_login("chair", password)
    response = again.get(reverse("home"))
    assert response.url.startswith(reverse("accounts:second_factor_verify"))
    # A recovery code works once; a wrong code is refused (django-otp then throttles the device for a while).
    assert again.post(reverse("accounts:second_factor_verify"), {"token": codes[0]}).status_code == 302
    assert again.get(reverse("home")).status_code == 200
    third = password_login("chair", password)
    assert third.post(reverse("accounts:second_factor_verify"), {"token": codes[0]}).status_code == 200
    assert third.post(reverse("accounts:second_factor_verify"), {"token": "000000"}).status_code == 200
    assert third.get(reverse("home")).status_code == 302


def test_the_admin_is_behind_the_second_factor(cast, password):
    client = password_login("administrator", password)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor_enrol"))
    enrol(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_remember_this_device_spares_the_code_for_a_new_session_but_not_step_up(cast, password, settings):
    client = password_login("chair", password)
    device, _codes = enrol(client)
    other = password_login("chair", password)
    device.refresh_from_db()
    response = other.post(
        reverse("accounts:second_factor_verify"), {"token": code_for(device, offset=1), "remember": "on"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.PORTAL_REMEMBER_DEVICE_COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) == 12 * 60 * 60
    # A third session in the same browser (the cookie) goes straight in.
    third = password_login("chair", password)
    third.cookies[settings.PORTAL_REMEMBER_DEVICE_COOKIE] = cookie.value
    assert third.get(reverse("home")).status_code == 200
    # ...but signing off still asks for a code: the remembered device is not a fresh verification.
    sign_off = third.post(
        reverse("reviews:cycle_sign_off", kwargs={"cycle_pk": cast.cycle.pk}),
        {"confirm": "yes"},
        HTTP_REFERER="http://testserver/",
    )
    assert sign_off.status_code == 302 and "step_up=1" in sign_off.url
    # Another user cannot use the cookie.
    intruder = password_login("home_affairs", password)
    intruder.cookies[settings.PORTAL_REMEMBER_DEVICE_COOKIE] = cookie.value
    assert intruder.get(reverse("home")).url.startswith(reverse("accounts:second_factor_enrol"))


def test_sign_off_asks_again_when_the_code_is_older_than_the_step_up_window(cast, login, settings):
    chair = cast.users["chair"]
    client = login(chair)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time()) - (settings.PORTAL_STEP_UP_MINUTES * 60 + 5)
    session.save()
    url = reverse("reviews:cycle_sign_off", kwargs={"cycle_pk": cast.cycle.pk})
    board = reverse("reviews:decision_board", kwargs={"cycle_pk": cast.cycle.pk})
    refused = client.post(url, {"confirm": "yes"}, HTTP_REFERER="http://testserver" + board)
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("accounts:second_factor_verify")) and "step_up=1" in refused.url
    # A fresh code lets the request through to the service (which then judges the cycle itself).
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time())
    session.save()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302 and response.url == board


def test_the_settings_switch_is_on_in_production(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    production = importlib.reload(importlib.import_module("evaluation_portal.settings.production"))
    assert production.PORTAL_SECOND_FACTOR_ENFORCED is True
    assert production.PORTAL_STEP_UP_MINUTES == 10
    assert production.PORTAL_REMEMBER_DEVICE_COOKIE.startswith("__Host-")
    assert production.PORTAL_TRUSTED_PROXY_COUNT == 1


def test_the_demo_prints_its_second_factor_and_its_recovery_code_works(settings):
    from io import StringIO

    from django.core.management import call_command

    from accounts.second_factor import DEMO_RECOVERY_CODES, demo_totp_key_base32
    from portal.demo import DEMO_PASSWORD

    out = StringIO()
    call_command("load_demo", "--without-papers", stdout=out)
    assert demo_totp_key_base32() in out.getvalue() and "DEMO ONLY" in out.getvalue()
    client = password_login("chutich", DEMO_PASSWORD)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:second_factor_verify"))
    assert (
        client.post(reverse("accounts:second_factor_verify"), {"token": DEMO_RECOVERY_CODES[0]}).status_code
        == 302
    )
    assert client.get(reverse("home")).status_code == 200
