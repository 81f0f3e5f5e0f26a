"""OneWindow settings: one file, every value from an environment variable with a demo default.

Every variable is listed in docs/configuration.md.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()

DEMO_SECRET_KEY = "onewindow-demo-secret-key-do-not-use-in-production"

DEBUG = env.bool("ONEWINDOW_DEBUG", default=False)
# "demo" allows the demo secret key; "production" refuses to start with it.
ONEWINDOW_MODE = env.str("ONEWINDOW_MODE", default="demo")
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if ONEWINDOW_MODE == "production" and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (ONEWINDOW_MODE=production).")

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
    "django_tasks",
    "django_tasks_db",
    "onewindow.core",
    "onewindow.accounts",
    "onewindow.catalog",
    "onewindow.cases",
    "onewindow.delivery",
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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

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

# Region code of the district (行政区划代码): prefixes case numbers.
ONEWINDOW_REGION_CODE = env.str("ONEWINDOW_REGION_CODE", default="441303")
ONEWINDOW_REGION_NAME = env.str("ONEWINDOW_REGION_NAME", default="惠阳区")
# Remaining working days at or below which a case turns yellow.
ONEWINDOW_WARNING_DAYS = env.int("ONEWINDOW_WARNING_DAYS", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Mobile numbers, ID numbers and credit codes never reach a log in clear (core/logmask.py).
    "filters": {"mask_identities": {"()": "onewindow.core.logmask.MaskIdentities"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_identities"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each rendering step at INFO; fontTools each subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Serve static files straight from the app folders (no collectstatic needed for the demo).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# Largest scanned material accepted at intake, in bytes.
ONEWINDOW_MAX_UPLOAD_BYTES = env.int("ONEWINDOW_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Working days an applicant has to hand in tolerated missing materials (容缺) by default.
ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS = env.int("ONEWINDOW_TOLERATED_SUPPLEMENT_DAYS", default=5)
# Public progress lookups per client address and minute (page and API share the counter).
ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE = env.int("ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE", default=10)

# The rate limiter's counters. One process: memory. Several web processes: a shared cache, e.g.
# CACHE_URL=redis://127.0.0.1:6379/0 (django-environ syntax), so that limits hold across them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://onewindow")}

# SMS gateway (HTTP, JSON POST with a bearer key). Empty URL: SMS are written to the outbox and not
# sent (the demo shows them to staff).
ONEWINDOW_SMS_GATEWAY_URL = env.str("ONEWINDOW_SMS_GATEWAY_URL", default="")
ONEWINDOW_SMS_GATEWAY_KEY = env.str("ONEWINDOW_SMS_GATEWAY_KEY", default="")

# Certificates (delivery/signing.py). The Ed25519 private key, PEM PKCS#8; the demo generates it
# when missing, production refuses to start without one.
ONEWINDOW_SIGNING_KEY_FILE = env.str(
    "ONEWINDOW_SIGNING_KEY_FILE", default=str(VAR_DIR / "keys" / "certificate-signing.pem")
)
if ONEWINDOW_MODE == "production" and not (
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
ONEWINDOW_PUBLIC_URL = env.str("ONEWINDOW_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
# Public certificate verifications per client address and minute (page and API together).
ONEWINDOW_VERIFICATIONS_PER_MINUTE = env.int("ONEWINDOW_VERIFICATIONS_PER_MINUTE", default=20)
# Largest PDF accepted for verification by upload, in bytes.
ONEWINDOW_VERIFY_MAX_PDF_BYTES = env.int("ONEWINDOW_VERIFY_MAX_PDF_BYTES", default=5 * 1024 * 1024)

# Outbox messages (delivery/tasks.py): attempts per message before it is marked failed, and the
# first retry delay in seconds, doubled at each further attempt (30, 60, 120, 240 s by default).
ONEWINDOW_MESSAGE_MAX_ATTEMPTS = env.int("ONEWINDOW_MESSAGE_MAX_ATTEMPTS", default=5)
ONEWINDOW_MESSAGE_RETRY_SECONDS = env.float("ONEWINDOW_MESSAGE_RETRY_SECONDS", default=30.0)
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
# Wrong codes at one cabinet that lock its code entry, and for how many minutes.
ONEWINDOW_LOCKER_MAX_ATTEMPTS = env.int("ONEWINDOW_LOCKER_MAX_ATTEMPTS", default=5)
ONEWINDOW_LOCKER_LOCKOUT_MINUTES = env.int("ONEWINDOW_LOCKER_LOCKOUT_MINUTES", default=15)
# Lock drivers by name (a Locker's `driver`): name=dotted.path.to.DriverClass, comma-separated.
ONEWINDOW_LOCKER_DRIVERS = env.dict(
    "ONEWINDOW_LOCKER_DRIVERS",
    default={"simulator": "onewindow.delivery.lockers.drivers.SimulatorDriver"},
)

# Mail delivery (EMS) through a courier's HTTP API. The default is the courier simulator on
# loopback, which `onewindow serve` starts itself (ONEWINDOW_COURIER_SIMULATOR=false to stop it).
ONEWINDOW_COURIER_URL = env.str("ONEWINDOW_COURIER_URL", default="http://127.0.0.1:8090")
ONEWINDOW_COURIER_KEY = env.str("ONEWINDOW_COURIER_KEY", default="demo-courier-key")
# Shared secret of the HMAC-SHA256 signature on the courier's tracking events (the webhook).
DEMO_COURIER_WEBHOOK_SECRET = "demo-courier-webhook-secret"
ONEWINDOW_COURIER_WEBHOOK_SECRET = env.str(
    "ONEWINDOW_COURIER_WEBHOOK_SECRET", default=DEMO_COURIER_WEBHOOK_SECRET
)
if (
    ONEWINDOW_MODE == "production"
    and ONEWINDOW_COURIER_WEBHOOK_SECRET == DEMO_COURIER_WEBHOOK_SECRET
):
    raise ImproperlyConfigured("ONEWINDOW_COURIER_WEBHOOK_SECRET must be set in production.")
# Where the courier posts tracking events: this site's webhook, as the courier reaches it.
ONEWINDOW_COURIER_WEBHOOK_URL = env.str(
    "ONEWINDOW_COURIER_WEBHOOK_URL", default="http://127.0.0.1:8000/api/delivery/courier/webhook"
)
# Seconds a signed webhook timestamp may differ from our clock (replays of old calls are refused).
ONEWINDOW_COURIER_WEBHOOK_TOLERANCE = env.int("ONEWINDOW_COURIER_WEBHOOK_TOLERANCE", default=300)
# Creating a shipment: attempts, and the first retry delay in seconds (doubling each time).
ONEWINDOW_COURIER_ATTEMPTS = env.int("ONEWINDOW_COURIER_ATTEMPTS", default=5)
ONEWINDOW_COURIER_RETRY_SECONDS = env.int("ONEWINDOW_COURIER_RETRY_SECONDS", default=30)
ONEWINDOW_COURIER_SIMULATOR = env.bool("ONEWINDOW_COURIER_SIMULATOR", default=True)
# Seconds between the simulator's tracking events (collected → in transit → out → delivered).
ONEWINDOW_COURIER_SIMULATOR_INTERVAL = env.float("ONEWINDOW_COURIER_SIMULATOR_INTERVAL", default=20)
