"""Sessions and new-device mail (issue #18 item 8)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import KnownDevice, SecurityEmail, SessionRecord

pytestmark = pytest.mark.django_db


def _login(username, password, agent="Firefox"):
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
    return client


def test_a_person_sees_their_sessions_and_ends_the_others(cast, password):
    laptop = _login("alice", password, agent="Laptop Firefox")
    phone = _login("alice", password, agent="Phone Chrome")
    page = laptop.get(reverse("accounts:session_list"))
    text = page.content.decode()
    assert "Laptop Firefox" in text and "Phone Chrome" in text
    assert SessionRecord.objects.filter(user=cast.users["official_a"]).count() == 2
    assert laptop.post(reverse("accounts:sessions_end_others")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302  # logged out
    assert laptop.get(reverse("home")).status_code == 200
    assert Session.objects.count() == 1


def test_another_persons_sessions_are_not_listed_or_ended(cast, password):
    alice = _login("alice", password, agent="Alice browser")
    bob = _login("bob", password, agent="Bob browser")
    assert "Bob browser" not in alice.get(reverse("accounts:session_list")).content.decode()
    alice.post(reverse("accounts:sessions_end_others"))
    assert bob.get(reverse("home")).status_code == 200


def test_a_password_change_still_ends_the_other_sessions(cast, password):
    first = _login("alice", password)
    second = _login("alice", password)
    new = "ngựa ăn cỏ bên sông Lô 2026"
    response = first.post(
        reverse("password_change"), {"old_password": password, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert first.get(reverse("home")).status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_a_login_from_a_new_device_is_mailed_for_roles_with_a_second_factor(
    cast, password, monkeypatch, django_capture_on_commit_callbacks, settings
):
    sent = []

    def queued(label, pk):
        row = SecurityEmail.objects.get(pk=pk)
        sent.append((row.user_id, row.details["agent"], row.details["ip"]))

    monkeypatch.setattr("common.outbox._publish", queued)
    chair = cast.users["chair"]
    chair.email = "chair@example.invalid"
    chair.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = _login("chair", password, agent="Office PC")
    assert sent == []  # the first device ever is not news
    cookie = first.cookies[settings.PORTAL_KNOWN_DEVICE_COOKIE]
    assert cookie["httponly"]
    with django_capture_on_commit_callbacks(execute=True):
        same = Client(HTTP_USER_AGENT="Office PC")
        same.cookies[settings.PORTAL_KNOWN_DEVICE_COOKIE] = cookie.value
        same.post(reverse("login"), {"username": "chair", "password": password})
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        _login("chair", password, agent="Unknown tablet")
    assert len(sent) == 1 and sent[0][0] == chair.pk and sent[0][1] == "Unknown tablet"
    assert KnownDevice.objects.filter(user=chair).count() == 2


def test_an_official_without_a_second_factor_gets_no_new_device_mail(cast, password):
    _login("alice", password)
    assert not KnownDevice.objects.exists()
