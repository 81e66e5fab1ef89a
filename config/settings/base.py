"""Settings for every environment, read once from the process environment.

Nothing set gives a local development service on SQLite with a database-backed cache.
``DJANGO_ENV=production`` turns on the production defaults (no DEBUG, secure cookies, HSTS)
and refuses to start without a real ``SECRET_KEY``.
"""

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_optional, env_str
from config.keys import require_strong_key

BASE_DIR: Path = Path(__file__).resolve().parent.parent.parent
logger = logging.getLogger("config")

# --- Environment ---------------------------------------------------------------------------
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION: bool = DJANGO_ENV == "production"

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if PRODUCTION:
    require_strong_key("SECRET_KEY", SECRET_KEY, development_value=DEVELOPMENT_SECRET_KEY)

DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)

# --- Applications --------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "corsheaders",
]
LOCAL_APPS = [
    "accounts",
    "permissions",
]
INSTALLED_APPS: list[str] = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ApiResponseMiddleware",
]

# What only the admin site (and static files) use: the JSON API's requests skip these
# (config/handlers.py). Some are added to MIDDLEWARE by the settings modules imported below.
ADMIN_ONLY_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.AdminContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]
# (CommonMiddleware stays: it checks the Host against ALLOWED_HOSTS and sets Content-Length.)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Paths have no trailing slash; the URL patterns accept one without a redirect.
APPEND_SLASH = False

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
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env_optional("DATABASE_URL")
if DATABASE_URL:
    _database = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # A bounded connect time keeps workers from hanging while the database is down.
        _database.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "db.sqlite3"),
        # IMMEDIATE transactions queue writers behind SQLite's lock instead of failing
        # with "database is locked" when several workers write at once.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
DATABASES: dict[str, dj_database_url.DBConfig] = {"default": _database}

# --- Cache (rate-limit counters, the sign-in cache): shared by every process --------------
REDIS_URL = env_optional("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            # Django's, with an atomic incr that keeps expiries (rate-limit counters).
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "cache_table",
            # Culling would drop rate-limit counters: let expired rows go instead.
            "OPTIONS": {"MAX_ENTRIES": env_int("DB_CACHE_MAX_ENTRIES", 1_000_000)},
        }
    }

# --- Passwords (staff accounts only; wallets have none) ------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation and static files -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Django REST framework -----------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.JsonFirstNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
}

# --- Tokens (djangorestframework-simplejwt) -------------------------------------------------
ACCESS_TOKEN_LIFETIME = timedelta(seconds=env_int("ACCESS_TOKEN_LIFETIME_SECONDS", 900))
REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env_int("REFRESH_TOKEN_LIFETIME_SECONDS", 30 * 24 * 3600)
)
_JWT_SIGNING_KEY = env_str("JWT_SIGNING_KEY", SECRET_KEY)
if PRODUCTION:
    require_strong_key("JWT_SIGNING_KEY", _JWT_SIGNING_KEY)
# A sign-in's absolute lifetime, fixed when it starts: refreshing never extends it.
SESSION_LIFETIME = timedelta(seconds=env_int("SESSION_LIFETIME_SECONDS", 30 * 24 * 3600))
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": _JWT_SIGNING_KEY,
    "ISSUER": env_str("JWT_ISSUER", "launchpad-auth"),
    "AUDIENCE": env_str("JWT_AUDIENCE", "launchpad-api"),
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "UPDATE_LAST_LOGIN": False,
}
# Seconds a live sign-in and its account stay in Redis in front of the database read of
# every authenticated request (accounts/sign_in_cache.py); 0 turns the cache off. Every
# write of the account or a revocation invalidates it at once (one Redis missed, within
# 0.5 s of Redis being back): this only bounds how long an entry survives when the database
# could not record or give back an invalidation Redis missed.
SIGN_IN_CACHE_SECONDS = env_int("SIGN_IN_CACHE_SECONDS", 30)
AUTH_COOKIE_NAME = "auth_token"
# Secure outside local development, so a development browser on http:// still gets it.
AUTH_COOKIE_SECURE = env_bool("AUTH_COOKIE_SECURE", PRODUCTION)

# --- Wallet sign-in --------------------------------------------------------------------------
# Form A signs "<SIGN_IN_MESSAGE_PREFIX> <SIGN_IN_SITE>: <timestamp>". A proof names no
# deployment but this site (and SIWS its domain), so two deployments left at the defaults
# would each accept the other's proofs: production names both explicitly (a deployment that
# really serves pump.fun sets SIGN_IN_SITE=pump.fun).
SIGN_IN_SITE = env_str("SIGN_IN_SITE", "pump.fun")
if PRODUCTION and env_optional("SIGN_IN_SITE") is None:
    raise ImproperlyConfigured(
        "Production needs SIGN_IN_SITE set to the site users sign in to (e.g. pump.fun)."
    )
SIGN_IN_MESSAGE_PREFIX = env_str("SIGN_IN_MESSAGE_PREFIX", "Sign in to")
SIGN_IN_WINDOW = timedelta(seconds=env_int("SIGN_IN_WINDOW_SECONDS", 300))
SIWS_CHAIN_IDS = env_list("SIWS_CHAIN_IDS", ["mainnet", "solana:mainnet"])

# --- CORS (django-cors-headers) --------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", ["https://pump.fun"])
CORS_ALLOW_CREDENTIALS = True
# django-cors-headers' default, named: a setting left out is looked for again on every request.
CORS_URLS_REGEX = r"^.*$"
CORS_EXPOSE_HEADERS = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "Retry-After",
]
# SIWS domains default to the hosts of the allowed origins.
SIGN_IN_DOMAINS = env_list(
    "SIGN_IN_DOMAINS", [urlsplit(origin).netloc for origin in CORS_ALLOWED_ORIGINS]
)
if (
    PRODUCTION
    and env_optional("SIGN_IN_DOMAINS") is None
    and env_optional("CORS_ALLOWED_ORIGINS") is None
):
    raise ImproperlyConfigured(
        "Production needs SIGN_IN_DOMAINS (or CORS_ALLOWED_ORIGINS) set to this deployment's"
        " own domains."
    )

# --- Client address -------------------------------------------------------------------------
# How many reverse proxies in front of the service append to X-Forwarded-For (Heroku's router
# is one). 0 trusts no header and uses the peer address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Logging ---------------------------------------------------------------------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Production hardening --------------------------------------------------------------------
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Only a proxy may say the client used https: without one, the header is the client's.
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

from config.settings.users import *  # noqa
from config.settings.backoffice import *  # noqa
from config.settings.operations import *  # noqa: E402, F403
from config.settings.ratelimit import *  # noqa
from config.settings.security import *  # noqa
from config.settings.reliability import *  # noqa
