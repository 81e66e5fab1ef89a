"""Each process's key set: the published keys and the signing one, read from the database
at most every ``SIGNING_KEYS_REFRESH_SECONDS``.

The request path reads memory only: ``current()`` compares the clock with the time of the
next check, and past it reads the keys' rows again (one small query per process per
interval, and their private key decrypted only when the signing key changed). A change made
by any instance (rotation, withdrawal) is therefore seen by every process within the
interval, with no restart; the process that makes it sees it at once (``invalidate``).

A new ``KeySet`` object is made whenever what it holds changes, so a cache keyed by the key
set (``signin.authentication``'s verified tokens) never answers from a withdrawn key.

**At once everywhere, on Redis**: a flow that changes the keys (``keys_changed``) also
writes a new random **version** to Redis after its commit. An authenticated request reads
that version in the Redis call it makes anyway (``signin.sign_in_cache.lookup``), and the
service endpoints read it before verifying; a process that sees a version it has not seen
reads the keys again before it answers (``KeySetCache.version_seen``), so a withdrawn key's
tokens are refused by every instance from the first request after the command. Without
Redis (the embedded default), or if Redis missed the version, the interval still bounds it.
"""

import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from audit.models import AuditAction
from audit.services import audit_record
from config.cache import redis_client, uses_redis
from metrics.instruments import service_error_observed
from signing_keys import crypto
from signing_keys.models import PUBLISHED_STATES, KeyState, SigningKey

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PublishedKey:
    kid: str
    algorithm: str
    jwk: dict[str, Any]
    public_key: Any  # cryptography's public key object, as PyJWT verifies with it


@dataclass(frozen=True, eq=False)
class SigningKeyInUse:
    kid: str
    algorithm: str
    private_key: crypto.PrivateKey = field(repr=False)


@dataclass(frozen=True, eq=False)
class KeySet:
    """The keys this process verifies with (by kid) and signs with. Compared by identity."""

    published: dict[str, PublishedKey]
    signing: SigningKeyInUse | None
    fingerprint: tuple = field(repr=False)

    def verifying_key(self, kid: object) -> PublishedKey | None:
        return self.published.get(kid) if isinstance(kid, str) else None

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [key.jwk for key in self.published.values()]}


_ROW_FIELDS = ("kid", "algorithm", "state", "public_jwk", "retire_after")


def _published_rows(now: datetime) -> list[dict[str, Any]]:
    rows = SigningKey.objects.filter(state__in=PUBLISHED_STATES).values(*_ROW_FIELDS)
    return [
        row
        for row in rows
        if row["state"] != KeyState.RETIRED
        or (row["retire_after"] is not None and row["retire_after"] > now)
    ]


def _build(rows: list[dict[str, Any]], previous: KeySet | None) -> KeySet:
    published = {
        row["kid"]: PublishedKey(
            kid=row["kid"],
            algorithm=row["algorithm"],
            jwk=row["public_jwk"],
            public_key=jwt.PyJWK(row["public_jwk"], algorithm=row["algorithm"]).key,
        )
        for row in rows
    }
    active = next((row for row in rows if row["state"] == KeyState.ACTIVE), None)
    signing = None
    if active is not None:
        if previous is not None and previous.signing and previous.signing.kid == active["kid"]:
            signing = previous.signing
        else:
            encrypted = (
                SigningKey.objects.filter(kid=active["kid"])
                .values_list("private_key_encrypted", flat=True)
                .get()
            )
            signing = SigningKeyInUse(
                kid=active["kid"],
                algorithm=active["algorithm"],
                private_key=crypto.private_key_decrypt(encrypted, kid=active["kid"]),
            )
    fingerprint = tuple(sorted((row["kid"], row["state"], row["retire_after"]) for row in rows))
    return KeySet(published=published, signing=signing, fingerprint=fingerprint)


class KeySetCache:
    """The process's key set, refreshed from the database every ``refresh_seconds``.

    ``clock``: seconds, monotonic (injected by tests); ``now``: the wall clock for
    ``retire_after``.
    """

    def __init__(
        self,
        *,
        refresh_seconds: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = timezone.now,
    ) -> None:
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()
        self._key_set: KeySet | None = None
        self._next_check = float("-inf")
        self._version: bytes | None = None  # the last shared version this process saw

    def current(self) -> KeySet:
        """The key set; from memory until the interval has passed since the last read."""
        key_set = self._key_set
        if key_set is not None and self._clock() < self._next_check:
            return key_set
        return self._refresh()

    def invalidate(self) -> None:
        """Read the keys again on the next use (this process changed them)."""
        self._next_check = float("-inf")

    def version_seen(self, version: bytes | None) -> bool:
        """The shared version, as a request just read it from Redis (None: not read). True
        if it is not the one this process saw last: the keys are then read again at their
        next use, so the caller verifies its token again."""
        if version is None or version == self._version:
            return False
        self._version = version
        self.invalidate()
        return True

    def _refresh(self) -> KeySet:
        with self._lock:
            if self._key_set is not None and self._clock() < self._next_check:
                return self._key_set
            try:
                rows = _published_rows(self._now())
                if not any(row["state"] == KeyState.ACTIVE for row in rows):
                    keys_ensure()
                    rows = _published_rows(self._now())
            except DatabaseError:
                if self._key_set is None:
                    raise
                service_error_observed(service="database", operation="signing_keys")
                # Keep verifying with what we had; nothing can change keys while the
                # database is down. Try again after the interval.
                logger.warning("signing keys not refreshed: the database did not answer")
                self._next_check = self._clock() + self._refresh_seconds()
                return self._key_set
            fingerprint = tuple(
                sorted((row["kid"], row["state"], row["retire_after"]) for row in rows)
            )
            if self._key_set is None or self._key_set.fingerprint != fingerprint:
                self._key_set = _build(rows, self._key_set)
            self._next_check = self._clock() + self._refresh_seconds()
            return self._key_set


def keys_ensure(*, algorithm: str | None = None, via: str = "automatic") -> None:
    """An active key and a next one exist (made on first use, or by ``signing_keys ensure``).

    Without an active key, the next one (already published) becomes active; a key made
    here for want of one signs at once, which only happens before the first token.
    Concurrent callers are safe: at most one active and one next key (unique constraints).
    What it changes is audited in the same transaction (``via``: "command" from
    ``manage.py``, "automatic" when a process makes the keys on first use).
    """
    algorithm = algorithm or settings.JWT_ALGORITHM
    if algorithm not in crypto.ASYMMETRIC_ALGORITHMS:
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            if not SigningKey.objects.filter(state=KeyState.ACTIVE).exists():
                upcoming = SigningKey.objects.filter(state=KeyState.NEXT).first()
                if upcoming is None:
                    key_create(algorithm, KeyState.ACTIVE, via=via, activated_at=now)
                elif SigningKey.objects.filter(pk=upcoming.pk, state=KeyState.NEXT).update(
                    state=KeyState.ACTIVE, activated_at=now
                ):  # else another process promoted it at the same moment
                    audit_record(
                        action=AuditAction.SIGNING_KEY_ROTATED,
                        detail={
                            "via": via,
                            "kid": upcoming.kid,
                            "alg": upcoming.algorithm,
                            "retired": None,
                            "reason": "no active key",
                        },
                    )
            if not SigningKey.objects.filter(state=KeyState.NEXT).exists():
                key_create(algorithm, KeyState.NEXT, via=via)
    except IntegrityError:
        pass  # another process made them at the same moment


def key_create(algorithm: str, state: str, *, via: str, **dates: datetime) -> SigningKey:
    """A new key in ``state``, audited (``signing_key.created``: its kid, alg and state;
    never private material) in the caller's transaction."""
    new = crypto.key_generate(algorithm)
    key = SigningKey.objects.create(
        kid=new.kid,
        algorithm=new.algorithm,
        public_jwk=new.public_jwk,
        private_key_encrypted=new.private_key_encrypted,
        state=state,
        **dates,
    )
    audit_record(
        action=AuditAction.SIGNING_KEY_CREATED,
        detail={"via": via, "kid": key.kid, "alg": key.algorithm, "state": state},
    )
    return key


key_sets = KeySetCache(refresh_seconds=lambda: settings.SIGNING_KEYS_REFRESH_SECONDS)

_VERSION_KEY = "signing-keys:version"


@functools.cache  # the cache's key prefix and version are settings: read once
def version_key() -> str:
    """The Redis key of the shared version (``signin.sign_in_cache`` reads it too)."""
    return caches["default"].make_key(_VERSION_KEY)


def version_read() -> bytes | None:
    """The shared version, for a path that makes no other Redis call (the service endpoints,
    the JWKS); None without Redis or when it does not answer."""
    if not uses_redis():
        return None
    client = redis_client()
    try:
        version = client.get(version_key()) if client is not None else None
    except RedisError as exc:
        service_error_observed(service="cache", operation="signing_keys")
        logger.warning("signing keys' version unread: %s", exc)
        return None
    return version if isinstance(version, bytes) else None


def keys_changed() -> None:
    """Called by a flow that changed the keys, inside its transaction: this process reads
    them again at once and after the commit, and every other one at its next request that
    reads the version (a new random one, written after the commit: a process that reads it
    reads the committed keys), else within the interval."""
    key_sets.invalidate()

    def announce() -> None:
        key_sets.invalidate()
        client = redis_client() if uses_redis() else None
        if client is None:
            return
        try:
            # Random, not a counter: a Redis that lost its data never repeats one.
            client.set(version_key(), uuid.uuid4().hex)
        except RedisError as exc:
            service_error_observed(service="cache", operation="signing_keys")
            logger.warning(
                "signing keys' version not announced (seen within the interval): %s", exc
            )

    transaction.on_commit(announce)


def current() -> KeySet:
    """This process's key set (see the module's docstring)."""
    return key_sets.current()
