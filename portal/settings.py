"""Settings for the portal, read from the environment (see README.md, "Configuration")."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Read a comma-separated environment variable."""
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_NAME = os.environ.get("SITE_NAME", "明白还款")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "portal.apps.PortalConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "caching",
    "articles",
    "accounts",
    "community",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so stored pages leave compressed too; below
    # WhiteNoise, which serves its own precompressed files (docs/deploy.md).
    "portal.middleware.SharedPageGZipMiddleware",
    "caching.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# The site's pages are Jinja2 templates (templates/, portal/templating.py), which render
# faster than Django's (docs/performance.md). The admin, and the admin screens and
# e-mails of the apps (community/templates/), stay on Django's.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "portal.templating.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "portal.context_processors.sharing",
                "portal.context_processors.translations",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates, so portal's admin/base_site.html adds to the admin's.
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL=postgres://… for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside one writer; IMMEDIATE transactions take the
    # write lock up front, so concurrent writers wait (up to `timeout` seconds)
    # instead of failing with "database is locked" halfway through. Connections
    # are kept (CONN_MAX_AGE): a new one starts with an empty page cache and
    # makes every query read from the file again.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "caching.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # A Redis that is down or blackholed costs a request at most these
            # timeouts; then pages are rendered without it, and calls skip it for
            # RETRY_SECONDS before trying again (caching/backends.py).
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": 1,
                "LOG_SECONDS": 60,
            },
        }
    }
    # Sessions read from Redis, written through to the database: fast and durable.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Pages and rate-limit counters share it: room for both on a small site.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Rendered fragments ({% fragment %}) are kept in the default cache, and those
# every page shows (menus, footer, lists) in each process's memory too; each is
# checked against the versions of what it shows, so no copy goes stale
# (caching/fragments.py). The fragments of one page come from Redis only.
CACHES["fragments"] = {
    "BACKEND": "caching.fragments.LocalFirstCache",
    "LOCATION": "fragments",
    "OPTIONS": {"SHARED": "default", "MAX_ENTRIES": 1000},
}
# How long a stored page or fragment may live (0 turns the page cache off). A
# change renews the keys of what it touches (caching/dependencies.py), so pages
# showing it are rendered again at once whatever this says; it bounds only
# what no change announces: the "most helpful" rankings, a release's template
# changes when `expire_pages` is not run. Without Redis each process has its
# own cache, which suits one process only.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(6 * 60 * 60)))
# Edge caches (Varnish with xkey, deploy/varnish/portal.vcl) to purge by key on
# every change: comma-separated base URLs, e.g. http://10.0.0.5:6081.
FRONTEND_CACHE_URLS = env_list("FRONTEND_CACHE_URLS", "")
# Query parameters that only say where a visit came from: shares from WeChat
# (`from`, `isappinstalled`), campaign links, ad clicks. Cached pages ignore
# them ("*" ends a prefix).
TRACKING_PARAMETERS = (
    "utm_*", "from", "isappinstalled", "scene", "spm", "bd_vid", "fbclid", "gclid",
)  # fmt: skip

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site speaks Simplified Chinese. There is deliberately no LocaleMiddleware:
# every reader gets the same language whatever their browser sends.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "community:mine"
LOGOUT_REDIRECT_URL = "home"

# Community limits, per user (posts, reports) or per address (sign-ups) per hour.
RATE_LIMITS = {
    "experience": int(os.environ.get("RATE_LIMIT_EXPERIENCES_PER_HOUR", "5")),
    "report": int(os.environ.get("RATE_LIMIT_REPORTS_PER_HOUR", "20")),
    "signup": int(os.environ.get("RATE_LIMIT_SIGNUPS_PER_HOUR", "5")),
    # Sign-up forms sent, valid or not: a form's errors say whether a name is taken.
    "signup-attempt": int(os.environ.get("RATE_LIMIT_SIGNUP_ATTEMPTS_PER_HOUR", "20")),
    # "Helpful" votes from one address for one article (on top of one per session).
    "helpful": int(os.environ.get("RATE_LIMIT_HELPFUL_PER_ADDRESS_PER_HOUR", "5")),
    # Password reset e-mails, per client address and per e-mail address asked for.
    "password-reset": int(os.environ.get("RATE_LIMIT_PASSWORD_RESETS_PER_HOUR", "5")),
    "password-reset-email": int(os.environ.get("RATE_LIMIT_PASSWORD_RESETS_PER_EMAIL", "3")),
    # Confirmation e-mails a signed-in reader asks for (new address, link again).
    "account-email": int(os.environ.get("RATE_LIMIT_ACCOUNT_EMAILS_PER_HOUR", "5")),
    # Password guessing: attempts per address and username, and per username.
    "login": int(os.environ.get("RATE_LIMIT_LOGINS_PER_HOUR", "10")),
    "login-user": int(os.environ.get("RATE_LIMIT_LOGINS_PER_USER_PER_HOUR", "50")),
    # Searches one address adds to the search log (articles/searchlog.py).
    "search-log": int(os.environ.get("RATE_LIMIT_SEARCH_LOG_PER_HOUR", "120")),
}
# Distinct readers whose reports send an approved post back to the queue.
REPORT_THRESHOLD = int(os.environ.get("REPORT_THRESHOLD", "3"))

# The site's address, for links in e-mails sent from the task worker (no request there).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (huey): `manage.py worker` runs the tasks and the periodic ones
# (community/tasks.py). huey is not an installed app: only the worker and code that
# queues a task import it (its storage module loads psycopg: 10 MB a web worker). The
# queue lives in Redis when there is one, else in a SQLite file beside the database;
# with several machines, use Redis (docs/deploy.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    TASKS_FILE = f"{DATABASES['default']['NAME']}-tasks"  # beside the database
else:
    TASKS_FILE = str(BASE_DIR / "tasks.sqlite3")
HUEY = {
    "name": "portal",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": TASKS_FILE},
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 1, "worker_type": "thread"},
}
# Approved posts (and no rejection or upheld report in 90 days) after which an author's
# new posts are approved at once; 0 turns trusted authors off.
TRUSTED_AUTHOR_APPROVALS = int(os.environ.get("TRUSTED_AUTHOR_APPROVALS", "3"))
# Days the search log keeps its counts (the task worker deletes older days).
SEARCH_LOG_DAYS = int(os.environ.get("SEARCH_LOG_DAYS", "180"))
# Articles last reviewed longer ago (or never) are due for review; Editors get a weekly list.
ARTICLE_REVIEW_DAYS = int(os.environ.get("ARTICLE_REVIEW_DAYS", "365"))
# When the oldest pending post has waited longer, Moderators get one e-mail a period (0: off).
MODERATION_DIGEST_HOURS = int(os.environ.get("MODERATION_DIGEST_HOURS", "12"))

# The proxies whose X-Forwarded-For the per-address limits read (addresses or networks,
# comma-separated), e.g. "127.0.0.1" for Varnish on the same machine. From any other
# sender the header is ignored (caching/ratelimit.py, client_address).
TRUSTED_PROXIES = [
    ipaddress.ip_network(value, strict=False) for value in env_list("DJANGO_TRUSTED_PROXIES", "")
]

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
# A mail server that stops answering fails a send after this many seconds, not never.
EMAIL_TIMEOUT = 10
# Where the file backend (django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
# Links in e-mails: password reset (one use) and address confirmation expire after a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# The name authenticator apps show beside the staff member's code.
OTP_TOTP_ISSUER = SITE_NAME
EMAIL_CONFIRMATION_SECONDS = 24 * 60 * 60

if not DEBUG:
    # Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# A friendlier 403 that offers a fresh form where it can (still a 403).
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site, never inline. Inline style attributes are
# allowed because the Django admin's widgets set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
