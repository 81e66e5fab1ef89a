"""The audit trail: what an event records and the append-only event.

The table keeps the name it had when the model lived in ``accounts``
(``accounts_auditevent``): the move changed no schema (``audit/migrations/0001``)."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    """What an audit event records. Names are stable: operators filter and alert on them."""

    SIGN_IN_SUCCEEDED = "sign_in.succeeded", "Sign-in succeeded"
    SIGN_IN_FAILED = "sign_in.failed", "Sign-in failed"
    LOGOUT = "sign_in.logout", "Logout"
    REFRESH_REUSED = "sign_in.refresh_reused", "Refresh token reuse detected"
    SESSIONS_REVOKED = "sign_in.revoked", "Sessions revoked"
    TOKEN_REVOKED = "sign_in.token_revoked", "Session revoked by token (OAuth revocation)"
    USER_REGISTERED = "user.registered", "User registered"
    USER_DELETED = "user.deleted", "User deleted"
    USER_UPDATED = "user.updated", "User edited by staff"
    USER_BANNED = "user.banned", "User banned"
    USER_UNBANNED = "user.unbanned", "User unbanned"
    ROLE_CHANGED = "user.role_changed", "Role changed"
    STAFF_SIGN_IN_SUCCEEDED = "staff.sign_in.succeeded", "Staff sign-in to the admin site"
    STAFF_SIGN_IN_FAILED = "staff.sign_in.failed", "Staff sign-in to the admin site failed"
    STAFF_LOGOUT = "staff.logout", "Staff logout from the admin site"
    JURISDICTION_BLOCKED = "jurisdiction.blocked", "Country blocked"
    JURISDICTION_UPDATED = "jurisdiction.updated", "Blocked country edited"
    JURISDICTION_UNBLOCKED = "jurisdiction.unblocked", "Country unblocked"
    ADMIN_ACTION = "admin.action", "Other staff action"
    WALLET_LINKED = "wallet.linked", "Wallet linked"
    WALLET_UNLINKED = "wallet.unlinked", "Wallet unlinked"
    WALLET_PRIMARY_CHANGED = "wallet.primary_changed", "Primary wallet changed"
    SERVICE_CLIENT_CREATED = "service_client.created", "Service client created"
    SERVICE_CLIENT_DISABLED = "service_client.disabled", "Service client disabled"
    SERVICE_CLIENT_ENABLED = "service_client.enabled", "Service client enabled"
    SIGNING_KEY_CREATED = "signing_key.created", "Signing key created"
    SIGNING_KEY_ROTATED = "signing_key.rotated", "Signing keys rotated"
    SIGNING_KEY_WITHDRAWN = "signing_key.withdrawn", "Signing key withdrawn"
    SIGNING_KEY_PURGED = "signing_key.purged", "Retired signing keys purged"
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created", "Webhook endpoint created"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled", "Webhook endpoint disabled"
    WEBHOOK_ENDPOINT_ENABLED = "webhook_endpoint.enabled", "Webhook endpoint enabled"
    WEBHOOK_ENDPOINT_TESTED = "webhook_endpoint.tested", "Webhook endpoint tested"
    WEBHOOK_EVENT_REPLAYED = "webhook.replayed", "Webhook delivery replayed"


class AuditEvent(models.Model):
    """One append-only entry of the audit trail: who did what, to whom, when, from where.

    ``actor`` and ``subject`` are nulled when the account is deleted, but their uuids stay
    in ``actor_uuid`` / ``subject_uuid``; ``audit.services.audit_scrub_user`` then removes
    the personal data (address, IP, user agent) from the events. Rows are never updated
    through ``save()``; old ones are purged past ``AUDIT_RETENTION_DAYS``.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events_done",
    )
    actor_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    subject_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "accounts_auditevent"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"], name="audit_action_created_idx")]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Audit events are append-only")
        # The uuids outlive the foreign keys, which are nulled when an account is deleted.
        self.actor_uuid = self.actor_uuid or self.actor_id
        self.subject_uuid = self.subject_uuid or self.subject_id
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Audit events are append-only; they are purged by retention only")
