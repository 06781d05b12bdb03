"""The fixed cast (healthchecks' alice/bob/charlie, extended to our roles).

official_a and official_b are both rated in the same open cycle, in different agencies. The unit secretary
belongs to official_b's agency, so official_a's file is out of their reach.
"""

import time
from dataclasses import dataclass

import pytest

from cycles.models import AgencyRating
from officials.models import Role
from officials.services import role_grant

from .factories import PASSWORD, CycleFactory, OfficialFactory, UserFactory, enrol, open_self_assessment
from .worker import mail_worker, worker_starter  # noqa: F401 (fixtures for the worker tests)


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in Vietnamese: a request made in English leaves the thread's language switched
    (LocaleMiddleware activates it and nothing deactivates it), and a later test's messages would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Cast:
    cycle: object
    official_a: object
    official_b: object
    users: dict


@pytest.fixture
def cast(db):
    cycle = CycleFactory()
    open_self_assessment(cycle)
    alice = UserFactory(username="alice", first_name="Alice")
    bob = UserFactory(username="bob", first_name="Bob")
    official_a = OfficialFactory(full_name="Nguyễn Thị An", user=alice)
    official_b = OfficialFactory(full_name="Trần Văn Bình", user=bob)
    enrol(cycle, official_a)
    enrol(cycle, official_b)
    # Both are directors ("Giám đốc"), so heads: under Decree 233 Art. 15(1)(a) they are rated after their
    # agencies, whose levels are recorded here (HTXSNV: no cap). Tests of the head rule change or remove them.
    for official in (official_a, official_b):
        AgencyRating.objects.create(cycle=cycle, organisation=official.organisation, level="htxsnv")
    users = {"official_a": alice, "official_b": bob}
    for key, role in [
        ("home_affairs", Role.HOME_AFFAIRS),
        ("chair", Role.CHAIR),
        ("office_staff", Role.OFFICE_STAFF),
        ("administrator", Role.ADMINISTRATOR),
    ]:
        users[key] = UserFactory(username=key)
        role_grant(user=users[key], role=role)
    users["unit_secretary"] = UserFactory(username="unit_secretary")
    role_grant(user=users["unit_secretary"], role=Role.UNIT_SECRETARY, organisation=official_b.organisation)
    users["outsider"] = UserFactory(username="outsider")
    return Cast(cycle=cycle, official_a=official_a, official_b=official_b, users=users)


@pytest.fixture
def login(client):
    """Log the test client in as one of the cast."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        second_factor_satisfy(client, user)
        return client

    return _login


def second_factor_satisfy(client, user):
    """What entering a TOTP code does to the session (issue #18), for the roles that need a second factor: a
    confirmed device and a fresh verification, so tests that switch PORTAL_SECOND_FACTOR_ENFORCED on still pass
    through the `login` fixture. With the switch off nothing is needed (and the query counts stay as they were)."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.second_factor import VERIFIED_AT_SESSION_KEY, second_factor_required

    if not settings.PORTAL_SECOND_FACTOR_ENFORCED or not second_factor_required(user):
        return
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="totp", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_SESSION_KEY] = int(time.time())
    session.save()


@pytest.fixture
def password():
    return PASSWORD
