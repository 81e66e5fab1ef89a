"""WSGI entry point for gunicorn and ``runserver``."""

import logging
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup(set_prefix=False)

from config.handlers import routed_application  # noqa: E402 (needs the apps loaded)

application = routed_application()


def _log_backends() -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if database == "sqlite3":
        logging.getLogger("config").warning(
            "Running on the embedded default: SQLite (%s) with the database cache; "
            "set DATABASE_URL and REDIS_URL for production.",
            settings.DATABASES["default"]["NAME"],
        )
    logging.getLogger("config").info(
        "Database backend: %s; cache backend: %s; environment: %s",
        database,
        cache,
        settings.DJANGO_ENV,
    )


_log_backends()
