"""Personal data encrypted at rest: a model field that stores Fernet tokens, and a keyed blind index for lookups.

Keys come from settings, never from the database:

- `FIELD_ENCRYPTION_KEYS`: Fernet keys (urlsafe base64, 32 bytes; `Fernet.generate_key()`), newest first. The first
  encrypts; every one decrypts (cryptography's MultiFernet). Rotation: put a new key first, keep the old ones after
  it, run `manage.py field_keys_rotate` (re-encrypts every stored value with the first key), then drop the old ones.
- `FIELD_BLIND_INDEX_KEY`: the HMAC-SHA256 key of the blind index, so that "is this number already someone's?" is an
  indexed equality without decrypting every row. It is not rotated with the encryption keys (the index would change);
  changing it means recomputing every index (`field_keys_rotate --reindex`).

A Fernet token is random-looking base64 with a timestamp and a MAC: nothing of the plain value shows in the table.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

__all__ = ["EncryptedTextField", "blind_index", "decrypt", "encrypt", "encryption_keys_check", "rotate_token"]


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be encrypted.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        # Never echo the token or a value: this message may reach an error report.
        raise ImproperlyConfigured(
            "A stored encrypted value does not open with any key of FIELD_ENCRYPTION_KEYS."
        ) from error


def rotate_token(token: str) -> str:
    """The same value encrypted again with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()


def blind_index(plain: str) -> str:
    """A keyed hash of the value (HMAC-SHA256, hex): equal values give equal indexes, and without the key it
    cannot be reversed by trying every 12-digit number."""
    key = settings.FIELD_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_BLIND_INDEX_KEY is empty.")
    return hmac.new(key.encode(), plain.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text stored as a Fernet token. Python code sees the plain text; the database only ever the token.

    Lookups other than isnull cannot work on a randomised token: look values up through a blind index column.
    The empty string is stored as is (nothing to hide) so `blank=True` fields stay cheap to test for.
    """

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))


def encryption_keys_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: both keys set, and every encryption key a valid Fernet key."""
    errors: list[checks.CheckMessage] = []
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(checks.Error("FIELD_ENCRYPTION_KEYS is not set.", id="common.E001"))
    for position, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            errors.append(
                checks.Error(f"FIELD_ENCRYPTION_KEYS[{position}] is not a Fernet key.", id="common.E002")
            )
    if len(settings.FIELD_BLIND_INDEX_KEY) < 32:
        errors.append(checks.Error("FIELD_BLIND_INDEX_KEY must be at least 32 characters.", id="common.E003"))
    return errors
