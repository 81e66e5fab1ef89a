"""Reliability: bounded waits on the database and the cache.

A worker must never wait without a bound on a backing service: PostgreSQL connects within
``DB_CONNECT_TIMEOUT``, a statement (lock waits included) runs within
``DB_STATEMENT_TIMEOUT_MS``, a dead peer is noticed by TCP keepalives, and Redis commands
give up after the socket timeouts below (a command on a connection Redis closed is retried
once on a new one). base.py gives each backend these options.
"""

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from config.env import env_int

# --- Database: bounded connects and statements, dead-peer detection (PostgreSQL only) ------
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 10_000)
POSTGRES_OPTIONS: dict = {
    "connect_timeout": DB_CONNECT_TIMEOUT,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
if DB_STATEMENT_TIMEOUT_MS > 0:
    POSTGRES_OPTIONS["options"] = f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"

# --- Cache: bounded socket waits (Redis only) ------------------------------------------------
CACHE_SOCKET_TIMEOUT_SECONDS = env_int("CACHE_SOCKET_TIMEOUT_SECONDS", 2)
REDIS_OPTIONS = {
    "socket_connect_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
    "socket_timeout": CACHE_SOCKET_TIMEOUT_SECONDS,
    # A connection Redis closed (a restart, a failover, a cut path) is found dead only by
    # the next command sent on it; the scripts' client holds one per worker and does not
    # probe it first (config/cache.py). redis-py retries such a command once on a new
    # connection. A timeout is not retried: it stays one bounded wait.
    "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
}
