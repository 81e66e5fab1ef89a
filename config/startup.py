"""What the service says as it starts: the backends it really runs on, and one line (not a
traceback) when ``DATABASE_URL`` names a database that its server does not have.

``manage.py`` and the gunicorn master (``gunicorn.conf.py``) call the database check;
``config/wsgi.py`` logs the backends.
"""

import logging
import re
import shlex

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from config.cache import uses_redis

logger = logging.getLogger("config")

_DATABASE_NAMES = {"sqlite3": "SQLite", "postgresql": "PostgreSQL"}
# PostgreSQL's answer to a connection to a database it does not have. psycopg gives no
# SQLSTATE for a connection that failed, only the server's message.
_MISSING_DATABASE = re.compile(r'database "(?P<name>[^"]+)" does not exist')


def backends_warning() -> str | None:
    """What falls short of production's PostgreSQL + Redis, naming what is configured and
    what to set; None on PostgreSQL + Redis."""
    database = settings.DATABASES["default"]
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    on_postgresql, on_redis = vendor == "postgresql", uses_redis()
    if on_postgresql and on_redis:
        return None
    running = _DATABASE_NAMES.get(vendor, vendor)
    if vendor == "sqlite3":
        running += f" ({database['NAME']})"
    running += " with the Redis cache" if on_redis else " with the database cache"
    if not (on_postgresql or on_redis):
        running = "the embedded default: " + running
    unset = [
        name
        for name, configured in (("DATABASE_URL", on_postgresql), ("REDIS_URL", on_redis))
        if not configured
    ]
    return f"Running on {running}; set {' and '.join(unset)} for production."


def backends_log() -> None:
    warning = backends_warning()
    if warning is not None:
        logger.warning("%s", warning)
    logger.info(
        "Database backend: %s; cache backend: %s; environment: %s",
        settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        settings.DJANGO_ENV,
    )


def exit_if_database_missing(error: OperationalError) -> None:
    """Exit with one line saying what to do when ``error`` is the server refusing a
    database it does not have; return otherwise (the caller re-raises or carries on)."""
    match = _MISSING_DATABASE.search(str(error))
    if match is None:
        return
    name = match["name"]
    database = settings.DATABASES["default"]
    createdb = ["createdb"]
    for option, value in (
        ("-h", database.get("HOST")),
        ("-p", database.get("PORT")),
        ("-U", database.get("USER")),
    ):
        if value:
            createdb += [option, str(value)]
    raise SystemExit(
        f'DATABASE_URL names the database "{name}", which its server does not have: create'
        f" it ({shlex.join([*createdb, name])}) or set DATABASE_URL to one that exists."
    ) from None


def database_check() -> None:
    """Connect once: exit in one line if the database does not exist. Any other failure
    (the server down or unreachable) is left to the requests, as ``/health`` reports it."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return  # SQLite makes its file on the first connection: nothing can be missing
    try:
        connection.ensure_connection()
    except OperationalError as error:
        exit_if_database_missing(error)
    finally:
        connection.close()
