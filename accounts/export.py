"""The data export (``GET /users/me/export``): everything the service keeps about one account.

What is in it, by table (``EXPORTED``), and what is left out and why (``NOT_EXPORTED``):
``tests/accounts/test_export.py`` checks that every table referring to the account is one
or the other, so a new table cannot be forgotten. No secret is written: no token, refresh
token id, signature, proof key or password hash.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.selectors import wallets_list
from accounts.serializers import ProfileSerializer, WalletSerializer
from audit.models import AuditEvent
from signin.devices import device_name
from signin.models import SignIn

# Tables about the account and the export's key holding them.
EXPORTED = {
    "accounts.user": "profile",
    "accounts.wallet": "wallets",
    "signin.signin": "sessions",
    "audit.auditevent": "auditEvents",
}
# Tables that refer to the account but are not its data, and why.
NOT_EXPORTED = {
    # A marker that the sign-in cache must forget the account, deleted within half a second.
    "signin.pendinginvalidation": "cache bookkeeping, no personal data",
    # The admin site's own log of a staff member's edits: about the accounts they edited,
    # whose data it is; the audit trail records the same actions.
    "admin.logentry": "other accounts' data (staff actions)",
    # Written only when the account is deleted, for the revocation feed: a live account has
    # none, and an export is of a live account.
    "signin.deletedsignin": "exists only after the account is deleted",
    # The webhooks outbox: copies of the public profile and session facts exported above,
    # sent to the deployment's own services.
    "events.event": "copies of exported data (outbox of the deployment's webhooks)",
}


class ExportProfileSerializer(ProfileSerializer):
    """The account's row: the full profile and what the service keeps beside it."""

    role = serializers.CharField()
    isBanned = serializers.BooleanField(source="is_banned")
    usernameChangedAt = serializers.DateTimeField(source="username_changed_at", allow_null=True)

    class Meta(ProfileSerializer.Meta):
        fields = [*ProfileSerializer.Meta.fields, "role", "isBanned", "usernameChangedAt"]


class ExportSessionSerializer(serializers.ModelSerializer):
    """One sign-in, live or ended; never its refresh token's id."""

    wallet = serializers.CharField(allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    lastUsedAt = serializers.DateTimeField(source="last_used_at")
    expiresAt = serializers.DateTimeField(source="expires_at")
    revokedAt = serializers.DateTimeField(source="revoked_at", allow_null=True)
    revokedReason = serializers.CharField(source="revoked_reason", allow_null=True)
    ip = serializers.IPAddressField(source="ip_address", allow_null=True)
    country = serializers.CharField(allow_null=True)
    userAgent = serializers.CharField(source="user_agent")
    device = serializers.SerializerMethodField()

    class Meta:
        model = SignIn
        fields = [
            "id",
            "wallet",
            "createdAt",
            "lastUsedAt",
            "expiresAt",
            "revokedAt",
            "revokedReason",
            "ip",
            "country",
            "userAgent",
            "device",
        ]

    def get_device(self, sign_in: SignIn) -> str:
        return device_name(sign_in.user_agent)

    def to_representation(self, instance: SignIn) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Stored as "" for "none"; the export says null, as the sessions list does.
        for key in ("wallet", "country", "revokedReason"):
            data[key] = data[key] or None
        return data


class ExportAuditEventSerializer(serializers.ModelSerializer):
    """One audit event about the account. Who acted is said as "you", "staff" (another
    account, whose identity is their data) or null (the service or an operator's command)."""

    at = serializers.DateTimeField(source="created_at")
    by = serializers.SerializerMethodField()
    ip = serializers.IPAddressField(source="ip_address", allow_null=True)
    userAgent = serializers.CharField(source="user_agent")

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "action", "by", "ip", "userAgent", "detail"]

    def get_by(self, event: AuditEvent) -> str | None:
        if event.actor_uuid is None:
            return None
        return "you" if event.actor_uuid == event.subject_uuid else "staff"


class AccountExportSerializer(serializers.Serializer):
    """The whole export; its keys are ``EXPORTED``'s values."""

    exportedAt = serializers.DateTimeField()
    profile = ExportProfileSerializer()
    wallets = WalletSerializer(many=True)
    sessions = ExportSessionSerializer(many=True)
    auditEvents = ExportAuditEventSerializer(many=True)


def account_export(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """The account's data as one JSON-ready document: the wallets as ``GET /auth/wallets``
    lists them, the sessions and audit events newest first."""
    return dict(
        AccountExportSerializer(
            {
                "exportedAt": now or timezone.now(),
                "profile": user,
                "wallets": wallets_list(user=user),
                "sessions": SignIn.objects.filter(user=user).order_by("-created_at", "-id"),
                "auditEvents": AuditEvent.objects.filter(subject_uuid=user.pk).order_by(
                    "-created_at", "-id"
                ),
            }
        ).data
    )
