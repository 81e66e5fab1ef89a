"""Reliability: bounded waits on the database and the cache, and what a cache outage does.

Imported at the end of ``config/settings/base.py``. A worker must never wait without a bound
on a backing service: PostgreSQL connects within ``DB_CONNECT_TIMEOUT`` (base settings), a
statement (lock waits included) within ``DB_STATEMENT_TIMEOUT_MS``, a dead peer is noticed by
TCP keepalives, and Redis commands give up after the socket timeouts below (a command on a
connection Redis closed is retried once on a new one).
"""

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from config.env import env_int
from config.settings.base import CACHES, DATABASES

# --- Database: bounded statements and dead-peer detection (PostgreSQL only) -----------------
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 10_000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if DB_STATEMENT_TIMEOUT_MS > 0:
        _options["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    _options.update(keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)

# --- Cache: bounded socket waits (Redis only) ------------------------------------------------
CACHE_SOCKET_TIMEOUT_SECONDS = env_int("CACHE_SOCKET_TIMEOUT_SECONDS", 2)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=CACHE_SOCKET_TIMEOUT_SECONDS,
        socket_timeout=CACHE_SOCKET_TIMEOUT_SECONDS,
        # A connection Redis closed (a restart, a failover, a cut path) is found dead only
        # by the next command sent on it; the scripts' client holds one per worker and does
        # not probe it first (config/cache.py). redis-py retries such a command once on a
        # new connection. A timeout is not retried: it stays one bounded wait.
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )
