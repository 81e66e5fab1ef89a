"""Settings for every environment, read once from the process environment, top to bottom.

Nothing set gives a local development service on SQLite with a database-backed cache.
``DJANGO_ENV=production`` turns on the production defaults (no DEBUG, secure cookies, HSTS)
and refuses to start without real keys and this deployment's own sign-in site.

This module lists every application and both middleware chains itself; the section
modules imported at the end add their own settings and import nothing from here.
"""

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_optional, env_str
from config.keys import require_strong_key
from config.settings import environment
from config.settings import oauth as _oauth_section
from config.settings.reliability import POSTGRES_OPTIONS, REDIS_OPTIONS

# --- Environment ---------------------------------------------------------------------------
# Which environment this is (config/settings/environment.py, shared with the sections).
BASE_DIR = environment.BASE_DIR
DJANGO_ENV = environment.DJANGO_ENV
PRODUCTION = environment.PRODUCTION
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
    "drf_spectacular",  # the OpenAPI document
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally (no CDN)
    "axes",  # the admin site's sign-in lockout
    "django_q",  # the task queue: the webhooks worker (`manage.py worker`) and its schedule
]
LOCAL_APPS = [
    "accounts",
    "signin",
    "signing_keys",
    "audit",
    "permissions",
    "backoffice",
    "service_clients",
    "oauth",
    "events",  # the outbox: every change's event, written in the change's transaction
    "webhooks",  # delivering the events to staff-registered endpoints, signed
    "metrics",  # /metrics for operators: Prometheus counters of every worker
]
INSTALLED_APPS: list[str] = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# --- Middleware: two chains ---------------------------------------------------------------
# The JSON API uses no sessions, CSRF, messages or admin authentication (its views are
# CSRF-exempt and authenticate by token), so its requests go through a chain of their own;
# config/handlers.py sends admin and static paths through ADMIN_MIDDLEWARE, every other
# path through API_MIDDLEWARE. MIDDLEWARE (Django's own handler, the test client) is the
# admin chain.
API_MIDDLEWARE: list[str] = [
    # First, so that every response (errors included) is logged and carries X-Request-ID.
    "config.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # After CORS, so that a 413 is readable by the browser.
    "config.middleware.RequestBodyLimitMiddleware",
    # The x-ratelimit-* headers on whatever answer comes back.
    "config.middleware.RateLimitHeadersMiddleware",
    # Checks the Host against ALLOWED_HOSTS and sets Content-Length.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ApiResponseMiddleware",
]
ADMIN_MIDDLEWARE: list[str] = [
    "config.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.AdminContentSecurityPolicyMiddleware",
    # Static files (the admin's, Swagger UI's), compressed and hashed in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "config.middleware.RateLimitHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ApiResponseMiddleware",
    # Last, as django-axes asks, so it sees the response of every other middleware.
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE = ADMIN_MIDDLEWARE

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
        # Bounded waits (config/settings/reliability.py).
        _database["OPTIONS"] = {**_database.get("OPTIONS", {}), **POSTGRES_OPTIONS}
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
REDIS_URL = environment.REDIS_URL
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Bounded waits and one retry on a closed connection (reliability.py).
            "OPTIONS": REDIS_OPTIONS,
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
    "DEFAULT_AUTHENTICATION_CLASSES": ["signin.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, with a depth limit (config/settings/ratelimit.py has the limits).
    "DEFAULT_PARSER_CLASSES": ["config.parsers.LimitedJSONParser"],
    # Every view is rate limited; a view names its limits in ``rate_limits``.
    "DEFAULT_THROTTLE_CLASSES": ["config.ratelimit.RateLimitThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
# Refresh tokens (and, with JWT_ALGORITHM=HS256, access tokens): simplejwt's HS256 with
# JWT_SIGNING_KEY. Access tokens are signed by signing_keys/ otherwise.
SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": _JWT_SIGNING_KEY,
    # RFC 8414 wants the issuer to be the service's https URL: PUBLIC_BASE_URL when set.
    # Changing it refuses the tokens issued before (their iss): set JWT_ISSUER to keep one.
    "ISSUER": env_str("JWT_ISSUER", _oauth_section.PUBLIC_BASE_URL or "launchpad-auth"),
    "AUDIENCE": env_str("JWT_AUDIENCE", "launchpad-api"),
    "LEEWAY": 0,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "UPDATE_LAST_LOGIN": False,
}
# --- Access-token signing keys (signing_keys/) ----------------------------------------------
# ES256 (default) or EdDSA: asymmetric keys, published at /.well-known/jwks.json, rotated
# with `manage.py signing_keys`. HS256: JWT_SIGNING_KEY, for deployments whose verifiers
# still share the secret (nothing published).
JWT_ALGORITHMS = ("ES256", "EdDSA", "HS256")
JWT_ALGORITHM = env_str("JWT_ALGORITHM", "ES256")
if JWT_ALGORITHM not in JWT_ALGORITHMS:
    raise ImproperlyConfigured(
        f"JWT_ALGORITHM must be one of {', '.join(JWT_ALGORITHMS)} (got {JWT_ALGORITHM!r})."
    )
# RFC 9068's client_id of the tokens this service issues to its own web client.
JWT_CLIENT_ID = env_str("JWT_CLIENT_ID", "launchpad-web")
# Encrypts the private keys at rest (Fernet). Comma-separated: the first encrypts, every
# one decrypts (rotating the secret: put the new one first, run `signing_keys reencrypt`,
# then drop the old one). Development derives one from SECRET_KEY.
SIGNING_KEYS_SECRETS = env_list("SIGNING_KEYS_SECRET", [f"signing-keys:{SECRET_KEY}"])
if PRODUCTION and JWT_ALGORITHM != "HS256":
    if env_optional("SIGNING_KEYS_SECRET") is None or not SIGNING_KEYS_SECRETS:
        raise ImproperlyConfigured(
            "Production needs SIGNING_KEYS_SECRET set to a random value of at least 32 bytes"
            " (it encrypts the token signing keys at rest)."
        )
    for _secret in SIGNING_KEYS_SECRETS:
        require_strong_key("SIGNING_KEYS_SECRET", _secret)
# Each process reads the keys again at most this often: a rotation or a withdrawal made
# anywhere takes effect everywhere within it (and at once in the process that made it).
SIGNING_KEYS_REFRESH_SECONDS = env_int("SIGNING_KEYS_REFRESH_SECONDS", 5)
# Cache-Control max-age of /.well-known/jwks.json; a rotation waits at least this long
# after the next key was published.
JWKS_MAX_AGE_SECONDS = env_int("JWKS_MAX_AGE_SECONDS", 300)

# Seconds a live sign-in and its account stay in Redis in front of the database read of
# every authenticated request (signin/sign_in_cache.py); 0 turns the cache off. Every
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

# --- Sections: each adds its own settings and imports nothing from this module --------------
from config.settings.backoffice import *  # noqa: E402, F403  retention
from config.settings.metrics import *  # noqa: E402, F403  who may read /metrics
from config.settings.oauth import *  # noqa: E402, F403  OAuth endpoints, the revocation feed
from config.settings.operations import *  # noqa: E402, F403  static files, logs, OpenAPI
from config.settings.ratelimit import *  # noqa: E402, F403  rate, input and sign-in limits
from config.settings.reliability import *  # noqa: E402, F403  bounded waits
from config.settings.security import *  # noqa: E402, F403  proxies, HTTPS, headers, hashers
from config.settings.users import *  # noqa: E402, F403  profiles, roles, jurisdictions
from config.settings.webhooks import *  # noqa: E402, F403  delivery, SSRF guard, task queue
