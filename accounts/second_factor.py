"""The second factor (issue #18 item 1; ASVS 5.0 6.3.3, 6.5, 6.6): TOTP through django-otp, recovery codes,
"remember this device", and step-up for the acts that decide careers.

Who needs one: everyone who holds a role other than "official" (the chair and the vice-chairs who sign
KT. CHỦ TỊCH, Home Affairs, unit secretaries, office staff, administrators) and every Django staff account; an
official may enrol too, and once enrolled is asked like everyone else.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import audit_record
from officials.permissions import roles_of

if TYPE_CHECKING:
    from common.types import AnyUser

VERIFIED_AT_SESSION_KEY = "portal_second_factor_at"
REMEMBER_SALT = "accounts.second_factor.remember"
TOTP_DEVICE_NAME = "totp"
RECOVERY_DEVICE_NAME = "recovery"


def second_factor_required(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(roles_of(user).roles) or bool(user.is_staff) or bool(user.is_superuser)


def second_factor_enrolled(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def enforced() -> bool:
    return bool(settings.PORTAL_SECOND_FACTOR_ENFORCED)


# --- Enrolment ---------------------------------------------------------------------------------------


def totp_device_for_enrolment(user: AnyUser) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (the same secret on every reload until confirmed)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False, name=TOTP_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user_id=user.pk, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline <svg> element (no script, no data: URI: the CSP stays strict)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def totp_secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def recovery_codes_issue(user: AnyUser) -> list[str]:
    """New recovery codes (each usable once), replacing any earlier ones; shown to the person once."""
    device, _created = StaticDevice.objects.get_or_create(
        user_id=user.pk, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app: the recovery codes to show once, or None if the code is
    wrong. The session counts as verified from now on."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token.strip()):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_issue(user)
        audit_record(action=Action.SECOND_FACTOR_ENROLLED, actor=user, target=user.get_username())
    second_factor_mark_verified(request, device)
    return codes


# --- Verification ------------------------------------------------------------------------------------


def second_factor_mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = int(time.time())


def second_factor_verify(request: HttpRequest, token: str) -> Any | None:
    """The device the code belongs to (TOTP or a recovery code, which is used up), or None. django-otp
    throttles repeated wrong codes per device."""
    device = match_token(request.user, token.strip().replace(" ", ""))
    if device is None:
        return None
    second_factor_mark_verified(request, device)
    return device


def step_up_fresh(request: HttpRequest) -> bool:
    """A code was entered in this session within PORTAL_STEP_UP_MINUTES (a remembered device does not count)."""
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    if not isinstance(verified_at, int):
        return False
    return time.time() - verified_at <= settings.PORTAL_STEP_UP_MINUTES * 60


# --- "Remember this device" ----------------------------------------------------------------------------


def _remember_fingerprint(user: AnyUser) -> str:
    # Bound to the password: changing it forgets every remembered device.
    return str(user.get_session_auth_hash())[:20]  # type: ignore[union-attr]


def remember_device_set(response: HttpResponse, user: AnyUser, device: Any) -> None:
    value = signing.dumps(
        {
            "u": user.pk,
            "d": device.persistent_id,
            "f": _remember_fingerprint(user),
            "n": secrets.token_hex(8),
        },
        salt=REMEMBER_SALT,
    )
    response.set_cookie(
        settings.PORTAL_REMEMBER_DEVICE_COOKIE,
        value,
        max_age=settings.PORTAL_REMEMBER_DEVICE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered_device(request: HttpRequest) -> Any | None:
    """The confirmed device a valid "remember this device" cookie names for this user, or None."""
    from django_otp.models import Device

    value = request.COOKIES.get(settings.PORTAL_REMEMBER_DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=REMEMBER_SALT, max_age=settings.PORTAL_REMEMBER_DEVICE_SECONDS)
    except signing.BadSignature:
        return None
    user = request.user
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("f") != _remember_fingerprint(user):
        return None
    device = Device.from_persistent_id(str(data.get("d", "")), for_verify=False)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def second_factor_remembered_login(request: HttpRequest, device: Any) -> None:
    """Verified by a remembered device: the session is verified, but not fresh for step-up."""
    otp_login(request, device)


# --- The invented demo (README `make run`) --------------------------------------------------------------

# DEMO ONLY, printed by `manage.py load_demo` and in the README: a TOTP key every demo role shares and
# recovery codes reset at each load. Refused unless PORTAL_DEMO_ALLOWED (never on production settings).
DEMO_TOTP_KEY_HEX = "486f616c616d44656d6f4b6579323032364f6e6c79"  # "HoalamDemoKey2026Only"
DEMO_RECOVERY_CODES = ["hoalam-1", "hoalam-2", "hoalam-3", "hoalam-4", "hoalam-5"]


def demo_second_factor_set(user: AnyUser) -> None:
    if not settings.PORTAL_DEMO_ALLOWED:
        raise RuntimeError("demo second factors are refused on these settings")
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    TOTPDevice.objects.create(user_id=user.pk, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
    device, _created = StaticDevice.objects.get_or_create(
        user_id=user.pk, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in DEMO_RECOVERY_CODES])


def demo_totp_key_base32() -> str:
    from base64 import b32encode

    return b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode().rstrip("=")
