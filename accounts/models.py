"""The account, its sign-ins (token families), the used sign-in proofs, the sign-in cache's
pending invalidations and the audit trail."""

import uuid
from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# Re-exported: the models' module is where callers find the roles of the role field.
from accounts.roles import Role as Role
from accounts.usernames import USERNAME_REGEX, username_format_validator


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, username: str | None = None, password: str | None = None, **fields: Any
    ) -> "User":
        user = self.model(username=username, **fields)
        user.set_password(password)  # None gives an unusable password: wallet accounts.
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> "User":
        """Staff account for the admin site (``createsuperuser``): a password, no wallet."""
        fields.setdefault("role", Role.SUPER_ADMIN)
        return self.create_user(username=username, password=password, **fields)


class User(AbstractBaseUser):
    """An account: a wallet that signed in, or a staff member with a password.

    Roles live in ``role``; what a role may do is decided in ``permissions.rules``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Base58 of a 32-byte ed25519 key is at most 44 characters.
    address = models.CharField(max_length=44, unique=True, null=True, blank=True)
    username = models.CharField(
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        validators=[username_format_validator],
    )
    email = models.EmailField(blank=True, default="")
    bio = models.TextField(blank=True, default="")
    # null, not "": the API answers `"profileImage": null` for "none set".
    profile_image = models.URLField(max_length=500, null=True, blank=True)  # noqa: DJ001
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    is_banned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    username_changed_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]  # asked by createsuperuser

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            # The format is the database's rule too, whoever writes the row.
            models.CheckConstraint(
                condition=models.Q(username__isnull=True)
                | models.Q(username__regex=USERNAME_REGEX),
                name="user_username_format",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="user_created_at_idx")]

    def __str__(self) -> str:
        return self.username or self.address or str(self.id)

    @property
    def is_registered(self) -> bool:
        return self.username is not None

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return not self.is_banned

    # The admin site asks these; the answers come from the one set of role rules.
    @property
    def is_staff(self) -> bool:
        from permissions.rules import is_admin

        return is_admin(self)

    @property
    def is_superuser(self) -> bool:
        from permissions.rules import is_super_admin

        return is_super_admin(self)

    def has_perm(self, perm: str, obj: object = None) -> bool:
        from permissions.rules import has_staff_permission

        return has_staff_permission(self, perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        from permissions.rules import has_staff_module_permission

        return has_staff_module_permission(self, app_label)


def session_end() -> datetime:
    """When a sign-in starting now ends, whatever its refreshes (``SESSION_LIFETIME``)."""
    return timezone.now() + settings.SESSION_LIFETIME


class SignIn(models.Model):
    """One wallet sign-in: the family of access and refresh tokens it issued.

    Tokens carry this row's id (``sid``). Revoking the row revokes every token of the
    family at once; the database row is the source of truth, a cache may only sit in front.
    ``refresh_jti`` is the one refresh token of the family that may still be used.
    ``expires_at`` is fixed when the sign-in starts: no token of it outlives that.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_ins")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=session_end)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    refresh_jti = models.CharField(max_length=64)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="signin_user_revoked_idx")]

    def __str__(self) -> str:
        return f"sign-in {self.id} of {self.user_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class UsedSignInProof(models.Model):
    """A signature or SIWS nonce that has been accepted once and must never be again.

    The primary key makes the check atomic across processes and instances: a second
    insert of the same key fails in the database. Rows can be purged after ``expires_at``,
    when the proof would be rejected as stale anyway.
    """

    key = models.CharField(max_length=160, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


class PendingInvalidation(models.Model):
    """A change of an account that the sign-in cache could not be told of (Redis was
    unreachable): written in the change's own transaction, deleted once the account's
    cached entries are invalidated (``signin.sign_in_cache``).

    ``user_id`` is no foreign key: the account may be the deleted one.
    """

    user_id = models.UUIDField()

    def __str__(self) -> str:
        return f"pending invalidation of {self.user_id}"


class AuditAction(models.TextChoices):
    """What an audit event records. Names are stable: operators filter and alert on them."""

    SIGN_IN_SUCCEEDED = "sign_in.succeeded", "Sign-in succeeded"
    SIGN_IN_FAILED = "sign_in.failed", "Sign-in failed"
    LOGOUT = "sign_in.logout", "Logout"
    REFRESH_REUSED = "sign_in.refresh_reused", "Refresh token reuse detected"
    SESSIONS_REVOKED = "sign_in.revoked", "Sessions revoked"
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
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events_done"
    )
    actor_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    subject = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    subject_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
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
