"""Settings shared by every environment. Environment-specific modules import * from here.

With no DATABASE_URL the portal runs on SQLite and with no REDIS_URL Celery uses kombu's filesystem
transport: the same code path as production (a real worker consumes the queue), no servers needed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "officials",
    "cycles",
    "tracking",
    "reviews",
    "documents",
    "audit",
    "conference",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "evaluation_portal.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "evaluation_portal.middleware.NoStoreForAuthenticatedMiddleware",
    "audit.middleware.RefusedAccessMiddleware",
    # django-axes must be last (its docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evaluation_portal.urls"
WSGI_APPLICATION = "evaluation_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "officials.context_processors.portal_roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL lets readers run beside one writer,
    # IMMEDIATE takes the write lock at BEGIN so concurrent writers wait instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ASVS 5.0 6.2.1/6.2.4/6.2.5: length and a common-password list, no composition rules, no rotation.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock on the (username, IP) pair with a cool-off, never on the IP alone, because a
# provincial office shares one egress address (reliability notes §2.5, ASVS 6.1.1).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions: 30 minutes idle (sliding), 12 hours absolute (ASVS 4.0.3 3.3.2 level 2).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict CSP: our own files only, no inline script or style, no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded evidence and generated documents live outside the web root and are only ever
# streamed by access-checked views; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ---------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than the longest task, so an unacknowledged task is not redelivered while still running.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
# The job rows in the database are the source of truth; Celery results are not kept.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The job rows are the outbox: every minute beat sends again any document job whose message was lost
# (broker down at request time, worker killed). `manage.py documents_reconcile` does the same by hand.
CELERY_BEAT_SCHEDULE = {
    "documents-reconcile": {"task": "documents.tasks.documents_reconcile", "schedule": 60.0},
    # Notice e-mails lost while the broker was down, or held by a killed worker, are sent again.
    "notice-emails-requeue": {"task": "reviews.tasks.notice_emails_requeue", "schedule": 300.0},
    # Periodic tracking (issue #12): periods close at their deadline; reminders before it, each sent once.
    "tracking-periods-close": {"task": "tracking.tasks.periods_close", "schedule": 120.0},
    "tracking-period-reminders": {"task": "tracking.tasks.period_reminders_queue", "schedule": 600.0},
}
# How many days before a period's deadline the people who have not sent it are reminded (and, from then until as
# long after it, their trackers). No text fixes a lead time (Decrees 233/2026 and 335/2025 set none; see
# reference/periodic-tracking.md); three days is this portal's default.
TRACKING_REMINDER_DAYS = int(os.environ.get("TRACKING_REMINDER_DAYS", "3"))

# --- Printed documents ----------------------------------------------------------------------------
# A rendering worker writes a heartbeat this often; a running job without one for DOCUMENTS_STALE_AFTER_SECONDS
# is taken over by another delivery. A queued job sent that long ago and still untouched is sent again.
DOCUMENTS_HEARTBEAT_SECONDS = int(os.environ.get("DOCUMENTS_HEARTBEAT_SECONDS", "5"))
DOCUMENTS_STALE_AFTER_SECONDS = int(os.environ.get("DOCUMENTS_STALE_AFTER_SECONDS", "60"))
DOCUMENTS_RESEND_AFTER_SECONDS = int(os.environ.get("DOCUMENTS_RESEND_AFTER_SECONDS", "120"))
# After this many attempts (each one's worker died mid-render) a job is failed and waits for a person.
DOCUMENTS_MAX_ATTEMPTS = int(os.environ.get("DOCUMENTS_MAX_ATTEMPTS", "3"))
# The issuer of the Home Affairs report (BC) and the summary table: the department of this name under the
# cycle's authority (documents.selectors.papers.home_affairs_organisation); its Letterhead row, if any, prints it.
DOCUMENTS_HOME_AFFAIRS_NAME = os.environ.get("DOCUMENTS_HOME_AFFAIRS_NAME", "Sở Nội vụ")

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "danhgia@localhost")

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo data (invented people, printed passwords) may only be loaded where this is on.
PORTAL_DEMO_ALLOWED = False

# Absolute links in e-mails (invitations, reminders, notices).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Evidence attached to a self-assessment: PDF, PNG or JPEG, checked by content.
PORTAL_EVIDENCE_MAX_BYTES = int(os.environ.get("PORTAL_EVIDENCE_MAX_MB", "10")) * 1024 * 1024
PORTAL_EVIDENCE_MAX_FILES = 20
