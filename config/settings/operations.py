"""Running the service: static files (whitenoise), JSON logs, OpenAPI (drf-spectacular)."""

from config.env import env_str
from config.settings.environment import BASE_DIR, PRODUCTION

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

# --- Logs: one line per request (config/observability.py), JSON on stdout ------------------
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.jsonlog.JsonFormatter"},
    },
    # Every line written while a request is handled carries its X-Request-ID.
    "filters": {"request_id": {"()": "config.observability.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Our request log replaces Django's own "Not Found: /x" and runserver's access lines.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# --- OpenAPI (drf-spectacular; Swagger UI from drf-spectacular-sidecar, no CDN) ------------
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
