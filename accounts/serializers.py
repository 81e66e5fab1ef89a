"""Request validation and response shapes (camelCase on the wire) of the profile API."""

from typing import Any

from rest_framework import serializers

from accounts.models import User, Wallet
from accounts.profile_values import (
    BIO_MAX_LENGTH,
    PROFILE_IMAGE_MAX_LENGTH,
    bio_problem,
    profile_image_problem,
)
from accounts.usernames import username_problem
from core.fields import StrictCharField


class ProfileSerializer(serializers.ModelSerializer):
    """The caller's full profile (``GET /auth/my-profile``)."""

    profileImage = serializers.URLField(source="profile_image", allow_null=True)
    isRegistered = serializers.BooleanField(source="is_registered")
    isAdmin = serializers.BooleanField(source="is_staff")
    isSuperAdmin = serializers.BooleanField(source="is_superuser")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
    lastLogin = serializers.DateTimeField(source="last_login", allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "address",
            "username",
            "email",
            "bio",
            "profileImage",
            "isRegistered",
            "isAdmin",
            "isSuperAdmin",
            "createdAt",
            "updatedAt",
            "lastLogin",
        ]


class PublicProfileSerializer(serializers.ModelSerializer):
    """What anyone signed in may see of an account (``GET /users/{id}``): never email,
    roles or login times."""

    profileImage = serializers.URLField(source="profile_image", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = User
        fields = ["id", "address", "username", "bio", "profileImage", "createdAt"]


class WalletSerializer(serializers.ModelSerializer):
    """One of the caller's wallets (``GET /auth/wallets`` lists them)."""

    caip10 = serializers.CharField(help_text="CAIP-10 account id: solana:<mainnet>:<address>.")
    isPrimary = serializers.BooleanField(source="is_primary")
    linkedAt = serializers.DateTimeField(source="linked_at")
    # From the sign-ins (``accounts.selectors.wallets_list``); a wallet just linked has none.
    lastSignInAt = serializers.DateTimeField(
        source="last_sign_in_at", allow_null=True, default=None
    )

    class Meta:
        model = Wallet
        fields = ["address", "caip10", "isPrimary", "linkedAt", "lastSignInAt"]


class UsernameField(StrictCharField):
    """A username by the rules of ``accounts.usernames``: format, not reserved."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, max_length=64, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        problem = username_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value


class BioField(StrictCharField):
    """A bio by the rule of ``accounts.profile_values``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=BIO_MAX_LENGTH, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        problem = bio_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value


class ProfileImageField(serializers.URLField):
    """A profile image URL by the rule of ``accounts.profile_values`` (https, public host)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="profile_image", max_length=PROFILE_IMAGE_MAX_LENGTH, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        value = super().to_internal_value(data)
        problem = profile_image_problem(value)
        if problem is not None:
            raise serializers.ValidationError(problem)
        return value


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegisterInputSerializer(serializers.Serializer):
    """``POST /users/register``; any other field in the body is ignored."""

    username = UsernameField()
    email = StrictEmailField(required=False, allow_blank=True, max_length=254)
    bio = BioField(required=False, allow_blank=True)
    profileImage = ProfileImageField(required=False, allow_null=True)


class ProfileUpdateInputSerializer(serializers.Serializer):
    """``POST``/``PATCH /users``: the editable fields, each optional; null or "" clears email,
    bio and image. Any other field (``id``, ``address``, ``isAdmin``, ...) is ignored."""

    username = UsernameField(required=False)
    email = StrictEmailField(required=False, allow_blank=True, allow_null=True, max_length=254)
    bio = BioField(required=False, allow_blank=True, allow_null=True)
    profileImage = ProfileImageField(required=False, allow_null=True, allow_blank=True)
