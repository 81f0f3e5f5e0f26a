"""OneWindow settings: one file, every value from an environment variable with a demo default.

Every variable is listed in docs/configuration.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()

DEMO_SECRET_KEY = "onewindow-demo-secret-key-do-not-use-in-production"

DEBUG = env.bool("ONEWINDOW_DEBUG", default=False)
# "demo" allows the demo secrets; "production" refuses to start with them, or with DEBUG on, and
# turns on the HTTPS settings below by default.
ONEWINDOW_MODE = env.str("ONEWINDOW_MODE", default="demo")
PRODUCTION = ONEWINDOW_MODE == "production"
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (ONEWINDOW_MODE=production).")
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Django's own deploy check (security.W009) asks for this much.
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")
if PRODUCTION and DEBUG:
    # DEBUG shows settings, SQL and stack traces to anyone who triggers an error.
    raise ImproperlyConfigured("ONEWINDOW_DEBUG must be off in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = Path(env.str("ONEWINDOW_VAR_DIR", default=str(PROJECT_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files (no CDN)
    # Failed sign-ins: throttling, lockout, and their log in the admin (named in our languages).
    "onewindow.core.thirdparty_apps.AxesConfig",
    "csp",  # the Content-Security-Policy header
    # Before django_tasks_db: core's `db_worker` (with a heartbeat) replaces the upstream one.
    "onewindow.core",
    "django_tasks",
    "onewindow.core.thirdparty_apps.TasksDatabaseConfig",  # django_tasks_db, named
    "onewindow.accounts",
    "onewindow.catalog",
    "onewindow.cases",
    "onewindow.delivery",
    "onewindow.notifications",
    "onewindow.workspace",
    "onewindow.kiosk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Below the language, so that their refusals read in the reader's language.
    "onewindow.core.middleware.ApiErrorShapeMiddleware",
    "onewindow.core.middleware.RequestInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "onewindow.accounts.middleware.IdleSessionMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

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
                "onewindow.core.context_processors.region",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so that
    # concurrent writers queue instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff land on their role's workspace (workspace/views.py); a `next` parameter wins.
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "home"

# Every account is a staff account: passwords of at least 12 characters, not close to the user's
# names, not common, and not made of the user name or a date (accounts/passwords.py). The demo
# command sets its accounts' password directly, past these rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "onewindow.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("ONEWINDOW_PASSWORD_MIN_LENGTH", default=12)},
    },
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": ("username", "full_name", "first_name", "last_name", "email")
        },
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "onewindow.accounts.passwords.NotNameOrDateValidator"},
]

# Failed sign-ins (django-axes): after ONEWINDOW_LOGIN_FAILURE_LIMIT failures a user name is locked
# from every address, and an address for every user name, for ONEWINDOW_LOGIN_LOCKOUT_MINUTES
# (counted from the last failure). The attempts live in the database, so every web process sees
# them and administrators find them in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ONEWINDOW_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ONEWINDOW_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "onewindow.accounts.lockout.lockout_response"
# The same client address as the platform's other limits (core.ratelimit).
AXES_CLIENT_IP_CALLABLE = "onewindow.core.ratelimit.client_address"
AXES_HTTP_RESPONSE_CODE = 429
# The log lines name the user name and address (never the password), so that an operator can see
# who is being guessed from where; django-axes would mask both by default.
AXES_SENSITIVE_PARAMETERS = []

# Idle staff sessions end: the session (and its cookie) expires this many minutes after the last
# request (accounts/middleware.py slides it along at most once a minute).
ONEWINDOW_SESSION_IDLE_MINUTES = env.int("ONEWINDOW_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = ONEWINDOW_SESSION_IDLE_MINUTES * 60

# HTTPS. Production turns each on by default (what `onewindow check --deploy` asks for); the demo
# serves plain HTTP on loopback. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER to the
# header the proxy sets, e.g. HTTP_X_FORWARDED_PROTO,https, and make sure the proxy overwrites it.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is a header and a value: HEADER,value")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only; no
# inline script or style, no eval, no framing. Swagger UI (/api/docs) works under it as well.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
# Where browsers report violations; unset, they only show them in their console.
ONEWINDOW_CSP_REPORT_URI = env.str("ONEWINDOW_CSP_REPORT_URI", default="")
if ONEWINDOW_CSP_REPORT_URI:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [ONEWINDOW_CSP_REPORT_URI]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise expects the folder even when it serves from the app folders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

TASKS = {
    "default": {
        "BACKEND": env.str("ONEWINDOW_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# Task workers that die lose nothing (core/workers.py): each `db_worker` beats every
# HEARTBEAT seconds; a RUNNING task whose worker has not beaten for STALE seconds runs again, up to
# MAX_RUNS runs in all (a task that keeps killing its worker is then marked failed).
ONEWINDOW_WORKER_HEARTBEAT_SECONDS = env.float("ONEWINDOW_WORKER_HEARTBEAT_SECONDS", default=5.0)
ONEWINDOW_WORKER_STALE_SECONDS = env.float("ONEWINDOW_WORKER_STALE_SECONDS", default=30.0)
ONEWINDOW_TASK_MAX_RUNS = env.int("ONEWINDOW_TASK_MAX_RUNS", default=3)
if ONEWINDOW_WORKER_STALE_SECONDS < 2 * ONEWINDOW_WORKER_HEARTBEAT_SECONDS:
    # A live worker late by one beat must not look dead.
    raise ImproperlyConfigured(
        "ONEWINDOW_WORKER_STALE_SECONDS must be at least twice ONEWINDOW_WORKER_HEARTBEAT_SECONDS."
    )
# The supervisor's board lists cases decided but not issued, and issued results whose messages
# or parcel did not go out, this many minutes later.
ONEWINDOW_STUCK_AFTER_MINUTES = env.int("ONEWINDOW_STUCK_AFTER_MINUTES", default=30)

# Region code of the district (行政区划代码): prefixes case numbers.
ONEWINDOW_REGION_CODE = env.str("ONEWINDOW_REGION_CODE", default="441303")
ONEWINDOW_REGION_NAME = env.str("ONEWINDOW_REGION_NAME", default="惠阳区")
# A case or a step turns yellow when at most ceil(limit × ratio) working days remain, at least 1,
# at most ONEWINDOW_WARNING_MAX_DAYS, never on its first day (cases/deadlines.py warning_days).
ONEWINDOW_WARNING_RATIO = env.float("ONEWINDOW_WARNING_RATIO", default=0.2)
ONEWINDOW_WARNING_MAX_DAYS = env.int("ONEWINDOW_WARNING_MAX_DAYS", default=5)
# Staff get colour changes grouped: at most one notice per recipient in this many minutes.
ONEWINDOW_COLOUR_NOTICE_MINUTES = env.int("ONEWINDOW_COLOUR_NOTICE_MINUTES", default=60)
if not 0 <= ONEWINDOW_WARNING_RATIO <= 1 or ONEWINDOW_WARNING_MAX_DAYS < 1:
    raise ImproperlyConfigured(
        "ONEWINDOW_WARNING_RATIO must be between 0 and 1 and ONEWINDOW_WARNING_MAX_DAYS at least 1."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Mobile numbers, ID numbers and credit codes never reach a log in clear (core/logmask.py).
    "filters": {
        "mask_identities": {"()": "onewindow.core.logmask.MaskIdentities"},
        # A 403 is logged in one line, without the traceback Django adds (core/logfilters.py).
        "refusal_in_one_line": {"()": "onewindow.core.logfilters.RefusalInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_identities"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["refusal_in_one_line"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each rendering step at INFO; fontTools each subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes says each failed sign-in and lockout at WARNING; its INFO lines are chatter.
        "axes": {"level": "WARNING"},
    },
}

# Serve static files straight from the app folders (no collectstatic needed for the demo).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# Largest scanned material accepted at intake, in bytes.
ONEWINDOW_MAX_UPLOAD_BYTES = env.int("ONEWINDOW_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Hours a scan attached to an intake form sent back for a correction is kept for that form.
ONEWINDOW_PENDING_UPLOAD_HOURS = env.int("ONEWINDOW_PENDING_UPLOAD_HOURS", default=24)
# Working days an applicant has to hand in tolerated missing materials (容缺) by default.
ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS = env.int("ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS", default=5)
# Public progress lookups per client address and minute (page and API share the counter).
ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE = env.int("ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE", default=10)

# Wrong secrets per case number and day, from all addresses together: guessing a case's 4-digit
# secret from many addresses fails too (docs/security.md, "Rate limits").
ONEWINDOW_PROGRESS_WRONG_SECRETS_PER_NUMBER = env.int(
    "ONEWINDOW_PROGRESS_WRONG_SECRETS_PER_NUMBER", default=10
)

# The rate limiter's counters. One process: memory. Several web processes: a shared cache, e.g.
# CACHE_URL=redis://127.0.0.1:6379/0 (django-environ syntax), so that limits hold across them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://onewindow")}
# The client address behind reverse proxies (core.ratelimit.client_address). Default: trust
# nothing, REMOTE_ADDR. Either the number of proxies in front whose X-Forwarded-For entries are
# trusted, or the name of a header the proxy sets to the client's address (e.g. X-Real-IP).
ONEWINDOW_TRUSTED_PROXIES = env.int("ONEWINDOW_TRUSTED_PROXIES", default=0)
ONEWINDOW_CLIENT_ADDRESS_HEADER = env.str("ONEWINDOW_CLIENT_ADDRESS_HEADER", default="")
if ONEWINDOW_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("ONEWINDOW_TRUSTED_PROXIES must be 0 or more.")

# SMS gateway (HTTP, JSON POST with a bearer key). Empty URL: SMS are written to the outbox and not
# sent (the demo shows them to staff).
ONEWINDOW_SMS_GATEWAY_URL = env.str("ONEWINDOW_SMS_GATEWAY_URL", default="")
ONEWINDOW_SMS_GATEWAY_KEY = env.str("ONEWINDOW_SMS_GATEWAY_KEY", default="")

# Certificates (delivery/signing.py). The Ed25519 private key, PEM PKCS#8; the demo generates it
# when missing, production refuses to start without one.
ONEWINDOW_SIGNING_KEY_FILE = env.str(
    "ONEWINDOW_SIGNING_KEY_FILE", default=str(VAR_DIR / "keys" / "certificate-signing.pem")
)
if PRODUCTION and not (
    env.str("ONEWINDOW_SIGNING_KEY_FILE", default="") and Path(ONEWINDOW_SIGNING_KEY_FILE).is_file()
):
    raise ImproperlyConfigured(
        "ONEWINDOW_SIGNING_KEY_FILE must name the certificate signing key (PEM) in production."
    )
# Issue the result document in the background as soon as a case is decided (Art. 44: within 10
# working days); off, a clerk issues it with the case page's 出件 button.
ONEWINDOW_ISSUE_AFTER_DECISION = env.bool("ONEWINDOW_ISSUE_AFTER_DECISION", default=True)
# Public keys (PEM files, comma-separated) of retired signing keys, still trusted when checking
# certificates they signed (key rotation, docs/certificates.md).
ONEWINDOW_SIGNING_RETIRED_PUBLIC_KEYS = env.list(
    "ONEWINDOW_SIGNING_RETIRED_PUBLIC_KEYS", default=[]
)
# The address the public reaches the site at: the QR code on a certificate opens its
# verification page there.
# `onewindow serve ADDR` sets it from ADDR when it is not configured; production refuses to start
# without it (a QR code pointing at the demo's address would send the public nowhere).
ONEWINDOW_PUBLIC_URL = env.str("ONEWINDOW_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not env.str("ONEWINDOW_PUBLIC_URL", default="").strip():
    raise ImproperlyConfigured(
        "ONEWINDOW_PUBLIC_URL must be set in production: the QR code of every certificate "
        "opens its verification page at that address."
    )
# Public certificate verifications per client address and minute (page and API together).
ONEWINDOW_VERIFICATIONS_PER_MINUTE = env.int("ONEWINDOW_VERIFICATIONS_PER_MINUTE", default=20)
# Largest PDF accepted for verification by upload, in bytes.
ONEWINDOW_VERIFY_MAX_PDF_BYTES = env.int("ONEWINDOW_VERIFY_MAX_PDF_BYTES", default=5 * 1024 * 1024)

# Outbox messages (notifications/tasks.py): attempts per message before it is marked failed, and the
# first retry delay in seconds, doubled at each further attempt (30, 60, 120, 240 s by default).
ONEWINDOW_MESSAGE_MAX_ATTEMPTS = env.int("ONEWINDOW_MESSAGE_MAX_ATTEMPTS", default=5)
ONEWINDOW_MESSAGE_RETRY_SECONDS = env.float("ONEWINDOW_MESSAGE_RETRY_SECONDS", default=30.0)
# Seconds a send task's claim on a message lasts: a message still "sending" after that was left
# by a worker that died mid-send, and is sent again (with the same idempotency key). Longer than
# the slowest send (the SMS gateway's 5 s timeout, EMAIL_TIMEOUT).
ONEWINDOW_MESSAGE_CLAIM_SECONDS = env.float("ONEWINDOW_MESSAGE_CLAIM_SECONDS", default=30.0)
# E-mail to applicants over SMTP. The demo's default backend prints mails to the console.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@zwfw.example.gov.cn")

# Pickup at the window and smart lockers (取件柜).
# Days a window pickup code (领取码) stays valid.
ONEWINDOW_PICKUP_CODE_DAYS = env.int("ONEWINDOW_PICKUP_CODE_DAYS", default=90)
# Days after a deposit when an uncollected result's applicant is reminded, and when it goes back
# to the window (the locker code stops working then).
ONEWINDOW_LOCKER_REMIND_DAYS = env.int("ONEWINDOW_LOCKER_REMIND_DAYS", default=2)
ONEWINDOW_LOCKER_RETURN_DAYS = env.int("ONEWINDOW_LOCKER_RETURN_DAYS", default=5)
# Wrong codes one client (address) may type at one cabinet per window of so many minutes; then
# that client waits for the window's end. Others are not affected.
ONEWINDOW_LOCKER_MAX_ATTEMPTS = env.int("ONEWINDOW_LOCKER_MAX_ATTEMPTS", default=5)
ONEWINDOW_LOCKER_LOCKOUT_MINUTES = env.int("ONEWINDOW_LOCKER_LOCKOUT_MINUTES", default=15)
# Wrong codes per clock hour, from all clients together, that a waiting locker code may be tried
# against; past it, that code does not open its compartment until the hour ends. At least
# MAX_ATTEMPTS x 60 / LOCKOUT_MINUTES, so that one client alone cannot lock a compartment.
ONEWINDOW_LOCKER_GUESSES_PER_CODE_HOUR = env.int(
    "ONEWINDOW_LOCKER_GUESSES_PER_CODE_HOUR", default=20
)
# Wrong window pickup codes (领取码) for one case after which its code stops working until the
# clerk sends a new one.
ONEWINDOW_PICKUP_MAX_ATTEMPTS = env.int("ONEWINDOW_PICKUP_MAX_ATTEMPTS", default=5)
# Lock drivers by name (a Locker's `driver`): name=dotted.path.to.DriverClass, comma-separated.
ONEWINDOW_LOCKER_DRIVERS = env.dict(
    "ONEWINDOW_LOCKER_DRIVERS",
    default={"simulator": "onewindow.delivery.lockers.drivers.SimulatorDriver"},
)

# Mail delivery (EMS) through a courier's HTTP API. The default is the courier simulator on
# loopback, which `onewindow serve` starts itself (ONEWINDOW_COURIER_SIMULATOR=false to stop it).
ONEWINDOW_COURIER_URL = env.str("ONEWINDOW_COURIER_URL", default="http://127.0.0.1:8090")
DEMO_COURIER_KEY = "demo-courier-key"
ONEWINDOW_COURIER_KEY = env.str("ONEWINDOW_COURIER_KEY", default=DEMO_COURIER_KEY)
# Shared secret of the HMAC-SHA256 signature on the courier's tracking events (the webhook).
DEMO_COURIER_WEBHOOK_SECRET = "demo-courier-webhook-secret"
ONEWINDOW_COURIER_WEBHOOK_SECRET = env.str(
    "ONEWINDOW_COURIER_WEBHOOK_SECRET", default=DEMO_COURIER_WEBHOOK_SECRET
)
# Shortest webhook secret and courier key production accepts: a secret anyone can guess signs
# tracking events (a result "delivered" that was not), a guessable key books parcels in our name.
MIN_WEBHOOK_SECRET_LENGTH = 32
MIN_COURIER_KEY_LENGTH = 16
if PRODUCTION and (
    ONEWINDOW_COURIER_WEBHOOK_SECRET == DEMO_COURIER_WEBHOOK_SECRET
    or len(ONEWINDOW_COURIER_WEBHOOK_SECRET) < MIN_WEBHOOK_SECRET_LENGTH
):
    raise ImproperlyConfigured(
        "ONEWINDOW_COURIER_WEBHOOK_SECRET must be set in production, "
        f"at least {MIN_WEBHOOK_SECRET_LENGTH} random characters."
    )
if PRODUCTION and (
    ONEWINDOW_COURIER_KEY == DEMO_COURIER_KEY or len(ONEWINDOW_COURIER_KEY) < MIN_COURIER_KEY_LENGTH
):
    raise ImproperlyConfigured(
        "ONEWINDOW_COURIER_KEY must be set in production, "
        f"at least {MIN_COURIER_KEY_LENGTH} characters."
    )
# Where the courier posts tracking events: this site's webhook, as the courier reaches it.
ONEWINDOW_COURIER_WEBHOOK_URL = env.str(
    "ONEWINDOW_COURIER_WEBHOOK_URL", default="http://127.0.0.1:8000/api/delivery/courier/webhook"
)
# Seconds a signed webhook timestamp may differ from our clock (replays of old calls are refused).
ONEWINDOW_COURIER_WEBHOOK_TOLERANCE = env.int("ONEWINDOW_COURIER_WEBHOOK_TOLERANCE", default=300)
# Creating a shipment: attempts, and the first retry delay in seconds (doubling each time).
ONEWINDOW_COURIER_ATTEMPTS = env.int("ONEWINDOW_COURIER_ATTEMPTS", default=5)
ONEWINDOW_COURIER_RETRY_SECONDS = env.int("ONEWINDOW_COURIER_RETRY_SECONDS", default=30)
# A simulated courier in production would report parcels delivered that were never sent.
ONEWINDOW_COURIER_SIMULATOR = env.bool("ONEWINDOW_COURIER_SIMULATOR", default=not PRODUCTION)
# Seconds between the simulator's tracking events (collected → in transit → out → delivered).
ONEWINDOW_COURIER_SIMULATOR_INTERVAL = env.float("ONEWINDOW_COURIER_SIMULATOR_INTERVAL", default=20)
