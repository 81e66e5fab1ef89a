"""The shared cache: a raw Redis client for scripts, and Django's database cache with an
``incr`` fit for rate-limit counters.

The inherited ``incr`` is a get followed by a set: two processes can both read 4 and both
write 5, and the set replaces the entry's expiry with the default timeout, so a one-hour
window could be forgotten after five quiet minutes. Here the row is locked (``SELECT ...
FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) and only the
value changes. Redis' INCR has these properties already.
"""

import base64
import functools
import os
import pickle
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, models, router, transaction
from django.utils.module_loading import import_string
from django.utils.timezone import now as tz_now
from redis import Redis


def uses_redis() -> bool:
    # From the setting, not ``caches["default"]``: that is a context-local look-up (a few
    # microseconds, asked several times per request), and the backend is the setting's.
    return _is_redis_backend(settings.CACHES["default"]["BACKEND"])


@functools.cache
def _is_redis_backend(path: str) -> bool:
    return issubclass(import_string(path), RedisCache)


def redis_client() -> Redis | None:
    """The default cache's Redis client (None on the database cache), for Lua scripts.
    A new one connects at once: callers handle Redis errors around this call too.

    Django builds a new client object (and its callback tables) per call, and a pooled
    client checks out a connection and probes its socket on every command. The scripts of
    the request path run on one client per cache instance (per thread) holding one
    connection of the cache's pool: a third less CPU per call. Not probed before each
    command, that connection is found closed (a Redis restart) only by the next one, which
    redis-py then retries once on a new connection (the pool's ``retry``, set in
    config/settings/reliability.py). The client is made anew in a forked process, which
    must not share the socket.
    """
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    made_after, client = getattr(cache, "_script_client", (None, None))
    if made_after != _forks:
        # RedisCache's client holder (_cache) is private: django-stubs leave it out.
        pool = cache._cache.get_client(write=True).connection_pool  # type: ignore[attr-defined]
        client = Redis(connection_pool=pool, single_connection_client=True)
        cache._script_client = (_forks, client)  # type: ignore[attr-defined]
    return client


# Counted at fork, not read with getpid() on every request (a system call each time).
_forks = 0


def _forked() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_forked)


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)  # type: ignore[attr-defined]  # private: not in the stubs
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + (
            expression.get_db_converters(connection)
        )
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                for converter in converters:
                    expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(  # noqa: S301 - our own cache rows
                base64.b64decode(connection.ops.process_clob(row[0]).encode())
            )
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s",
                [pickled.decode("latin1"), key],
            )
        return new_value
