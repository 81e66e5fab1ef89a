"""Creating, checking, disabling and enabling service clients.

The secret is 32 random bytes (``secrets.token_urlsafe``), shown once at creation and
stored as its SHA-256, compared in constant time (``hmac.compare_digest``). Not one of
Django's password hashers: they are slow on purpose (PBKDF2's hundreds of thousands of
iterations, tens of milliseconds) to protect guessable human passwords, and every
introspection call checks the secret. A 256-bit random secret cannot be guessed from a
fast hash, so a slow one would only make each call slower (the same reasoning as API keys
and OAuth client secrets elsewhere).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import COMMAND, Origin, audit_record
from service_clients.models import ServiceClient

CLIENT_ID_PREFIX = "svc_"
# last_used_at is written at most this often per client, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Compared against when the client id is unknown, so that the answer takes as long.
_NO_HASH = hashlib.sha256(b"no such client").hexdigest()


class ClientNotFound(LookupError):
    pass


@dataclass(frozen=True)
class CreatedClient:
    client: ServiceClient
    secret: str  # in clear: shown once, never stored


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def service_client_create(
    *, name: str, actor: User | None = None, origin: Origin = COMMAND, now: datetime | None = None
) -> CreatedClient:
    """A new enabled client with a generated id and secret; the secret is only returned.
    Audited (``service_client.created``)."""
    secret = secrets.token_urlsafe(32)
    client = ServiceClient.objects.create(
        client_id=CLIENT_ID_PREFIX + secrets.token_urlsafe(12),
        name=name,
        secret_hash=secret_hash(secret),
        created_at=now or timezone.now(),
    )
    _audit(AuditAction.SERVICE_CLIENT_CREATED, client, actor, origin)
    return CreatedClient(client=client, secret=secret)


def _audit(action: str, client: ServiceClient, actor: User | None, origin: Origin) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        detail={"clientId": client.client_id, "name": client.name, "via": origin.via},
    )


def service_client_authenticate(
    *, client_id: str, secret: str, now: datetime | None = None
) -> ServiceClient | None:
    """The enabled client whose id and secret these are; None for anything else (unknown
    id, wrong secret, disabled). Records ``last_used_at`` at most once a minute."""
    client = ServiceClient.objects.filter(client_id=client_id[:64]).first()
    presented = secret_hash(secret)
    if not hmac.compare_digest(presented, client.secret_hash if client else _NO_HASH):
        return None
    if client is None or not client.enabled:
        return None
    now = now or timezone.now()
    if client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
        # Conditional, so concurrent calls write it once.
        ServiceClient.objects.filter(pk=client.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        client.last_used_at = now
    return client


@transaction.atomic
def service_client_set_enabled(
    *, client_id: str, enabled: bool, actor: User | None = None, origin: Origin = COMMAND
) -> ServiceClient:
    """Disable (refused from the next call on) or enable a client; ``ClientNotFound``.
    A change is audited (``service_client.disabled`` / ``.enabled``); no change, no event."""
    client = ServiceClient.objects.select_for_update().filter(client_id=client_id).first()
    if client is None:
        raise ClientNotFound(client_id)
    if client.enabled != enabled:
        client.enabled = enabled
        client.save(update_fields=["enabled"])
        action = (
            AuditAction.SERVICE_CLIENT_ENABLED if enabled else AuditAction.SERVICE_CLIENT_DISABLED
        )
        _audit(action, client, actor, origin)
    return client
