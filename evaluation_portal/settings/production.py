"""Production: every secret from the environment, HTTPS only. Passes check --deploy --fail-level WARNING."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, env_bool

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# ASVS 5.0 3.3.3: __Host- cookies are bound to this host and path, never shared with subdomains.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
PORTAL_REMEMBER_DEVICE_COOKIE = "__Host-portal_remember_device"
PORTAL_KNOWN_DEVICE_COOKIE = "__Host-portal_device"
# Behind the TLS proxy of docker-compose.yml: the client address is the one it appends (issue #18 item 2).
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "1"))
# The second factor is never switched off in production.
PORTAL_SECOND_FACTOR_ENFORCED = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])  # noqa: F405

# Django's SMTP backend that keeps the server's reply, recorded on each outbox row (common/mail.py).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "common.mail.EmailBackend")

PORTAL_DEMO_ALLOWED = False

# Issue #16 item 9: gunicorn runs threads (docker-compose.yml), so each process keeps a small pool of PostgreSQL
# connections (Django 5.1+ with psycopg 3's pool) instead of one persistent connection per thread; with
# CONN_HEALTH_CHECKS Django has the pool check a connection before lending it, so one the server dropped is
# replaced, not handed to a request. Measured in docs/benchmarks.md. DJANGO_DB_POOL=false goes back to one
# persistent connection per thread.
# A new dict, not the base module's one changed in place: a test that imports these settings must not switch the
# pool on in its own process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DJANGO_DB_POOL", True):
    _pool = {
        "min_size": int(os.environ.get("DJANGO_DB_POOL_MIN_SIZE", "2")),
        # One connection per gunicorn thread: a thread never waits for another's connection.
        "max_size": int(os.environ.get("DJANGO_DB_POOL_MAX_SIZE", os.environ.get("GUNICORN_THREADS", "8"))),
        "timeout": 10,
    }
    # CONN_MAX_AGE 0: the pool keeps the connections.
    _default = DATABASES["default"] | {"CONN_MAX_AGE": 0, "OPTIONS": {"pool": _pool}}
    DATABASES = DATABASES | {"default": _default}
