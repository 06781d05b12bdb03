"""The embedded default used by `make run`: SQLite and a filesystem broker unless URLs are given."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "local-only-not-secret-1f3c9a7e5b2d4c6e8a0b1d3f5e7c9a2b")  # noqa: F405
PORTAL_DEMO_ALLOWED = True

# SQLite file, filesystem broker and outgoing mail all live under var/ (git-ignored).
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
for _folder in ("queue", "processed", "control"):
    (VAR_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)  # noqa: F405

# Not secret: fixed keys so that data encrypted by one run opens in the next (issue #17; common/encryption.py).
FIELD_ENCRYPTION_KEYS = env_list(  # noqa: F405
    "FIELD_ENCRYPTION_KEYS", ["bG9jYWwtb25seS1ub3Qtc2VjcmV0LWtleS0wMDAwMDA="]
)
FIELD_BLIND_INDEX_KEY = os.environ.get("FIELD_BLIND_INDEX_KEY", "local-only-not-secret-blind-index-key")  # noqa: F405
# Issue #17, DEMO ONLY: the throw-away CA and keys `load_demo` writes under var/signing-demo/; the province's
# signature is made on the server. Never on production settings (their defaults are empty and off).
_SIGNING_DEMO = SIGNING_DEMO_DIR  # noqa: F405
SIGNING_TRUST_ROOTS = SIGNING_TRUST_ROOTS or [str(_SIGNING_DEMO / "ca.pem")]  # noqa: F405
SIGNING_ORGANISATION_SIGNS_ON_SERVER = True
SIGNING_ORGANISATION_PKCS12 = SIGNING_ORGANISATION_PKCS12 or str(_SIGNING_DEMO / "organisation.p12")  # noqa: F405
SIGNING_ORGANISATION_PKCS12_PASSPHRASE = SIGNING_ORGANISATION_PKCS12_PASSPHRASE or "hoalam-demo-ky-so"  # noqa: F405
SIGNING_SEAL_IMAGE = SIGNING_SEAL_IMAGE or str(_SIGNING_DEMO / "seal.png")  # noqa: F405
