"""The shared cache: the database cache's incr (atomic across concurrent writers, keeping
the expiry) and the Redis client of the scripts (its own per process, reconnecting)."""

import os
import threading

import pytest
import redis
from django.core.management import call_command
from django.db import connection, connections

from config.cache import DatabaseCache
from tests.backends import redis_only


@pytest.fixture
def db_cache() -> DatabaseCache:
    call_command("createcachetable", "cache_table")  # absent when this run caches in Redis
    cache = DatabaseCache("cache_table", {})
    cache.clear()
    return cache


def _expires(key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM cache_table WHERE cache_key = %s", [key])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_incr_keeps_the_expiry(db_cache):
    db_cache.add("counter", 1, timeout=3600)
    key = db_cache.make_key("counter")
    before = _expires(key)
    assert db_cache.incr("counter") == 2
    assert db_cache.incr("counter", 5) == 7
    assert _expires(key) == before
    assert db_cache.get("counter") == 7


@pytest.mark.django_db
def test_incr_of_a_missing_or_expired_key_is_an_error(db_cache):
    with pytest.raises(ValueError):
        db_cache.incr("nothing")
    db_cache.set("old", 1, timeout=-1)
    with pytest.raises(ValueError):
        db_cache.incr("old")


@pytest.mark.django_db(transaction=True)
def test_concurrent_incr_loses_no_hit(db_cache):
    db_cache.add("shared", 0, timeout=3600)
    threads_count, hits = 4, 15
    errors: list[BaseException] = []

    def hit() -> None:
        try:
            for _ in range(hits):
                db_cache.incr("shared")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert db_cache.get("shared") == threads_count * hits


@redis_only("the scripts' client is Redis's")
def test_a_forked_process_gets_its_own_redis_connection():
    """gunicorn forks workers: a connection made before must not be shared with a child."""
    from config.cache import redis_client

    parent = redis_client()
    assert parent is not None and parent.ping()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        client = redis_client()
        ok = (
            client is not None
            and client is not parent
            and client.connection is not parent.connection
            and client.ping()
        )
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"1"
    assert redis_client() is parent and parent.ping()


@redis_only("the scripts' client is Redis's")
def test_the_scripts_client_reconnects_once_redis_has_closed_its_connection():
    """A Redis restart closes every connection; the held one learns it on its next command,
    which must not fail for it (it is retried once on a new connection)."""
    from config.cache import redis_client

    client = redis_client()
    assert client is not None
    connection_id = client.client_id()
    admin = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        assert admin.client_kill_filter(_id=str(connection_id)) == 1
    finally:
        admin.close()
    assert client.ping()
    assert redis_client() is client and client.client_id() != connection_id
