"""The one settings module. Everything that differs between machines comes from the
environment (or a `.env` file beside manage.py); `.env.example` documents each variable."""

import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from ukeoi.core import siteurl

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The development default starts with "django-insecure-", which `check --deploy` reports.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-ukeoi-development-key-never-use-in-production"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A5: retired e-mail addresses are kept only as HMAC-SHA256 under this key. Set it
# explicitly in production so that rotating SECRET_KEY does not un-retire addresses.
RETIRED_IDENTIFIER_KEY = env.str("RETIRED_IDENTIFIER_KEY", default=f"retired:{SECRET_KEY}")
# Shows the demo helpers (outbox link, demo sign-ins). Never on in production.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # Serves the API docs' Swagger UI from our static files (no CDN, allowed by the CSP).
    "ninja",
    "ukeoi.core",
    "ukeoi.accounts",
    "ukeoi.legal",
    "ukeoi.ledger",
    "ukeoi.documents",
    "ukeoi.jobs",
    "ukeoi.contracts",
    "ukeoi.helpdesk",
    "ukeoi.payouts",
    "ukeoi.withdrawal",
    "ukeoi.privacy",
    "ukeoi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from STATIC_ROOT (compressed, far-future cached).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # L4: a signed-in user agrees to new terms before going on (after auth and sessions).
    "ukeoi.legal.middleware.ConsentRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ukeoi.core.middleware.ApiErrorShapeMiddleware",
    # Last: turns a refused sign-in into the "too many attempts" page (ukeoi.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ukeoi.urls"
WSGI_APPLICATION = "ukeoi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ukeoi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ukeoi.core.context_processors.site",
            ],
            "builtins": ["ukeoi.core.templatetags.ukeoi", "ukeoi.accounts.templatetags.people"],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Keep connections open: a new connection per request costs most of a cheap page.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The e-mail address is unique case-insensitively through a functional UniqueConstraint,
# which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (address, client) pair before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "ukeoi.accounts.backends.EmailBackend",
]
# Sign-in and password-reset throttling (ukeoi.accounts.lockout): AXES_FAILURE_LIMIT failures
# per (address, client IP) pause that pair for AXES_COOLOFF_TIME hours; operators lift the
# pause in the admin (Access attempts). Behind a load balancer, TRUSTED_PROXY_COUNT is the
# number of proxies that append to X-Forwarded-For (the client IP is read from there).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "ukeoi.accounts.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "ukeoi.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "ukeoi.accounts.lockout.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ukeoi" / "locale"]
# One date style per kind (2026年12月18日, 2026年12月18日 15:23): ukeoi/formats, docs/glossary.md.
FORMAT_MODULE_PATH = ["ukeoi.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "ukeoi" / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
# Hashed file names (collectstatic writes the manifest) let whitenoise cache them for a
# year; on by default without DEBUG. Tests and `make run` use the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Cache and sessions. REDIS_URL (or CACHE_URL, which wins) puts both on Redis so that every
# web worker on every machine shares them; sessions are then read through Redis and written
# to PostgreSQL (ukeoi.core.sessions), so a Redis restart signs nobody out and a Redis
# outage only makes them slower (issue 23). Without it: a per-process memory cache and
# database sessions, enough for one machine.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
# Seconds a cache call may take before the site goes on without the cache (a hung Redis).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ukeoi"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
    SESSION_ENGINE = "ukeoi.core.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "ukeoi.core.dbsessions"
# Rendered fragments whose cache key holds every value shown in them (e.g. a job card):
# never stale, so each process keeps its own copy — faster than a round trip to Redis.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Whole public pages as visitors see them (the job list, job pages), kept in the default
# cache for at most this many seconds; saves of what they show refresh them at once
# (ukeoi.core.pagecache). 0 turns it off. On by default only with a shared (Redis) cache:
# a per-process cache would not hear of saves made by the other web workers.
VISITOR_PAGE_CACHE_SECONDS = env.int("VISITOR_PAGE_CACHE_SECONDS", default=60 if CACHE_URL else 0)
# A session's copy in the cache is read again from the database after this many seconds
# (the database is the truth; ukeoi.core.sessions).
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)

# Mail. EMAIL_URL chooses the transport (smtp://user:pass@host:587 with TLS: submission://).
# Without it, DEBUG writes every mail to the dev outbox (var/outbox, listed at /dev/outbox/).
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ukeoi <noreply@ukeoi.localhost>")
# The site's public address, without a trailing slash: links in mail are built on it (never
# on a request's Host header). Unset or empty, it is the address `manage.py runserver`
# serves (`make run RUN_ADDR=127.0.0.1:8101` mails links to port 8101), else
# http://127.0.0.1:8000 (ukeoi.core.siteurl).
SITE_URL = (env.str("SITE_URL", default="") or siteurl.default(sys.argv)).rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_DIR = env.path("OUTBOX_DIR", default=BASE_DIR / "var" / "outbox")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(OUTBOX_DIR)
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# Celery. Without a broker, tasks run in-process (eagerly) so `make run` needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
# In-process mode still builds (lazy) producer pools: point them at memory, never at a
# broker that happens to listen on localhost.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then dies (machine lost, kill -9) goes back to the queue
# after this many seconds (Redis). Keep it above the longest retry delay (10 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Publishing a task tries the broker once more after 0.1 s, then leaves the task in the
# database outbox for the sweep (ukeoi.core.taskqueue): a broker outage delays work and
# costs a request ~0.1 s, never the request itself.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Mail and tasks left in the outbox (broker away when their action committed, SMTP
    # retries used up): sent again (ukeoi.core.mail.outbox_sweep, core.taskqueue).
    "core-outbox-sweep": {
        "task": "ukeoi.core.tasks.outbox_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    # B1: close jobs past their proposal deadline (idempotent; also `manage.py close_expired_jobs`).
    "jobs-close-expired": {"task": "ukeoi.jobs.tasks.close_expired_jobs", "schedule": 300.0},
    # M3, M5: the payout batch of the close that ended last (idempotent: runs, resumes or
    # does nothing; also `manage.py payout_run`). Hourly, so a missed hour only delays it.
    "payouts-run-due": {"task": "ukeoi.payouts.tasks.payout_run_due", "schedule": 3600.0},
    # P4: erasures whose 14 days have passed (idempotent; also `manage.py privacy_run_due`).
    "privacy-run-due": {"task": "ukeoi.privacy.tasks.run_due_erasures", "schedule": 3600.0},
    # P2: sign-in records older than SIGN_IN_RECORDS_KEEP_DAYS (idempotent; also
    # `manage.py privacy_expire_sign_ins`).
    "privacy-expire-sign-ins": {
        "task": "ukeoi.privacy.tasks.expire_sign_in_records",
        "schedule": 3600.0,
    },
    # B7: overdue cancellation steps, reminders, inactivity warnings and cancellations
    # (idempotent; also `manage.py contracts_auto_step`).
    "contracts-auto-step": {"task": "ukeoi.contracts.tasks.contracts_auto_step", "schedule": 900.0},
    # W9: withdraw the accounts whose withdraw-when-clear request has cleared (idempotent;
    # also `manage.py withdraw_when_clear`).
    "withdrawal-when-clear": {
        "task": "ukeoi.withdrawal.tasks.withdraw_when_clear",
        "schedule": 900.0,
    },
}

# The mail outbox: a mail still unsent this many seconds after its action committed is
# sent by the sweep; one unsent after this many days is dropped (with an error in the log).
OUTBOX_RETRY_AFTER_SECONDS = env.int("OUTBOX_RETRY_AFTER_SECONDS", default=120)
OUTBOX_GIVE_UP_DAYS = env.int("OUTBOX_GIVE_UP_DAYS", default=3)

# Personal data (P2–P4): an erasure runs this many days after it is asked for; the signed
# link in the withdrawal mail works this many seconds; an export's download link, days.
PRIVACY_ERASURE_DELAY_DAYS = env.int("PRIVACY_ERASURE_DELAY_DAYS", default=14)
PRIVACY_ERASURE_LINK_MAX_AGE = env.int("PRIVACY_ERASURE_LINK_MAX_AGE", default=60 * 60 * 24 * 90)
PRIVACY_EXPORT_VALID_DAYS = env.int("PRIVACY_EXPORT_VALID_DAYS", default=7)
# P2: sign-in records (django-axes access logs and failed attempts: address, network address,
# browser) are deleted this many days after the sign-in, and at once at erasure.
SIGN_IN_RECORDS_KEEP_DAYS = env.int("SIGN_IN_RECORDS_KEEP_DAYS", default=90)

# Payouts (M4, M6). Fees are whole yen, deducted from the payout.
PAYOUT_MINIMUM = env.int("PAYOUT_MINIMUM", default=1000)
# B6: system fees in permille of an amount (tax included), set by the operator: charged to
# the client on escrow, and to the lancer when paid. Read only by ukeoi.core.fees; each
# contract, competition and task stores the rates in force when it is made, so a change
# here applies to new agreements only.
CLIENT_FEE_PERMILLE = env.int("CLIENT_FEE_PERMILLE", default=55)
LANCER_FEE_PERMILLE = env.int("LANCER_FEE_PERMILLE", default=165)
# L2: the inspection period (検収期間) in days: a delivered milestone the client neither
# accepts nor sends back within it is accepted automatically (notice to both 3 days before).
# Each delivery stores its deadline, so a change applies to new deliveries only. A value
# that could pay a delivery later than 60 days after it is refused (`manage.py check`).
INSPECTION_DAYS = env.int("INSPECTION_DAYS", default=14)
# T1, T2: the operator as the issuer of the platform's invoices and receipts: its legal
# name and its own 適格請求書発行事業者 registration number ("T" + 13 digits; a wrong
# check digit is refused by `manage.py check`). The defaults are samples for the demo.
PLATFORM_LEGAL_NAME = env.str("PLATFORM_LEGAL_NAME", default="ukeoi 運営事務局（サンプル）")
PLATFORM_INVOICE_REGISTRATION_NUMBER = env.str(
    "PLATFORM_INVOICE_REGISTRATION_NUMBER", default="T3987654321098"
)
# Issued documents' PDFs (L1, T4): a TrueType Japanese font (scripts/ensure-document-fonts.sh).
DOCUMENT_FONT = env.str(
    "DOCUMENT_FONT", default="/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
)
PAYOUT_FEE_OWN_BANK = env.int("PAYOUT_FEE_OWN_BANK", default=100)
PAYOUT_FEE_OTHER_BANK = env.int("PAYOUT_FEE_OTHER_BANK", default=500)
# The platform's bank (transfers to it cost PAYOUT_FEE_OWN_BANK) and its paying account,
# the header record of the Zengin transfer file (JAPAN.md).
PAYOUT_PLATFORM_BANK_CODE = env.str("PAYOUT_PLATFORM_BANK_CODE", default="0001")
PAYOUT_SENDER_CODE = env.str("PAYOUT_SENDER_CODE", default="0000000001")
PAYOUT_SENDER_NAME = env.str("PAYOUT_SENDER_NAME", default="ｶ)ｳｹｵｲ")
PAYOUT_SENDER_BANK_NAME = env.str("PAYOUT_SENDER_BANK_NAME", default="ﾐｽﾞﾎ")
PAYOUT_SENDER_BRANCH_CODE = env.str("PAYOUT_SENDER_BRANCH_CODE", default="001")
PAYOUT_SENDER_BRANCH_NAME = env.str("PAYOUT_SENDER_BRANCH_NAME", default="ﾄｳｷﾖｳｴｲｷﾞﾖｳﾌﾞ")
PAYOUT_SENDER_ACCOUNT_TYPE = env.int("PAYOUT_SENDER_ACCOUNT_TYPE", default=1)
PAYOUT_SENDER_ACCOUNT_NUMBER = env.str("PAYOUT_SENDER_ACCOUNT_NUMBER", default="1234567")
# Users per batch transaction: each chunk locks, pays and commits this many accounts.
PAYOUT_CHUNK_SIZE = env.int("PAYOUT_CHUNK_SIZE", default=10000)
# Transfers per Zengin file (the trailer's count has 6 digits; some banks take fewer): a
# larger batch is written as several files.
PAYOUT_FILE_MAX_RECORDS = env.int("PAYOUT_FILE_MAX_RECORDS", default=999_999)

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content Security Policy (django-csp): only our own files; no inline style, and inline
# script only with the per-response nonce (<script nonce="{{ request.csp_nonce }}">).
# tests/security/test_csp.py keeps every template within it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 20
