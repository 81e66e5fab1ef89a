"""The outbox: one row per event of the contract (docs/api.md "Events: webhooks").

Each flow writes its events in the same transaction as the change they report
(``events.services``), so a rolled-back change leaves no event and a committed one always
has its events. Delivering them is another app's work (``webhooks``): it reads the rows
not yet dispatched and marks them.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class EventType(models.TextChoices):
    """The contract's event types. Names are stable: receivers subscribe to them."""

    USER_CREATED = "user.created", "Account created (first sign-in)"
    USER_REGISTERED = "user.registered", "Account registered (username chosen)"
    USER_UPDATED = "user.updated", "Profile updated"
    USER_DELETED = "user.deleted", "Account deleted"
    USER_BANNED = "user.banned", "Account banned"
    USER_UNBANNED = "user.unbanned", "Account unbanned"
    USER_ROLE_CHANGED = "user.role_changed", "Role changed"
    SESSION_CREATED = "session.created", "Session created (sign-in)"
    SESSION_REVOKED = "session.revoked", "Session revoked"
    WALLET_LINKED = "wallet.linked", "Wallet linked"
    WALLET_UNLINKED = "wallet.unlinked", "Wallet unlinked"
    JURISDICTION_BLOCKED = "jurisdiction.blocked", "Country blocked"
    JURISDICTION_UNBLOCKED = "jurisdiction.unblocked", "Country unblocked"


class SessionRevokedReason(models.TextChoices):
    """``data.reason`` of ``session.revoked``."""

    LOGOUT = "logout"  # the account ended it (logout, its sessions list, its token, a wallet)
    EXPIRED = "expired"  # its lifetime ran out
    BAN = "ban"  # the account was banned
    REUSE = "reuse"  # a spent refresh token was presented again
    STAFF = "staff"  # staff or a service client revoked it
    DELETION = "deletion"  # the account was deleted


class Cursor(models.Model):
    """How far a periodic report has got (its ``name``): the events of what happened up to
    ``position`` are recorded. Moved in the transaction that records them."""

    name = models.CharField(max_length=64, primary_key=True)
    position = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.position:%Y-%m-%d %H:%M:%S}"


class Event(models.Model):
    """One event, append-only. ``subject_uuid`` is the account it is about (none for a
    country), kept after the account is deleted and indexed so an account's page can list
    its events. ``dispatched_at`` is set by the webhooks worker once every endpoint
    subscribed to the event has its delivery; the rows without it are the work to do."""

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=40, choices=EventType.choices)
    subject_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The worker's sweep: only the few rows not yet dispatched are in this index.
            models.Index(
                fields=["id"],
                name="events_undispatched_idx",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.id}"

    @property
    def message_id(self) -> str:
        """The Standard Webhooks ``webhook-id``: the same for every attempt and replay."""
        return f"msg_{self.id}"
