"""Redis in front of the one database read of every authenticated request.

An access token is accepted only while its sign-in is live; the database says so, and a
cache may only sit in front of it (``signin.authentication.user_of_sign_in``). Here a
live sign-in's account row is kept in Redis under the sign-in's id, tagged with the
**generation** of its account: a per-account value that every change of the account or
revocation of one of its sign-ins throws away. An entry counts only while its tag is the
account's current generation, so one deleted key invalidates every entry of the account,
in every process and instance, and a fill that raced with a change is never believed:

- a request reads the generation (creating a new, never-used one if there is none) and the
  entry in one script call; on a miss it reads the database and stores the row under the
  generation it read *before* that database read;
- a change marks the generation busy before its transaction commits (no fills while the
  database may still answer with the old row) and deletes it after the commit, before the
  response leaves. A request after the response sees a fresh generation and reads the
  database. A process killed between commit and delete leaves "busy", which expires after
  ``_BUSY_SECONDS``: the next generation is new.

**One way to invalidate**: ``account_changed(user_id)``, called by the flow that changes
what a cached entry holds (an account's row, or one of its sign-ins revoked) inside the
change's transaction: sign-in (the ``last_login`` stamp), refresh-token reuse, logout,
registration, profile update, deletion, ban, unban, role change, staff edits and
revocations (admin site and commands), the admin site's sign-in (Django stamps
``last_login``). No model signal: the hot paths write with ``UPDATE`` statements that bypass
``save()``, so a signal could not be the only way, and two ways is one too many
(docs/architecture.md, "The sign-in cache"). A new sign-in or a refresh changes nothing an
entry holds. Redis errors never fail a request here: a look-up falls back to the database.
On the database cache (the embedded default) this module does nothing.

The look-up also reads the signing keys' version (``signing_keys.key_set``), so that a
withdrawn key is refused at once without a Redis call of its own.

**A change Redis could not be told of** (unreachable from the changing process: an outage, a
cut path, a command run elsewhere) is seen on every instance within ``PENDING_CHECK_SECONDS``
(0.5 s) of Redis being reachable again:

- a change that cannot mark the generation busy writes a ``PendingInvalidation`` row in its
  own transaction, so the row is there if and only if the change commits. (A change made
  outside any transaction writes it just after its own commit; every service, command and
  admin-site change runs in one.)
- in every process, after a look-up that Redis answered and at most once per
  ``PENDING_CHECK_SECONDS``, the committed rows are read, their accounts' generations
  deleted (a busy one stays: it expires into a new one) and the rows read deleted. A look-up
  of one of those accounts then reads the database, as does every later one.

So a look-up that Redis answers ``PENDING_CHECK_SECONDS`` after both the change's commit and
its own process reaching Redis again sees the change; after an outage longer than that, the
first one does. While Redis is unreachable, look-ups read the database anyway. The cost per
look-up is one monotonic-clock read; per process and half second of traffic, one read of
the (normally empty) table. Only if the database fails as well do entries of a missed
change live on until they expire, after ``SIGN_IN_CACHE_SECONDS``.
"""

import logging
import pickle
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DatabaseError, transaction
from redis import Redis
from redis.exceptions import RedisError

from config.cache import redis_client, uses_redis
from config.ratelimit import Counter, counting_script
from metrics.instruments import service_error_observed
from signin.models import PendingInvalidation
from signing_keys import key_set

logger = logging.getLogger("signin.sign_in_cache")

_BUSY = b"busy"
_BUSY_SECONDS = 5
_SEQUENCE_KEY = "signin-cache:sequence"

# KEYS: generation, entry, sequence, the signing keys' version, then the request's
# rate-limit counters (counted by config.ratelimit's rule); ARGV: generation ttl, three
# blanks, then the counters' ttls. A missing generation becomes "<server time>.<sequence>":
# never one an old entry could carry.
_FIRST_COUNTER = 5
_LOOKUP_SCRIPT = counting_script(
    f"""
local counts = count_from({_FIRST_COUNTER})
local generation = redis.call('GET', KEYS[1])
if not generation then
  local now = redis.call('TIME')
  generation = now[1] .. '.' .. now[2] .. '.' .. redis.call('INCR', KEYS[3])
  redis.call('SET', KEYS[1], generation, 'EX', ARGV[1])
end
return {{generation, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[4]), unpack(counts)}}
"""
)
_lookup_script = None

# KEYS: generations of accounts changed while Redis was unreachable; ARGV: busy. A busy one
# stays: it is newer than the change, and its expiry makes the next generation new.
_INVALIDATE_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) ~= ARGV[1] then redis.call('DEL', key) end
end
"""
_invalidate_script = None
# Writers that missed Redis are caught up by readers: this often at most, per process.
PENDING_CHECK_SECONDS = 0.5
_PENDING_DELETE_BATCH = 500  # ids per DELETE: SQLite caps a statement's parameters


@dataclass
class Every:
    """Due at most once per ``seconds`` of ``clock`` (monotonic; injected in tests)."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    due_at: float = 0.0

    def due(self) -> bool:
        now = self.clock()
        if now < self.due_at:
            return False
        self.due_at = now + self.seconds
        return True


_pending_check = Every(PENDING_CHECK_SECONDS)


@dataclass(frozen=True)
class Lookup:
    values: tuple[Any, ...] | None = None  # the account's field values, on a hit
    generation: bytes | None = None  # what a fill must be tagged with; None: do not fill
    counts: list[int] | None = None  # of the counters asked for; None: not counted
    # The signing keys' version (signing_keys.key_set), read in the same call; None: unread.
    key_set_version: bytes | None = None


_NOTHING = Lookup()


def _enabled() -> bool:
    return settings.SIGN_IN_CACHE_SECONDS > 0 and uses_redis()


def _redis() -> Redis:
    """The request path's Redis client; called only when ``_enabled()``: on Redis."""
    client = redis_client()
    assert client is not None
    return client


# The cache is passed in: ``caches["default"]`` is a context-local look-up, once is enough.
def _generation_key(user_id: uuid.UUID, cache: BaseCache) -> str:
    return cache.make_key(f"signin-cache:generation:{user_id}")


def _entry_key(sign_in_id: uuid.UUID, cache: BaseCache) -> str:
    return cache.make_key(f"signin-cache:entry:{sign_in_id}")


def lookup(
    *, sign_in_id: uuid.UUID, user_id: uuid.UUID, counters: Sequence[Counter] = ()
) -> Lookup:
    """The cached account of a live sign-in, or what a fill after the database read needs.

    ``counters`` (``config.ratelimit.account_counters``) are counted in the same call.
    """
    global _lookup_script
    if not _enabled():
        return _NOTHING
    try:
        client, cache = _redis(), caches["default"]
        if _lookup_script is None:
            _lookup_script = client.register_script(_LOOKUP_SCRIPT)
        generation, entry, version, *counts = _lookup_script(
            keys=[
                _generation_key(user_id, cache),
                _entry_key(sign_in_id, cache),
                cache.make_key(_SEQUENCE_KEY),
                key_set.version_key(),
                *(counter.key for counter in counters),
            ],
            # The generation outlives the entries tagged with it; if it expires first, the
            # next one is new and those entries are merely missed.
            args=[2 * settings.SIGN_IN_CACHE_SECONDS, 0, 0, 0, *(c.ttl for c in counters)],
            client=client,
        )
    except RedisError as exc:
        service_error_observed(service="cache", operation="sign_in_cache")
        logger.warning("sign-in cache look-up failed, reading the database: %s", exc)
        return _NOTHING
    # Redis answers: time to apply changes it missed? Then this entry may predate one.
    if _pending_check.due() and user_id in pending_invalidate():
        return Lookup(counts=counts, key_set_version=version)
    if generation == _BUSY:
        return Lookup(counts=counts, key_set_version=version)
    if entry:
        tag, _, payload = entry.partition(b"|")
        if tag == generation:
            # Our own entries, written below; Django's Redis cache pickles the same way.
            values = pickle.loads(payload)  # noqa: S301
            return Lookup(values=values, counts=counts, key_set_version=version)
    return Lookup(generation=generation, counts=counts, key_set_version=version)


def store(*, sign_in_id: uuid.UUID, generation: bytes, values: tuple[Any, ...]) -> None:
    """Keep a live sign-in's account row (its field values) under ``generation``."""
    if not _enabled():
        return
    entry = generation + b"|" + pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    try:
        key = _entry_key(sign_in_id, caches["default"])
        _redis().set(key, entry, ex=settings.SIGN_IN_CACHE_SECONDS)
    except RedisError as exc:
        service_error_observed(service="cache", operation="sign_in_cache")
        logger.warning("sign-in cache fill failed: %s", exc)


def account_changed(user_id: uuid.UUID) -> None:
    """Invalidate every cached sign-in of an account: busy now, gone after the commit; if
    Redis cannot be told now, a ``PendingInvalidation`` in the change's transaction."""
    if not _enabled():
        return
    key = _generation_key(user_id, caches["default"])
    try:
        _redis().set(key, _BUSY, ex=_BUSY_SECONDS)
    except RedisError as exc:
        service_error_observed(service="cache", operation="sign_in_cache")
        logger.warning("sign-in cache invalidation of %s pending: %s", user_id, exc)
        PendingInvalidation.objects.create(user_id=user_id)

    def _drop() -> None:
        try:
            _redis().delete(key)
        except RedisError as exc:
            service_error_observed(service="cache", operation="sign_in_cache")
            logger.warning("sign-in cache invalidation of %s failed: %s", user_id, exc)

    transaction.on_commit(_drop)


def pending_invalidate() -> set[uuid.UUID]:
    """Invalidate the accounts of every committed ``PendingInvalidation`` and delete those
    rows; returns the accounts (none when the database or Redis failed: tried again later).
    """
    global _invalidate_script
    try:
        rows = list(PendingInvalidation.objects.values_list("pk", "user_id"))
    except DatabaseError as exc:
        service_error_observed(service="database", operation="sign_in_cache")
        logger.warning("pending sign-in cache invalidations unread: %s", exc)
        return set()
    if not rows:
        return set()
    user_ids = {user_id for _, user_id in rows}
    try:
        client, cache = _redis(), caches["default"]
        if _invalidate_script is None:
            _invalidate_script = client.register_script(_INVALIDATE_SCRIPT)
        _invalidate_script(
            keys=[_generation_key(user_id, cache) for user_id in user_ids],
            args=[_BUSY],
            client=client,
        )
    except RedisError as exc:
        service_error_observed(service="cache", operation="sign_in_cache")
        logger.warning("pending sign-in cache invalidations still pending: %s", exc)
        return set()
    # Only the rows read: one committed since is for a change that may be newer than the
    # invalidation just done.
    ids = [pk for pk, _ in rows]
    try:
        for start in range(0, len(ids), _PENDING_DELETE_BATCH):
            batch = ids[start : start + _PENDING_DELETE_BATCH]
            PendingInvalidation.objects.filter(pk__in=batch).delete()
    except DatabaseError as exc:
        service_error_observed(service="database", operation="sign_in_cache")
        logger.warning("done sign-in cache invalidations not deleted: %s", exc)
    return user_ids
