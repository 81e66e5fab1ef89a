"""Running the service: static files (whitenoise), OpenAPI (drf-spectacular), JSON logs.

Imported at the end of ``config/settings/base.py``; it extends the lists and dicts defined
there in place, so other settings files that extend them too compose with it.
"""

from config.env import env_str
from config.settings.base import (
    BASE_DIR,
    INSTALLED_APPS,
    LOGGING,
    MIDDLEWARE,
    PRODUCTION,
    REST_FRAMEWORK,
)

# --- Static files: served by the app itself (whitenoise), compressed and hashed ------------
# Production serves what `collectstatic` gathered (Heroku's Python buildpack runs it at build
# time), with content-hashed names cached forever. Development keeps Django's plain storage,
# so `make run` needs no collectstatic.
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development serves the apps' files straight from their folders, as runserver does.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

# --- Request IDs and the one-line-per-request JSON log -------------------------------------
# First, so that every response (redirects, errors, static files) is logged and carries
# its X-Request-ID.
MIDDLEWARE.insert(0, "config.observability.RequestLogMiddleware")
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING["formatters"]["json"] = {"()": "config.jsonlog.JsonFormatter"}
LOGGING["filters"] = {"request_id": {"()": "config.observability.RequestIdFilter"}}
LOGGING["handlers"]["console"] |= {
    "formatter": "json" if LOG_FORMAT == "json" else "plain",
    "filters": ["request_id"],
    "stream": "ext://sys.stdout",
}
# Our request log replaces Django's own "Not Found: /x" and runserver's access lines.
LOGGING["loggers"] = {
    "django.request": {"level": "ERROR"},
    "django.server": {"level": "WARNING"},
}

# --- OpenAPI (drf-spectacular; Swagger UI from drf-spectacular-sidecar, no CDN) ------------
INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
SPECTACULAR_SETTINGS = {
    "TITLE": "Launchpad Auth API",
    "DESCRIPTION": (
        "Users & Authentication for crypto launchpads, wire-compatible with pump.fun's "
        "frontend-api-v3. Every error is `{statusCode, message, error}` (see `Error`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"HealthStateEnum": "config.views.HEALTH_STATES"},
    "PREPROCESSING_HOOKS": ["config.openapi.strip_optional_trailing_slash"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.add_common_error_responses",
    ],
}
