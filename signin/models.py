"""A sign-in (a token family), the used sign-in proofs and the sign-in cache's pending
invalidations.

The tables keep the names they had when these models lived in ``accounts``
(``accounts_signin``, ...): the move changed no schema (``signin/migrations/0001``)."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


def session_end() -> datetime:
    """When a sign-in starting now ends, whatever its refreshes (``SESSION_LIFETIME``)."""
    return timezone.now() + settings.SESSION_LIFETIME


class SignIn(models.Model):
    """One wallet sign-in: the family of access and refresh tokens it issued.

    Tokens carry this row's id (``sid``). Revoking the row revokes every token of the
    family at once; the database row is the source of truth, a cache may only sit in front.
    ``refresh_jti`` is the one refresh token of the family that may still be used.
    ``expires_at`` is fixed when the sign-in starts: no token of it outlives that.
    A sign-in is what ``GET /auth/sessions`` calls a session.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=session_end)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    # The base58 address of the wallet that signed in (an account may come to hold several).
    # The database defaults let a release still running while this one migrates insert.
    wallet = models.CharField(max_length=44, blank=True, default="", db_default="")
    # ISO 3166-1 alpha-2 of the request, as permissions.rules.jurisdiction_of says; "": unknown.
    country = models.CharField(max_length=2, blank=True, default="", db_default="")
    refresh_jti = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        db_table = "accounts_signin"
        indexes = [
            models.Index(fields=["user", "revoked_at"], name="signin_user_revoked_idx"),
            # The revocation feed (signin.oauth.revocations_page) reads revoked sign-ins in
            # (revoked_at, id) order from a cursor: without it, every poll scans the table.
            # Partial: the live sign-ins, most of the table, are not in it.
            models.Index(
                fields=["revoked_at", "id"],
                name="signin_revoked_feed_idx",
                condition=models.Q(revoked_at__isnull=False),
            ),
            # The back-office dashboard counts sign-ins per hour and country over the last
            # week (backoffice.insight) from this index alone (an index-only scan).
            models.Index(fields=["created_at", "country"], name="signin_created_country_idx"),
            # The sessions that reach their end unrevoked, reported once a minute as
            # session.revoked "expired" (signin.services.sessions_expired_record).
            models.Index(
                fields=["expires_at"],
                name="signin_live_expiry_idx",
                condition=models.Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"sign-in {self.id} of {self.user_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DeletedSignIn(models.Model):
    """A sign-in of a deleted account, kept for the revocation feed: deleting an account
    deletes its sign-ins (CASCADE), and a service verifying tokens offline must still learn
    that their tokens are dead. Written in the deletion's transaction for each sign-in that
    had not ended; purged with the sign-ins (``backoffice.housekeeping``) once past
    ``expires_at``, when no token of it can be live.

    ``id`` is the sign-in's (the tokens' ``sid``); ``user_id`` is no foreign key (the
    account is gone).
    """

    id = models.UUIDField(primary_key=True)
    user_id = models.UUIDField()
    revoked_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["revoked_at", "id"], name="deletedsignin_feed_idx")]

    def __str__(self) -> str:
        return f"sign-in {self.id} of deleted account {self.user_id}"


class UsedSignInProof(models.Model):
    """A signature or SIWS nonce that has been accepted once and must never be again.

    The primary key makes the check atomic across processes and instances: a second
    insert of the same key fails in the database. Rows can be purged after ``expires_at``,
    when the proof would be rejected as stale anyway.
    """

    key = models.CharField(max_length=160, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "accounts_usedsigninproof"

    def __str__(self) -> str:
        return self.key


class PendingInvalidation(models.Model):
    """A change of an account that the sign-in cache could not be told of (Redis was
    unreachable): written in the change's own transaction, deleted once the account's
    cached entries are invalidated (``signin.sign_in_cache``).

    ``user_id`` is no foreign key: the account may be the deleted one.
    """

    user_id = models.UUIDField()

    class Meta:
        db_table = "accounts_pendinginvalidation"

    def __str__(self) -> str:
        return f"pending invalidation of {self.user_id}"
