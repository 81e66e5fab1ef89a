"""gunicorn's configuration for the `web:` process (Procfile): a Heroku-style dyno.

Binds ``0.0.0.0:$PORT`` (the platform's router sends traffic there), runs
``$WEB_CONCURRENCY`` worker processes, and logs to stdout. The access log is off: the
application writes one structured JSON line per request itself (config/observability.py).

The application is imported once, by the master, before it forks the workers
(``preload_app``): a worker that starts, at boot or when one is recycled, is a fork of a
loaded process instead of a fresh import of Django and the project (about a second of CPU,
taken from the other workers' requests). Nothing opens a database or Redis connection at
import (tests/config/test_gunicorn_conf.py), so no socket is shared across the fork; each
worker connects on its first request. The master keeps the code it loaded: new code needs
a restart of the master (a deploy starts new dynos), not a ``SIGHUP``.

The workers' metrics add up (prometheus_client's multiprocess mode): each worker writes its
counts to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics``, whichever worker serves it,
reads them all. Unset, it is a folder of its own for this port under the temporary folder.
The variable is set here, before the application (and prometheus_client, which reads it
once) is loaded; its files (``*.db``) are removed when the master starts, so the counts
start at zero with it, and a dead worker's counts stay in it (a counter never goes down).
"""

import gc
import os
import tempfile
from pathlib import Path

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

from config.env import env_int, env_str

port = env_int("PORT", 8000)
bind = f"{env_str('HOST', '0.0.0.0')}:{port}"  # noqa: S104 - a dyno's router
metrics_dir = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"launchpad-metrics-{port}")
    )
)
# Before the application is loaded: a metric without labels opens its file at import.
metrics_dir.mkdir(parents=True, exist_ok=True)
workers = env_int("WEB_CONCURRENCY", 2)
threads = env_int("GUNICORN_THREADS", 1)
preload_app = True
# Heroku's router gives up after 30 s; finish (or fail) before it does.
timeout = env_int("GUNICORN_TIMEOUT", 25)
graceful_timeout = 20
keepalive = 5


def pre_fork(server: Arbiter, worker: Worker) -> None:
    """Puts what the master holds (the loaded application, a hundred thousand objects) out
    of the garbage collector's reach before each fork, as the gc module's documentation
    advises for a process that forks without exec: else each new worker's first full
    collection walks them all (about 100 ms here, and a copy of every page it touches)."""
    gc.freeze()


# Recycling only bounds what a slow leak could grow to: the soak (docs/reliability.md) keeps
# the same workers for its whole run at a flat RSS. Every ~1,000 requests recycled a busy
# worker every second or two, each time with the project to import again and its
# connections and token cache to rebuild: the profile read made 0.18 of the benchmark's
# ceiling with a p99 of 756 ms, against 0.31 and 13 ms without recycling. 100,000 is minutes
# at full load and days when quiet; the jitter, a tenth, keeps the workers from being
# replaced together.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = max_requests // 10
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
    # A previous run's counts (a restart on the same machine) would be added to this one's.
    # Only prometheus_client's files: the folder may be one the operator named.
    # missing_ok: another master started at the same moment on this folder (two servers
    # with the same PORT on one machine) may have removed it first.
    for stale in metrics_dir.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Arbiter, worker: Worker) -> None:
    """A worker is gone: its live gauges go with it; its counters stay in the totals."""
    # Imported here, not at the top: prometheus_client picks its storage when first
    # imported, which must come after PROMETHEUS_MULTIPROC_DIR is set above.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(metrics_dir))
