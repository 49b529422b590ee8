"""Settings, all from the environment, with safe development defaults.

Nothing set: a SQLite file under var/, Celery tasks run in-process, mail to the console.
DATABASE_URL / REDIS_URL set: PostgreSQL, Redis as broker and cache, a real worker and beat.
See the configuration table in README.md; every variable read here is listed there.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == _DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site_host = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", "[::1]", "testserver", _site_host] if DEBUG else [_site_host]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or (
    [SITE_URL] if SITE_URL.startswith("https://") else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "advocacy",
    "content_library",
    "guidelines",
    "metrics",
    "rewards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "advocacy.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "advocacy.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"
ASGI_APPLICATION = "advocacy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "advocacy.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'advocacy.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Concurrent clicks and the in-process tasks write at once: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request within seconds instead of hanging it (libpq waits forever).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # No JIT compilation: it pays off for long analytical queries, and added 10-50 ms to each of the report's
    # aggregates of a few thousand to a hundred thousand rows. A start-up option (an `options` in DATABASE_URL
    # replaces it); DATABASE_JIT=server sends none, for poolers such as PgBouncer that refuse it.
    if os.environ.get("DATABASE_JIT", "off") != "server":
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answering from the process's memory while Redis is unreachable (advocacy/cache.py).
            "BACKEND": "advocacy.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "advocacy"),
            "TIMEOUT": 300,
            # A Redis that is down or stalled costs a page at most this long (redis-py waits forever by default).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# No broker configured: run every task in the calling process, so a laptop needs no services.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task a worker took but never acknowledged (the worker was killed mid-task: tasks are acked late) is handed
    # out again after this many seconds. It must exceed the longest a worker holds a task before running it, a
    # retry's countdown (at most 50 minutes: MAX_RATE_LIMIT_WAIT in the tasks), or that task would run twice.
    "visibility_timeout": 3600,
    # kombu waits forever on a Redis that is unreachable or stalled by default; web processes must not.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_TIMEZONE = os.environ.get("COMPANY_TIME_ZONE", "Europe/Madrid")
# The one place where the schedule lives.
CELERY_BEAT_SCHEDULE = {
    "roll-up-daily-stats": {
        "task": "metrics.tasks.roll_up_daily_stats",
        "schedule": crontab(minute="*/15"),
    },
    "forget-visitor-salts": {
        "task": "advocacy.tasks.forget_visitor_salts",
        "schedule": crontab(minute=5, hour=0),
    },
    # Raw clicks past CLICK_RETENTION_DAYS, signatures past GUIDE_SIGNATURE_RETENTION_DAYS, expired sessions.
    "purge-expired-data": {
        "task": "advocacy.tasks.purge_expired_data_task",
        "schedule": crontab(minute=45, hour=2),
    },
    "weekly-digest": {
        "task": "content_library.tasks.send_weekly_digest",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
    },
    "refresh-follower-counts": {
        "task": "advocacy.tasks.refresh_all_follower_counts",
        "schedule": crontab(minute=30, hour=3),
    },
    # Engagement: due shares are asked hourly while young, every 6 hours in their first week, then daily
    # until 30 days (metrics.engagement.PULL_CADENCE); the job looks for due ones every 15 minutes.
    "pull-engagement": {
        "task": "metrics.tasks.pull_engagement_task",
        "schedule": crontab(minute="7-59/15"),
    },
    "find-shared-posts-on-x": {
        "task": "metrics.tasks.find_shared_posts_task",
        "schedule": crontab(minute=40),
    },
    # Completes last month's counts, then e-mails its report to the managers (CELERY_TIMEZONE is the company's).
    "rebuild-leaderboards": {
        "task": "rewards.tasks.rebuild_leaderboards_task",
        "schedule": crontab(minute=20, hour=4),
    },
    "heal-leaderboards": {
        "task": "rewards.tasks.heal_leaderboards_task",
        "schedule": crontab(minute="*/5"),
    },
    "award-badges": {
        "task": "rewards.badges.award_all_badges_task",
        "schedule": crontab(minute="3-59/15"),
    },
    "monthly-report": {
        "task": "metrics.tasks.send_monthly_report_task",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # Tasks asked for while Redis was unreachable wait in the database (advocacy/dispatch.py) until sent from here.
    "send-pending-tasks": {
        "task": "advocacy.tasks.send_pending_tasks",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Accounts (django-allauth) ----------------------------------------------------------------
AUTH_USER_MODEL = "advocacy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "advocacy.adapters.CompanyAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out so operators can see and tune them.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
# The limits count per client IP. Behind N reverse proxies that append to X-Forwarded-For, set this to N, or every
# visitor shares the proxy's address (and its limits); 0 (no proxy) trusts only the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_EMAIL_SUBJECT_PREFIX = os.environ.get("EMAIL_SUBJECT_PREFIX", "[Advocacy] ")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
# Connected accounts (LinkedIn, X, Facebook) only add to an existing account: they are where follower
# counts come from, never a way to sign up. A network appears on the profile once its credentials are set.
SOCIALACCOUNT_ADAPTER = "advocacy.adapters.ConnectOnlySocialAdapter"
SOCIALACCOUNT_STORE_TOKENS = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {}
if os.environ.get("LINKEDIN_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {"APPS": [{
        "provider_id": "linkedin",
        "name": "LinkedIn",
        "client_id": os.environ["LINKEDIN_CLIENT_ID"],
        "secret": os.environ.get("LINKEDIN_CLIENT_SECRET", ""),
        "settings": {
            "server_url": "https://www.linkedin.com/oauth",
            # The follower count needs LinkedIn's r_member_profileAnalytics permission on top of OpenID.
            "scope": ["openid", "profile", "email", *env_list("LINKEDIN_EXTRA_SCOPES", "r_member_profileAnalytics")],
        },
    }]}
if os.environ.get("X_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["twitter_oauth2"] = {
        "APPS": [{"client_id": os.environ["X_CLIENT_ID"], "secret": os.environ.get("X_CLIENT_SECRET", "")}],
        "SCOPE": ["users.read", "tweet.read", "offline.access"],
    }
if os.environ.get("FACEBOOK_APP_ID"):
    SOCIALACCOUNT_PROVIDERS["facebook"] = {
        "APPS": [{"client_id": os.environ["FACEBOOK_APP_ID"], "secret": os.environ.get("FACEBOOK_APP_SECRET", "")}],
        "SCOPE": ["public_profile", "user_friends"],
        "METHOD": "oauth2",
    }
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
# Sign-up is open only to these e-mail domains (comma-separated), or to holders of an invitation.
COMPANY_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("COMPANY_EMAIL_DOMAINS", "example.com")]
COMPANY_NAME = os.environ.get("COMPANY_NAME", "Acme")
# The currency of the earned media value, the network rates and the program's cost (ISO 4217 code).
REPORT_CURRENCY = os.environ.get("REPORT_CURRENCY", "EUR")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = CELERY_TIMEZONE
LANGUAGE_COOKIE_NAME = "advocacy_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if DEBUG:
    # Development serves straight from the finders; the folder only has to exist for WhiteNoise.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by `make install`; never committed, never from a CDN.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
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
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------
if os.environ.get("EMAIL_URL"):
    _email = dj_email_url.parse(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"advocacy@{COMPANY_EMAIL_DOMAINS[0]}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax: sent on top-level navigations (links from e-mails, the networks' OAuth callbacks), never on cross-site POSTs.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# "Remember me" unticked at sign-in: the session ends with the browser (allauth); ticked: it lasts this long.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from the app itself, no inline script or style anywhere (the
# templates carry none: behaviour lives in static/js, looks in static/css), nothing may frame the app. Forms post
# to the app only; the share buttons and "connect your account" are POSTs that the app answers with a redirect to
# the network (its share window or its sign-in page), and browsers check form-action on that redirect too.
SHARE_AND_SIGN_IN_HOSTS = [
    "https://www.linkedin.com", "https://x.com", "https://www.facebook.com", "https://wa.me", "https://t.me",
    "https://bsky.app", "mailto:",
]
# Where browsers report what the policy blocked (any collector of CSP reports); empty: not reported.
_csp_report_uri = os.environ.get("CSP_REPORT_URI", "")  # not a CSP_* setting: django-csp 4 refuses those
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *SHARE_AND_SIGN_IN_HOSTS],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    },
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SITE_URL.startswith("https://"))
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # /healthz is probed over plain HTTP by the orchestrator, from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Product rules ----------------------------------------------------------------------------
# Points per DESIGN.md; issue #7 moves them into the admin.
POINTS_RULES = {
    "share": 10,
    "unique_click": 1,
    "unique_click_cap_per_share": 20,
    "guide_signed": 20,
    "capsule_passed": 15,
    "engagement": 1,
    "engagement_cap_per_share": 50,
}
# Require passing a basic training capsule before an employee's first share.
TRAINING_REQUIRED_BEFORE_SHARING = env_bool("TRAINING_REQUIRED_BEFORE_SHARING", False)
# Post images: the largest upload accepted, and the most pixels (decompression bombs are refused).
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(10 * 1_000_000)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40 * 1_000_000)))
# On PostgreSQL with threaded workers, clicks arriving together share one commit (advocacy/clickwriter.py).
CLICK_GROUP_COMMIT = env_bool("CLICK_GROUP_COMMIT", True)
# Secret for the visitor key: an HMAC of IP and user agent under a salt that rotates daily.
VISITOR_KEY_SECRET = os.environ.get("VISITOR_KEY_SECRET", SECRET_KEY)
# Days a raw click row is kept (its daily counts stay for ever); 0 keeps them for ever. See advocacy/privacy.py.
CLICK_RETENTION_DAYS = int(os.environ.get("CLICK_RETENTION_DAYS", "400"))
# Days an erased employee's guide signatures are kept as evidence (5 years: claims' limitation period); 0: for ever.
GUIDE_SIGNATURE_RETENTION_DAYS = int(os.environ.get("GUIDE_SIGNATURE_RETENTION_DAYS", str(5 * 365 + 1)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Key of the HMAC that seals each guide acknowledgement (see `verify_signatures`).
GUIDE_SIGNATURE_KEY = os.environ.get("GUIDE_SIGNATURE_KEY", SECRET_KEY)
# Days during which employees who signed an earlier guide may go on sharing after a new one is published.
GUIDE_GRACE_DAYS = int(os.environ.get("GUIDE_GRACE_DAYS", "14"))

# --- Social networks' APIs --------------------------------------------------------------------
# Every client reads its base URL from here, so tests (and staging) can point it at a local server.
X_API_BASE_URL = os.environ.get("X_API_BASE_URL", "https://api.x.com").rstrip("/")
LINKEDIN_API_BASE_URL = os.environ.get("LINKEDIN_API_BASE_URL", "https://api.linkedin.com").rstrip("/")
LINKEDIN_API_VERSION = os.environ.get("LINKEDIN_API_VERSION", "202510")  # the Linkedin-Version header, YYYYMM
FACEBOOK_GRAPH_BASE_URL = os.environ.get("FACEBOOK_GRAPH_BASE_URL", "https://graph.facebook.com").rstrip("/")
FACEBOOK_GRAPH_VERSION = os.environ.get("FACEBOOK_GRAPH_VERSION", "v23.0")
# Seconds to wait for a network's answer, and attempts on a 5xx or a timeout before giving up.
NETWORK_API_TIMEOUT = float(os.environ.get("NETWORK_API_TIMEOUT", "10"))
NETWORK_API_MAX_ATTEMPTS = int(os.environ.get("NETWORK_API_MAX_ATTEMPTS", "3"))
# X's app-only bearer token: tweet lookup for shares without a connected account, and the search that finds
# posts carrying a tracked link. Empty: both are skipped.
X_APP_BEARER_TOKEN = os.environ.get("X_APP_BEARER_TOKEN", "")
# Search X for posts carrying our tracked links (recent search, the last 7 days). Needs X_APP_BEARER_TOKEN.
X_SEARCH_ENABLED = env_bool("X_SEARCH_ENABLED", False) and bool(X_APP_BEARER_TOKEN)
