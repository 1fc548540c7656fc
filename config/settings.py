"""Settings for the eHealth outage claims app, read from the environment only.

See README.md, section "Configuration", for every variable. There is one settings
module for every environment: development, tests and production differ only in
their environment.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Before django_tasks(_db): its db_worker command (heartbeat, recovery) wins.
    "ops",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "claims",
    "outages",
    "methodology",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY, end of this file).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns lock-outs raised by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Unset DATABASE_URL = an SQLite file in the project; postgres://... = PostgreSQL (psycopg 3).
_database_url = env_str("DATABASE_URL")
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://, "
            f"not {_database_url.split(':', 1)[0]!r}."
        )
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # Background workers and the web process share the file.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "claims.User"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT bad passwords for one
# e-mail address from one IP address, that pair is locked for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=env_int("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form posts the e-mail address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client IP behind PROXY_COUNT proxies: AXES_CLIENT_IP_CALLABLE, end of this file.

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# After `collectstatic` (production), file names carry a content hash so browsers can
# cache them forever; without it (development, tests) files are served as they are.
_static_manifest = not DEBUG and (STATIC_ROOT / "staticfiles.json").exists()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _static_manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `make run` serve static files without running collectstatic first.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_MANIFEST_STRICT = False

# Uploaded and generated files (stored dossiers, raw import files). Never public:
# they are served by views that check ownership.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Uploads: imports are read in memory up to this size and refused beyond it.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Long work (batch dossiers, big imports) goes through the Tasks API. The immediate
# backend runs it in the request (development, tests); production sets
# TASKS_BACKEND=database and runs `manage.py db_worker`.
_tasks_backend = env_str("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_tasks_backend!r}: use one of {sorted(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}

# A request for information from the legal team leaves the doctor this many days to
# correct the claim's declarations and resubmit it (the cure window).
CURE_WINDOW_DAYS = env_int("CURE_WINDOW_DAYS", 30)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
# Where links in e-mails sent outside a request (invitations from import_doctors) point.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")

# Security. Cookies, HSTS and the rest are strict whenever DEBUG is off; the HTTPS
# redirect is usually the proxy's job, so it is its own switch (README: production).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
if env_bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Quiet by default: commands print their own results; these log every step at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint reports every step of parsing its own stylesheets at import time.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Background workers and crash recovery (README). A db_worker beats every
# WORKER_HEARTBEAT_SECONDS; a task RUNNING under a worker not seen for
# WORKER_LOST_AFTER_SECONDS is re-queued (or failed) by the next worker; a lost database
# connection is retried with a back-off up to WORKER_RETRY_MAX_SECONDS. Health checks make
# every request test a reused connection first, so a restarted PostgreSQL costs no 500.
WORKER_HEARTBEAT_SECONDS = env_float("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_LOST_AFTER_SECONDS = env_float("WORKER_LOST_AFTER_SECONDS", 60)
WORKER_RETRY_MAX_SECONDS = env_float("WORKER_RETRY_MAX_SECONDS", 30)
if WORKER_LOST_AFTER_SECONDS < 3 * WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "WORKER_LOST_AFTER_SECONDS must be at least three heartbeats (WORKER_HEARTBEAT_SECONDS)."
    )
for _database in DATABASES.values():
    _database["CONN_HEALTH_CHECKS"] = True

# Independent evidence (README, "Independent evidence"): the status watcher, doctors'
# corroboration, SLA reports and the open-data API.
INSTALLED_APPS += ["ninja", "evidence"]
EHEALTH_STATUS_URL = env_str(
    "EHEALTH_STATUS_URL", "https://status.ehealth.fgov.be/fr/api/components/prod"
)
if not EHEALTH_STATUS_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"EHEALTH_STATUS_URL={EHEALTH_STATUS_URL!r} is not an http(s) URL.")
EHEALTH_STATUS_INTERVAL = env_int("EHEALTH_STATUS_INTERVAL", 60)
EHEALTH_STATUS_TIMEOUT = env_int("EHEALTH_STATUS_TIMEOUT", 10)
if EHEALTH_STATUS_INTERVAL < 1 or EHEALTH_STATUS_TIMEOUT < 1:
    raise ImproperlyConfigured("EHEALTH_STATUS_INTERVAL and EHEALTH_STATUS_TIMEOUT are >= 1 s.")
# Counts of doctors are shown only from this many on, so that no one is identifiable;
# below 5 is refused for the same reason.
CORROBORATION_MIN_DOCTORS = env_int("CORROBORATION_MIN_DOCTORS", 5)
CANDIDATE_MIN_DOCTORS = env_int("CANDIDATE_MIN_DOCTORS", 5)
if CORROBORATION_MIN_DOCTORS < 5 or CANDIDATE_MIN_DOCTORS < 5:
    raise ImproperlyConfigured("CORROBORATION_MIN_DOCTORS and CANDIDATE_MIN_DOCTORS are >= 5.")
# Open-data API: requests per client address and minute. The client's address is read
# behind PROXY_COUNT proxies, as for login throttling; without it a client could name
# itself in X-Forwarded-For and escape the limit.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
NINJA_NUM_PROXIES = env_int("PROXY_COUNT", 0)

# --- Hardening (issue 11: README, "Hardening") -------------------------------------------
# Login throttling sees the client's address, not the proxy's (config/client_ip.py).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# What one uploaded file may hold, checked while it is read, before rows are built: a
# doctor's CSV (slots, consultations) and an administrator's outage file alike.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 50)
IMPORT_MAX_LINE_CHARS = env_int("IMPORT_MAX_LINE_CHARS", 10_000)
IMPORT_MAX_ICS_EVENTS = env_int("IMPORT_MAX_ICS_EVENTS", 5000)
IMPORT_MAX_JSON_DEPTH = env_int("IMPORT_MAX_JSON_DEPTH", 64)
# Outage files are the administrator's and may be long (a whole history): their own row bound.
IMPORT_MAX_OUTAGE_ROWS = env_int("IMPORT_MAX_OUTAGE_ROWS", 200_000)
# Rows of a preview page (the rest is counted, and paged).
IMPORT_PREVIEW_ROWS = env_int("IMPORT_PREVIEW_ROWS", 200)
# An outage preview of a file above this size runs in the background, like the import.
IMPORT_BACKGROUND_PREVIEW_BYTES = env_int("IMPORT_BACKGROUND_PREVIEW_BYTES", 256 * 1024)
# An incident still open after this many days is reported by imports and the calendar.
OPEN_INCIDENT_WARNING_DAYS = env_int("OPEN_INCIDENT_WARNING_DAYS", 3)

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site
# only; no inline script, no third-party origin. Style attributes (the widths of the
# calendar's and week view's bars) are allowed: they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Notifications (notifications/: doctors' digests and reminders, reviewers' digest,
# public incident subscriptions, organisation webhooks). Every e-mail is a Delivery row
# sent by a task; failures are retried by `manage.py notifications_scheduler`.
# A failed e-mail or webhook call is tried again after RETRY_BASE seconds, then twice as
# long each time, at most MAX_ATTEMPTS times in all.
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = env_int("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", 6)
# A webhook whose calls fail this many times in a row is disabled and its owner told.
WEBHOOK_MAX_FAILURES = env_int("WEBHOOK_MAX_FAILURES", 5)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# The legal team's daily digest leaves at this hour, Brussels time.
REVIEWER_DIGEST_HOUR = env_int("REVIEWER_DIGEST_HOUR", 7)

# --- Dossier seal and public verification (issue 12) -----------------------------------------
# The organisation's e-seal (PKCS#12: certificate and key) signs every stored dossier and
# batch dossier (PAdES); without it dossiers are produced unsigned and say "not sealed".
# With a timestamp authority (RFC 3161) the seal is PAdES B-T, else B-B. README: "Seal".
DOSSIER_SEAL_P12 = env_str("DOSSIER_SEAL_P12")
DOSSIER_SEAL_PASSWORD = env_str("DOSSIER_SEAL_PASSWORD")
DOSSIER_TSA_URL = env_str("DOSSIER_TSA_URL")
if DOSSIER_TSA_URL and not DOSSIER_TSA_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"DOSSIER_TSA_URL={DOSSIER_TSA_URL!r} must be an http(s) URL.")
# /verify/: the largest PDF a visitor may upload, and uploads per minute per IP address.
VERIFY_MAX_BYTES = env_int("VERIFY_MAX_BYTES", 20 * 1024 * 1024)
VERIFY_PER_MINUTE = env_int("VERIFY_PER_MINUTE", 10)

# --- Stored files, shared cache (several app servers and workers) ---------------------------
# Every stored file goes through the default storage under a content-addressed name
# (filestore): local disk under MEDIA_ROOT by default, an S3-compatible bucket when
# S3_BUCKET is set (README, "Stored files, backups and scaling out").
INSTALLED_APPS += ["storages", "filestore"]
MIDDLEWARE += ["filestore.middleware.StoredFileIntegrityMiddleware"]

_S3_SETTINGS = ["S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION"]
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _s3_missing = [name for name in _S3_SETTINGS[2:] if not env_str(name)]
    if _s3_missing:
        raise ImproperlyConfigured(f"S3_BUCKET is set: also set {', '.join(_s3_missing)}.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY"),
            "secret_key": env_str("S3_SECRET_KEY"),
            "region_name": env_str("S3_REGION"),
            # Written once: a name that exists is never replaced (filestore checks first).
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
        },
    }
else:
    STORAGES["default"] = {"BACKEND": "filestore.storage.AtomicFileSystemStorage"}

# Who gets the alert when a stored file fails its SHA-256 check (comma-separated e-mails).
ADMINS = [("", address) for address in env_list("ADMINS")]

# Rows that point to stored files, with their SHA-256 field (manage.py storage_check).
FILESTORE_REFERENCES = [
    ("claims.Claim", "dossier", "dossier_sha256"),
    ("claims.ClaimVersion", "dossier", "dossier_sha256"),
    ("claims.BatchOutput", "file", "sha256"),
    ("outages.ImportRecord", "raw_file", "checksum"),
    ("outages.PendingImport", "stored_file", "checksum"),
]

# CACHE_URL=redis://host:6379/0 shares the cache (and login throttling) between app
# servers; unset = each process's memory (one server). Anything cached is keyed by a
# version read from the database, so servers never disagree (outages.views.calendar_feed).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ehc"),
        }
    }
    # Failed log-ins counted in the shared cache: a lock-out on one server holds on all.
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accessibility and newcomers' paths (issue 14) -----------------------------------
# Where the accessibility statement (/accessibility/) asks people to report a barrier.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "accessibility@absym-bvas.be")
if "@" not in CONTACT_EMAIL:
    raise ImproperlyConfigured(f"CONTACT_EMAIL={CONTACT_EMAIL!r} is not an e-mail address.")
# django-tasks-db under this project's translated names (config/apps.py): same app and tables.
INSTALLED_APPS = [
    "config.apps.TasksDatabaseConfig" if app == "django_tasks_db" else app for app in INSTALLED_APPS
]

# --- Outage imports in XLSX (issue 10, the import toolkit) ------------------------------
# A workbook is a zip: its parts once inflated may hold at most this many bytes (a small
# file that inflates to gigabytes is refused before it is opened), in at most this many
# sheets (only the first is read).
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_XLSX_SHEETS = env_int("IMPORT_MAX_XLSX_SHEETS", 20)

# --- Code layout (issue 10: README, "Code layout") ---------------------------------------
# The function that returns the counting rule (impacts and statuses) of the current
# methodology, for the calendar's figures: outages calls it by name so that it imports
# nothing from claims, where the methodology versions are kept. Empty: ABSyM-2024.1's rule.
OUTAGES_COUNTING_RULE = "methodology.selectors.counting_rule_current"

# --- Review list sort indexes (issue 13) ------------------------------------------------
# The sort indexes carry the list's filter columns (INCLUDE, for index-only OFFSETs) on
# PostgreSQL; SQLite has no such indexes and builds them on the key columns alone, which
# is what the warning says and what is meant.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
