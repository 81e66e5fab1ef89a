"""Redis in front of the one database read of every authenticated request.

An access token is accepted only while its sign-in is live; the database says so, and a
cache may only sit in front of it (``accounts.selectors.user_get_by_live_sign_in``). Here a
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

Writes of ``User`` rows (``save``/``delete``, any path: services, admin, commands) and of
revoked ``SignIn`` rows invalidate through the model signals connected here; the two
queryset updates that revoke sign-ins call ``account_changed`` themselves. Redis errors
never fail a request here: a look-up falls back to the database, a failed invalidation is
logged and its entries expire after ``SIGN_IN_CACHE_SECONDS``. On the database cache (the
embedded default) this module does nothing.
"""

import logging
import pickle
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

from accounts.models import SignIn, User
from config.cache import redis_client, uses_redis
from config.ratelimit import COUNT_LUA, Counter

logger = logging.getLogger("accounts.sign_in_cache")

_BUSY = b"busy"
_BUSY_SECONDS = 5
_SEQUENCE_KEY = "signin-cache:sequence"

# KEYS: generation, entry, sequence, then rate-limit counters; ARGV: generation ttl, two
# blanks, then the counters' ttls. A missing generation becomes "<server time>.<sequence>":
# never one that an old entry could carry.
_LOOKUP_SCRIPT = (
    "local first = 4\n"
    + COUNT_LUA
    + """
local generation = redis.call('GET', KEYS[1])
if not generation then
  local now = redis.call('TIME')
  generation = now[1] .. '.' .. now[2] .. '.' .. redis.call('INCR', KEYS[3])
  redis.call('SET', KEYS[1], generation, 'EX', ARGV[1])
end
return {generation, redis.call('GET', KEYS[2]), unpack(counts)}
"""
)
_lookup_script = None


@dataclass(frozen=True)
class Lookup:
    values: tuple[Any, ...] | None = None  # the account's field values, on a hit
    generation: bytes | None = None  # what a fill must be tagged with; None: do not fill
    counts: list[int] | None = None  # of the counters asked for; None: not counted


_NOTHING = Lookup()


def _enabled() -> bool:
    return settings.SIGN_IN_CACHE_SECONDS > 0 and uses_redis()


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
        client, cache = redis_client(), caches["default"]
        if _lookup_script is None:
            _lookup_script = client.register_script(_LOOKUP_SCRIPT)
        generation, entry, *counts = _lookup_script(
            keys=[
                _generation_key(user_id, cache),
                _entry_key(sign_in_id, cache),
                cache.make_key(_SEQUENCE_KEY),
                *(counter.key for counter in counters),
            ],
            # The generation outlives the entries tagged with it; if it expires first, the
            # next one is new and those entries are merely missed.
            args=[2 * settings.SIGN_IN_CACHE_SECONDS, 0, 0, *(c.ttl for c in counters)],
            client=client,
        )
    except RedisError as exc:
        logger.warning("sign-in cache look-up failed, reading the database: %s", exc)
        return _NOTHING
    if generation == _BUSY:
        return Lookup(counts=counts)
    if entry:
        tag, _, payload = entry.partition(b"|")
        if tag == generation:
            # Our own entries, written below; Django's Redis cache pickles the same way.
            return Lookup(values=pickle.loads(payload), counts=counts)  # noqa: S301
    return Lookup(generation=generation, counts=counts)


def store(*, sign_in_id: uuid.UUID, generation: bytes, values: tuple[Any, ...]) -> None:
    """Keep a live sign-in's account row (its field values) under ``generation``."""
    if not _enabled():
        return
    entry = generation + b"|" + pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    try:
        key = _entry_key(sign_in_id, caches["default"])
        redis_client().set(key, entry, ex=settings.SIGN_IN_CACHE_SECONDS)
    except RedisError as exc:
        logger.warning("sign-in cache fill failed: %s", exc)


def account_changed(user_id: uuid.UUID) -> None:
    """Invalidate every cached sign-in of an account: busy now, gone after the commit."""
    if not _enabled():
        return
    key = _generation_key(user_id, caches["default"])
    try:
        redis_client().set(key, _BUSY, ex=_BUSY_SECONDS)
    except RedisError as exc:
        logger.warning("sign-in cache invalidation of %s failed: %s", user_id, exc)

    def _drop() -> None:
        try:
            redis_client().delete(key)
        except RedisError as exc:
            logger.warning("sign-in cache invalidation of %s failed: %s", user_id, exc)

    transaction.on_commit(_drop)


def _user_written(sender: type[User], instance: User, **kwargs: Any) -> None:
    account_changed(instance.pk)


def _sign_in_written(sender: type[SignIn], instance: SignIn, **kwargs: Any) -> None:
    # Rotation and new sign-ins change nothing a cached entry holds; revocation does.
    if instance.revoked_at is not None:
        account_changed(instance.user_id)


def connect_signals() -> None:
    post_save.connect(_user_written, sender=User, dispatch_uid="sign_in_cache.user_saved")
    post_delete.connect(_user_written, sender=User, dispatch_uid="sign_in_cache.user_deleted")
    post_save.connect(_sign_in_written, sender=SignIn, dispatch_uid="sign_in_cache.sign_in")
