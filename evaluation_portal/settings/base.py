"""Settings shared by every environment. Environment-specific modules import * from here.

With no DATABASE_URL the portal runs on SQLite and with no REDIS_URL Celery uses kombu's filesystem
transport: the same code path as production (a real worker consumes the queue), no servers needed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import structlog
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
    "django_prometheus",
    "django_structlog",
    "common",
    "officials",
    "cycles",
    "tracking",
    "reviews",
    "documents",
    "audit",
    "conference",
    "national_db",
    "portal",
    # Issue #16: database roles, backup and restore (management commands only).
    "operations",
    # Issue #17: digital signatures on issued papers.
    "signing",
    # Issue #18: the second factor (TOTP and recovery codes) and the account's security pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics (issue #16 item 8); its partner is the last but one.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id (X-Request-ID, or a new one) bound to every log line of the request and the jobs it starts.
    "django_structlog.middlewares.RequestMiddleware",
    "evaluation_portal.middleware.RequestIdHeaderMiddleware",
    "evaluation_portal.middleware.DatabaseUnavailableMiddleware",
    # Refuses an oversized body before anything reads it, and adds Permissions-Policy (issue #18 item 7).
    "evaluation_portal.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are served precompressed by WhiteNoise (CompressedManifestStaticFilesStorage writes .gz files at
    # collectstatic), before this middleware sees them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue #15: pages are compressed (a 50-row table is ~10× smaller). Django's docs ask for it before any
    # middleware that reads or changes the body; since Django 4.2 it pads the compressed body with random bytes
    # ("Heal The Breach"), which mitigates BREACH for the CSRF token in our HTML.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "evaluation_portal.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: sends a user who needs a second factor to enrol or verify (issue #18 item 1).
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.SessionRecordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "evaluation_portal.middleware.NoStoreForAuthenticatedMiddleware",
    "audit.middleware.RefusedAccessMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
# The first lock's cool-off; accounts.lockout.cool_off doubles it for each further lock within a day.
PORTAL_LOGIN_COOLOFF = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Issue #18 item 2. A lock does not restart with each attempt made during it (even one with the right password),
# and each further lock of the same (user, address) within a day doubles the cool-off (accounts.lockout).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
# The failure log (with which failure locked) is what cool_off counts earlier locks in.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client's address behind PORTAL_TRUSTED_PROXY_COUNT trusted proxies (0: REMOTE_ADDR itself; 1: the address
# the one proxy in front appended to X-Forwarded-For). Never the left-most X-Forwarded-For entry, which the
# client writes itself. accounts.lockout.client_ip reads it for django-axes, the audit trail and the sessions page.
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Sessions: 30 minutes idle (sliding), 12 hours absolute (ASVS 4.0.3 3.3.2 level 2).
# Django's database sessions, retried once on a fresh connection when the old one dropped (common/sessions.py).
SESSION_ENGINE = "common.sessions"
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
        # kombu's exchange table; its default is a relative "control/", i.e. wherever the worker was started.
        "control_folder": str(_broker_dir / "control"),
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
# A request that publishes while Redis is down gives up in about a second (the outbox row stays pending for the
# reconciler) instead of holding the person's page for kombu's default retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# The worker keeps trying a lost broker for ever (it is the one thing it cannot work without).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# beat wakes at least this often, so its heartbeat and the 10-second reconcilers stay on time.
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
# beat writes its heartbeat on each wake-up; workers write theirs from a thread (common/health.py).
CELERY_BEAT_SCHEDULER = "common.health:HeartbeatScheduler"
# The worker logs through Django's LOGGING (JSON lines with the request id), not Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
HEARTBEAT_SECONDS = int(os.environ.get("HEARTBEAT_SECONDS", "10"))
# Readiness (/readyz) fails when a heartbeat is older than this.
HEARTBEAT_STALE_SECONDS = int(os.environ.get("HEARTBEAT_STALE_SECONDS", "60"))
# The job rows are the outbox: every minute beat sends again any document job whose message was lost
# (broker down at request time, worker killed). `manage.py documents_reconcile` does the same by hand.
# Both are one cheap indexed query when nothing is waiting, so a short interval costs nothing when idle and
# work held up by a dead worker or a broker outage resumes within seconds of the cause going (issue #16 item 6).
CELERY_BEAT_SCHEDULE = {
    "documents-reconcile": {
        "task": "documents.tasks.documents_reconcile",
        "schedule": float(os.environ.get("DOCUMENTS_RECONCILE_SECONDS", "10")),
    },
    # Every outbox e-mail (common/outbox.py) lost while the broker was down, or held by a killed worker.
    "outbox-reconcile": {
        "task": "common.tasks.outbox_reconcile",
        "schedule": float(os.environ.get("OUTBOX_RECONCILE_SECONDS", "10")),
    },
    # Periodic tracking (issue #12): periods close at their deadline; reminders before it, each sent once.
    "tracking-periods-close": {"task": "tracking.tasks.periods_close", "schedule": 120.0},
    "tracking-period-reminders": {"task": "tracking.tasks.period_reminders_queue", "schedule": 600.0},
    # Issue #17: every signed result gets its sync entry, and pending entries go through the adapter.
    "national-db-sync": {"task": "national_db.tasks.national_db_sync", "schedule": 300.0},
    # Issue #16 item 8: the audit trail's hash chain walked once an hour; /metrics shows the newest outcome.
    "audit-chain-check": {
        "task": "audit.tasks.audit_chain_check",
        "schedule": float(os.environ.get("AUDIT_CHAIN_CHECK_SECONDS", "3600")),
    },
}
# How many days before a period's deadline the people who have not sent it are reminded (and, from then until as
# long after it, their trackers). No text fixes a lead time (Decrees 233/2026 and 335/2025 set none; see
# reference/periodic-tracking.md); three days is this portal's default.
TRACKING_REMINDER_DAYS = int(os.environ.get("TRACKING_REMINDER_DAYS", "3"))

# --- Printed documents ----------------------------------------------------------------------------
# A rendering worker writes a heartbeat this often; a running job without one for DOCUMENTS_STALE_AFTER_SECONDS
# is taken over by another delivery. A queued job sent that long ago and still untouched is sent again.
DOCUMENTS_HEARTBEAT_SECONDS = int(os.environ.get("DOCUMENTS_HEARTBEAT_SECONDS", "5"))
# Four missed heartbeats: a killed worker's job is taken over within ~30 s with the 10 s reconciler (issue #16).
DOCUMENTS_STALE_AFTER_SECONDS = int(os.environ.get("DOCUMENTS_STALE_AFTER_SECONDS", "20"))
DOCUMENTS_RESEND_AFTER_SECONDS = int(os.environ.get("DOCUMENTS_RESEND_AFTER_SECONDS", "120"))
# After this many attempts (each one's worker died mid-render) a job is failed and waits for a person.
DOCUMENTS_MAX_ATTEMPTS = int(os.environ.get("DOCUMENTS_MAX_ATTEMPTS", "3"))
# Issue #15: a long paper (the conference pack, all forms of a cohort) is split into slices of this many laid-out
# parts (one person's form each), rendered by as many workers as run; a worker's memory is bounded by a slice.
DOCUMENTS_PART_SIZE = int(os.environ.get("DOCUMENTS_PART_SIZE", "25"))
# For the fault tests only (0 everywhere else): a pause after each laid-out part, so a kill lands mid-render even on
# a loaded machine (issue #16 item 10).
DOCUMENTS_TEST_PART_PAUSE_SECONDS = float(os.environ.get("DOCUMENTS_TEST_PART_PAUSE_SECONDS", "0"))
# One person flooding the printers (issue #18 item 6): new jobs of one kind per person per window. Asking again for the
# same data costs nothing (it returns the existing job). No text fixes a number: enough for a clerk printing a batch.
DOCUMENTS_REQUESTS_PER_WINDOW = int(os.environ.get("DOCUMENTS_REQUESTS_PER_WINDOW", "20"))
DOCUMENTS_REQUEST_WINDOW_MINUTES = int(os.environ.get("DOCUMENTS_REQUEST_WINDOW_MINUTES", "10"))
# The issuer of the Home Affairs report (BC) and the summary table: the department of this name under the
# cycle's authority (documents.selectors.papers.home_affairs_organisation); its Letterhead row, if any, prints it.
DOCUMENTS_HOME_AFFAIRS_NAME = os.environ.get("DOCUMENTS_HOME_AFFAIRS_NAME", "Sở Nội vụ")

# --- Personal data at rest and the national personnel database (issue #17) ------------------------------
# Fernet keys (comma-separated, newest first) that encrypt the personal identification number; the first encrypts,
# all decrypt. Rotation and the blind index key: common/encryption.py and README ("Personal data"). Empty here:
# local and test settings give fixed non-secret keys; production must set both (a system check refuses otherwise).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_BLIND_INDEX_KEY = os.environ.get("FIELD_BLIND_INDEX_KEY", "")
# How soon a signed rating result must reach the national database of cadres, civil servants and public employees.
# Decree 27/2026/NĐ-CP Art. 19 (all CBCCVC): the sources disagree — news.laodong.vn (article 1643451) reports "no
# later than 1 day after the process ends", other summaries (Cần Thơ, vnnow) "3 working days"; the text itself was
# not at hand. Default: the stricter reading, 1 calendar day. Set NATIONAL_DB_SYNC_DAYS=3 and
# NATIONAL_DB_SYNC_WORKING_DAYS=true for the other reading.
NATIONAL_DB_SYNC_DAYS = int(os.environ.get("NATIONAL_DB_SYNC_DAYS", "1"))
NATIONAL_DB_SYNC_WORKING_DAYS = env_bool("NATIONAL_DB_SYNC_WORKING_DAYS", False)
# Decree 233/2026 Art. 18(1)(b): results of public employees (viên chức) "chậm nhất 05 ngày sau khi có kết quả".
NATIONAL_DB_SYNC_DAYS_PUBLIC_EMPLOYEES = int(os.environ.get("NATIONAL_DB_SYNC_DAYS_PUBLIC_EMPLOYEES", "5"))
# Home Affairs' board warns this many hours before a result's deadline (and after it, until it is acknowledged).
NATIONAL_DB_WARNING_HOURS = int(os.environ.get("NATIONAL_DB_WARNING_HOURS", "24"))
# The adapter that sends results (national_db/adapters.py); the default writes a JSON file per batch here.
NATIONAL_DB_ADAPTER = os.environ.get("NATIONAL_DB_ADAPTER", "national_db.adapters.JsonFileAdapter")
NATIONAL_DB_EXPORT_DIR = Path(os.environ.get("NATIONAL_DB_EXPORT_DIR", VAR_DIR / "national_db"))
# --- Digital signatures (issue #17; Decree 30/2020 Art. 5, 13(7), 17(2), Phụ lục I; Decree 68/2024) ---------
# The roots a signer's certificate must chain to (PEM or DER files, colon-separated in the environment): in
# production the Government Cipher Committee's special-use roots. Without any, no signature is trusted.
SIGNING_TRUST_ROOTS = [path for path in os.environ.get("SIGNING_TRUST_ROOTS", "").split(":") if path]
# CRL/OCSP fetching while validating (needs the network); off: revocation is not checked (soft-fail).
SIGNING_FETCH_REVOCATION = os.environ.get("SIGNING_FETCH_REVOCATION", "0") == "1"
# An RFC 3161 timestamp server makes the portal's own signatures PAdES B-T; empty: B-B.
SIGNING_TIMESTAMP_URL = os.environ.get("SIGNING_TIMESTAMP_URL", "")
SIGNING_TIMESTAMP_TIMEOUT = int(os.environ.get("SIGNING_TIMESTAMP_TIMEOUT", "10"))
# Decree 30/2020 Art. 17(2) leaves it to the province who holds the organisation's key: the records clerk's USB token
# (off, the default) or the portal itself (on: the clerk presses "Ký số của cơ quan" and the server signs).
SIGNING_ORGANISATION_SIGNS_ON_SERVER = os.environ.get("SIGNING_ORGANISATION_SIGNS_ON_SERVER", "0") == "1"
# The key the portal holds for that: a PKCS#12 file and its passphrase, or a PKCS#11 token (module, token label,
# key label, PIN; needs `pip install python-pkcs11`), the PKCS#11 token winning when its module is set.
SIGNING_ORGANISATION_PKCS12 = os.environ.get("SIGNING_ORGANISATION_PKCS12", "")
SIGNING_ORGANISATION_PKCS12_PASSPHRASE = os.environ.get("SIGNING_ORGANISATION_PKCS12_PASSPHRASE", "")
SIGNING_ORGANISATION_PKCS11_MODULE = os.environ.get("SIGNING_ORGANISATION_PKCS11_MODULE", "")
SIGNING_ORGANISATION_PKCS11_TOKEN = os.environ.get("SIGNING_ORGANISATION_PKCS11_TOKEN", "")
SIGNING_ORGANISATION_PKCS11_KEY = os.environ.get("SIGNING_ORGANISATION_PKCS11_KEY", "")
SIGNING_ORGANISATION_PKCS11_PIN = os.environ.get("SIGNING_ORGANISATION_PKCS11_PIN", "")
# Phụ lục I: the organisation's signature shows its red seal, as a PNG with a transparent background.
SIGNING_SEAL_IMAGE = os.environ.get("SIGNING_SEAL_IMAGE", "")
# …"at the real size of the seal" (Phụ lục I): its diameter in millimetres. 35 mm is a common size for an
# organisation's round seal; set the real one.
SIGNING_SEAL_SIZE_MM = float(os.environ.get("SIGNING_SEAL_SIZE_MM", "35"))
# A signed PDF sent back by the plugin or uploaded by hand, and a PDF sent to the public verification page.
SIGNING_UPLOAD_MAX_BYTES = int(os.environ.get("SIGNING_UPLOAD_MAX_MB", "10")) * 1024 * 1024
# How long the URLs handed to the USB token's signing plugin (the PDF to sign, where to post it) stay valid.
SIGNING_PLUGIN_TOKEN_SECONDS = int(os.environ.get("SIGNING_PLUGIN_TOKEN_SECONDS", "900"))
# The token vendor's JavaScript (vgcaplugin.js), served by us from static files when the province has it, e.g.
# "vendor/vgca/vgcaplugin.js"; empty: the page looks for the plugin's functions and otherwise offers download/upload.
SIGNING_PLUGIN_SCRIPT = os.environ.get("SIGNING_PLUGIN_SCRIPT", "")
# DEMO ONLY: where `load_demo` writes its throw-away CA, keys and seal (settings.local points the above there).
SIGNING_DEMO_DIR = VAR_DIR / "signing-demo"
# The public verification page (no login): checks per address per window.
SIGNING_VERIFY_PER_WINDOW = int(os.environ.get("SIGNING_VERIFY_PER_WINDOW", "10"))
SIGNING_VERIFY_WINDOW_MINUTES = int(os.environ.get("SIGNING_VERIFY_WINDOW_MINUTES", "10"))

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "danhgia@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# An SMTP conversation gives up well before its claim goes stale, so a live send is never taken over.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))

# --- The e-mail outbox (common/outbox.py, issue #16 items 2, 3 and 6) ----------------------------
# A row claimed as "sending" longer than this belongs to a killed worker and is sent again (with the same
# Message-ID). Longer than EMAIL_TIMEOUT plus rendering the message; far shorter than the task time limit.
OUTBOX_STALE_CLAIM_SECONDS = int(os.environ.get("OUTBOX_STALE_CLAIM_SECONDS", "20"))
# A row still pending this long after it was queued (or last tried) lost its message: publish it again.
OUTBOX_RESEND_AFTER_SECONDS = int(os.environ.get("OUTBOX_RESEND_AFTER_SECONDS", "10"))
OUTBOX_RECONCILE_BATCH = 500
# Transient failures (the network, SMTP 4yz) and killed workers: after this many attempts a row waits for a person.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
# The right-hand side of every Message-ID (RFC 5322 §3.6.4): the sender's domain.
OUTBOX_MESSAGE_ID_DOMAIN = os.environ.get(
    "OUTBOX_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
)

# --- Logging --------------------------------------------------------------------------------------
# Structured logs (issue #16 item 8): one JSON object a line with the request id (X-Request-ID when the proxy
# sends one, else a new one; returned in the response), carried into the worker by django-structlog's Celery
# integration so a job's lines share the id of the request that asked for it. DJANGO_LOG_FORMAT=console for
# people reading a terminal.
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
            "foreign_pre_chain": _PRE_CHAIN,
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": _PRE_CHAIN,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)

# /metrics (Prometheus): a bearer token, or the scraper's address; with neither set nobody may read them.
PORTAL_METRICS_TOKEN = os.environ.get("PORTAL_METRICS_TOKEN", "")
PORTAL_METRICS_ALLOWED_IPS = env_list("PORTAL_METRICS_ALLOWED_IPS", [])
# The audit trail's hash-chain check for /metrics: a dotted path to a function returning "ok", "broken" or
# "unknown" (portal/health.py:audit_chain_status); by default the newest hourly walk (audit.tasks.audit_chain_check).
PORTAL_AUDIT_CHAIN_STATUS = os.environ.get("PORTAL_AUDIT_CHAIN_STATUS", "audit.selectors.audit_chain_state")

# Demo data (invented people, printed passwords) may only be loaded where this is on.
PORTAL_DEMO_ALLOWED = False

# Absolute links in e-mails (invitations, reminders, notices).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Evidence attached to a self-assessment: PDF, PNG or JPEG, checked by content.
PORTAL_EVIDENCE_MAX_BYTES = int(os.environ.get("PORTAL_EVIDENCE_MAX_MB", "10")) * 1024 * 1024
PORTAL_EVIDENCE_MAX_FILES = 20

# --- Issue #18: ASVS level 2 -----------------------------------------------------------------------
# The second factor (ASVS 5.0 6.3.3 / 4.0.3 2.8): TOTP with recovery codes, required for every role other than
# "official" (the chair and vice-chairs, Home Affairs, unit secretaries, office staff, administrators).
# The test settings switch it off for the suite's password logins; tests/test_second_factor.py switches it on.
PORTAL_SECOND_FACTOR_ENFORCED = True
# Step-up (ASVS 5.0 6.3.x / 4.0.3 2.2.x re-authentication): sign-off, a replaced decision and issuing documents
# ask for a fresh code when the last one is older than this.
PORTAL_STEP_UP_MINUTES = int(os.environ.get("PORTAL_STEP_UP_MINUTES", "10"))
# "Remember this device": a signed, HttpOnly cookie that spares the code for this long (ASVS 5.0 6.3.x;
# kept at or below the 12-hour absolute session lifetime of ASVS 4.0.3 3.3.2).
PORTAL_REMEMBER_DEVICE_SECONDS = 12 * 60 * 60
PORTAL_REMEMBER_DEVICE_COOKIE = "portal_remember_device"
# Marks a browser the user logged in from before, for the "login from a new device" e-mail (ASVS 5.0 6.3.5).
PORTAL_KNOWN_DEVICE_COOKIE = "portal_device"
PORTAL_RECOVERY_CODE_COUNT = 10
OTP_TOTP_ISSUER = "Cổng đánh giá"

# Password spraying (issue #18 item 2): more failed logins than this from one address within the cool-off,
# whatever the usernames, throttle that address (well above a busy office's honest typos behind one NAT).
PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
# The owner of an account being tried hears of it at most this often.
PORTAL_LOGIN_ALERT_INTERVAL = timedelta(hours=1)

# Request bodies (issue #18 item 7): refused with 413 from Content-Length before anything is read. The largest
# honest body is one 10 MB evidence file with its form; the proxy in front should cap at the same size.
PORTAL_REQUEST_MAX_BYTES = int(os.environ.get("PORTAL_REQUEST_MAX_MB", "12")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The browser features the portal never uses (Permissions-Policy; ASVS 5.0 3.4.x).
PORTAL_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)

# Zip archives (.xlsx uploads) are judged by their central directory before parsing (issue #18 item 4). The
# portal's own cap-facts template for 400 people is under 1 MB unpacked.
PORTAL_ARCHIVE_MAX_MEMBERS = 200
PORTAL_ARCHIVE_MAX_MEMBER_BYTES = 20 * 1024 * 1024
PORTAL_ARCHIVE_MAX_TOTAL_BYTES = 50 * 1024 * 1024
PORTAL_ARCHIVE_MAX_RATIO = 100

# ClamAV (issue #18 item 5): uploads are scanned by clamd when one of these is set; unreachable then refuses.
PORTAL_CLAMD_SOCKET = os.environ.get("PORTAL_CLAMD_SOCKET", "")
PORTAL_CLAMD_HOST = os.environ.get("PORTAL_CLAMD_HOST", "")
PORTAL_CLAMD_PORT = int(os.environ.get("PORTAL_CLAMD_PORT", "3310"))
PORTAL_CLAMD_TIMEOUT_SECONDS = 30
