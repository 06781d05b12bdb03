"""The test suite runs against the real PostgreSQL and Redis (README, `make test`)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/evaluation_portal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")

from .base import *  # noqa: E402, F403

SECRET_KEY = "test-only-not-secret-7c1e9b3a5d2f4e6a8c0b1d3f5a7e9c2b"
DEBUG = False
# Hashing cost is not what these tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
PORTAL_DEMO_ALLOWED = True
# Serve static files from the source folders (no collectstatic in tests, e.g. for the live server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded evidence from tests goes to a throwaway folder, never into the checkout (the restore tests give a child
# process a fresh folder of its own).
MEDIA_ROOT = Path(
    os.environ.get("PORTAL_TEST_MEDIA_ROOT") or Path(tempfile.gettempdir()) / "evaluation-portal-test-media"
)
# The suite logs people in with a password (and force_login); the second factor is switched off here and on
# in the tests of it (tests/test_second_factor.py). The `login` fixture marks sessions verified all the same.
PORTAL_SECOND_FACTOR_ENFORCED = False

# Not secret: fixed keys so that data encrypted by one run opens in the next (issue #17; common/encryption.py).
FIELD_ENCRYPTION_KEYS = env_list(  # noqa: F405
    "FIELD_ENCRYPTION_KEYS", ["dGVzdC1vbmx5LW5vdC1zZWNyZXQta2V5LTAwMDAwMDA="]
)
FIELD_BLIND_INDEX_KEY = os.environ.get("FIELD_BLIND_INDEX_KEY", "test-only-not-secret-blind-index-key")  # noqa: F405
# `load_demo` in the tests writes its demo signing keys to a throwaway folder too.
SIGNING_DEMO_DIR = Path(tempfile.gettempdir()) / "evaluation-portal-test-signing-demo"
