"""The account and its wallets. Its sign-ins, the used sign-in proofs and the sign-in
cache's pending invalidations live in ``signin.models``, the audit trail in ``audit.models``."""

import uuid
from typing import Any

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
        indexes = [
            models.Index(fields=["created_at"], name="user_created_at_idx"),
            # The back-office dashboard's count of banned accounts, without reading every
            # row. Partial: only banned accounts are in it, so it costs the sign-in nothing.
            models.Index(fields=["id"], name="user_banned_idx", condition=models.Q(is_banned=True)),
        ]

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


# The CAIP-2 id of Solana's mainnet (its genesis hash, truncated): CAIP-10 account ids of
# wallets are ``solana:<this>:<address>``.
SOLANA_MAINNET_CAIP2 = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"


class Wallet(models.Model):
    """A Solana wallet of an account; signing in with any of them signs in to the account.

    An address belongs to one account at most (the unique index decides, whoever writes).
    Each account with a wallet has exactly one primary wallet (at most one by the partial
    unique index; the flows keep it at least one), and ``User.address`` is its address.
    """

    id = models.BigAutoField(primary_key=True)
    # Base58 of a 32-byte ed25519 key is at most 44 characters.
    address = models.CharField(max_length=44, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="wallets")
    is_primary = models.BooleanField(default=False)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_primary=True),
                name="wallet_one_primary_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def caip10(self) -> str:
        return f"{SOLANA_MAINNET_CAIP2}:{self.address}"
