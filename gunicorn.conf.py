"""gunicorn's configuration for the `web:` process (Procfile): a Heroku-style dyno.

Binds ``0.0.0.0:$PORT`` (the platform's router sends traffic there), runs
``$WEB_CONCURRENCY`` worker processes, and logs to stdout. The access log is off: the
application writes one structured JSON line per request itself (config/observability.py).
"""

import os

from gunicorn.arbiter import Arbiter

from config.env import env_int, env_str

bind = f"{env_str('HOST', '0.0.0.0')}:{env_int('PORT', 8000)}"  # noqa: S104 - a dyno's router
workers = env_int("WEB_CONCURRENCY", 2)
threads = env_int("GUNICORN_THREADS", 1)
# Heroku's router gives up after 30 s; finish (or fail) before it does.
timeout = env_int("GUNICORN_TIMEOUT", 25)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, staggered, to contain slow leaks.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = 100
accesslog = None
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "INFO").lower()
# The router is the only peer; X-Forwarded-For is read by config/client.py, which counts
# TRUSTED_PROXY_COUNT hops, and X-Forwarded-Proto by Django (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "*"


def on_starting(server: Arbiter) -> None:
    """In the master, before any port is bound or worker started: a database that
    DATABASE_URL names but its server does not have stops the start in one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from config.startup import database_check

    database_check()
