"""Rotation, withdrawal, purge and re-encryption of the signing keys (``manage.py
signing_keys``). Each writes in one transaction, with its audit event (``signing_key.*``:
kids and algorithms, never private material; ``via`` "command" from ``manage.py``), and
announces the change (``key_set.keys_changed``): this process reads the keys again at once,
every other one at its next request on Redis, else within ``SIGNING_KEYS_REFRESH_SECONDS``."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from core.errors import ServiceError
from signing_keys import crypto
from signing_keys.key_set import key_create, keys_changed, keys_ensure
from signing_keys.models import KeyState, SigningKey


class KeyNotFound(ServiceError):
    default_message = "No such signing key"


class RotationTooSoon(ServiceError):
    default_message = "The next key was published too recently"


@dataclass(frozen=True)
class Rotation:
    activated: str  # kid
    retired: str | None
    published: str  # the new next key's kid


def retirement_delay() -> timedelta:
    """How long a key verifies after it stops signing: its last token's lifetime."""
    return settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=settings.SIMPLE_JWT["LEEWAY"])


@transaction.atomic
def keys_ensure_now(*, algorithm: str | None = None, via: str = "command") -> None:
    keys_ensure(algorithm=algorithm, via=via)
    keys_changed()


@transaction.atomic
def key_rotate(
    *,
    now: datetime | None = None,
    algorithm: str | None = None,
    force: bool = False,
    via: str = "command",
) -> Rotation:
    """The next key (published since the last rotation) becomes the signing one; the
    signing one is retired, published until its last token expires; a new next key is
    made and published. So a key is published one rotation before it signs anything.

    Refused (``RotationTooSoon``) while the next key is younger than the JWKS cache
    lifetime, unless ``force``: a verifier that cached the JWKS just before it appeared
    would not know it yet (PyJWT's client fetches again on an unknown kid; others may not).
    """
    now = now or timezone.now()
    algorithm = algorithm or settings.JWT_ALGORITHM
    keys_ensure(algorithm=algorithm, via=via)
    locked = {
        key.state: key
        for key in SigningKey.objects.select_for_update().filter(
            state__in=(KeyState.ACTIVE, KeyState.NEXT)
        )
    }
    upcoming, active = locked[KeyState.NEXT], locked.get(KeyState.ACTIVE)
    if not force and upcoming.created_at > now - timedelta(seconds=settings.JWKS_MAX_AGE_SECONDS):
        raise RotationTooSoon(
            f"next key {upcoming.kid} was published at {upcoming.created_at:%Y-%m-%dT%H:%M:%SZ};"
            f" rotate after {settings.JWKS_MAX_AGE_SECONDS} s (the JWKS cache lifetime),"
            " or with --force"
        )
    if active is not None:
        active.state = KeyState.RETIRED
        active.retired_at = now
        active.retire_after = now + retirement_delay()
        active.save(update_fields=["state", "retired_at", "retire_after"])
    upcoming.state = KeyState.ACTIVE
    upcoming.activated_at = now
    upcoming.save(update_fields=["state", "activated_at"])
    new = key_create(algorithm, KeyState.NEXT, via=via)
    audit_record(
        action=AuditAction.SIGNING_KEY_ROTATED,
        detail={
            "via": via,
            "kid": upcoming.kid,
            "alg": upcoming.algorithm,
            "retired": active.kid if active else None,
            "retireAfter": active.retire_after.isoformat()
            if active and active.retire_after
            else None,
            "published": new.kid,
            "forced": force,
        },
    )
    keys_changed()
    return Rotation(
        activated=upcoming.kid, retired=active.kid if active else None, published=new.kid
    )


@transaction.atomic
def key_withdraw(*, kid: str, now: datetime | None = None, via: str = "command") -> SigningKey:
    """Stop publishing a key and refuse its tokens from now on (every process at its next
    request on Redis, else within the refresh interval), and forget its private half. A
    withdrawn signing key is replaced at once by the next key, and a new next key is made."""
    now = now or timezone.now()
    try:
        key = SigningKey.objects.select_for_update().get(kid=kid)
    except SigningKey.DoesNotExist:
        raise KeyNotFound(f"No signing key {kid}") from None
    previous_state = key.state
    key.state = KeyState.WITHDRAWN
    key.withdrawn_at = now
    key.private_key_encrypted = ""
    key.save(update_fields=["state", "withdrawn_at", "private_key_encrypted"])
    audit_record(
        action=AuditAction.SIGNING_KEY_WITHDRAWN,
        detail={"via": via, "kid": key.kid, "alg": key.algorithm, "previousState": previous_state},
    )
    keys_ensure(via=via)
    keys_changed()
    return key


@transaction.atomic
def keys_purge(*, now: datetime | None = None, via: str = "command") -> list[str]:
    """Delete retired keys past ``retire_after`` (no longer published); their kids. One
    ``signing_key.purged`` event per deleted key."""
    now = now or timezone.now()
    expired = SigningKey.objects.select_for_update().filter(
        state=KeyState.RETIRED, retire_after__lte=now
    )
    purged = list(expired.values_list("kid", "algorithm"))
    for kid, algorithm in purged:
        audit_record(
            action=AuditAction.SIGNING_KEY_PURGED,
            detail={"via": via, "kid": kid, "alg": algorithm},
        )
    SigningKey.objects.filter(kid__in=[kid for kid, _ in purged]).delete()
    keys_changed()
    return [kid for kid, _ in purged]


@transaction.atomic
def keys_reencrypt() -> int:
    """Encrypt every stored private key with the first SIGNING_KEYS_SECRET (after a new
    secret was put first); the number of keys."""
    count = 0
    for key in SigningKey.objects.select_for_update().exclude(private_key_encrypted=""):
        key.private_key_encrypted = crypto.private_key_reencrypt(
            key.private_key_encrypted, kid=key.kid
        )
        key.save(update_fields=["private_key_encrypted"])
        count += 1
    return count
