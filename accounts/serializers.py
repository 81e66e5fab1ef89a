"""Request validation and response shapes (camelCase on the wire) of the account API."""

from typing import Any

from rest_framework import serializers

from accounts import solana
from accounts.models import User
from accounts.profile_values import (
    BIO_MAX_LENGTH,
    PROFILE_IMAGE_MAX_LENGTH,
    bio_problem,
    profile_image_problem,
)
from accounts.siws import SiwsFormatError, parse_siws_message
from accounts.text import has_non_printable
from accounts.usernames import username_problem

REQUIRED = "This field is required."


class StrictIntegerField(serializers.IntegerField):
    """An integer in the JSON, not a string or a float or a boolean that looks like one."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string; numbers and other types are refused rather than stringified.

    Control characters (NUL included) are refused; ``multiline=True`` allows line breaks
    and tabs (a SIWS message).
    """

    default_error_messages = {"non_printable": "Must not contain control characters."}

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if has_non_printable(data, multiline=self.multiline):
            self.fail("non_printable")
        return super().to_internal_value(data)


class LoginInputSerializer(serializers.Serializer):
    """Both forms of ``POST /auth/login``: pump.fun's timestamp form or a SIWS message.

    Validated data: ``address`` and ``public_key`` (form A) or ``siws`` (form B),
    ``signature`` as bytes, ``timestamp`` for form A, ``message`` text for form B.
    """

    address = StrictCharField(required=False, max_length=64, trim_whitespace=False)
    wallet = StrictCharField(required=False, max_length=64, trim_whitespace=False)
    # Optional here so that every missing field is reported at once, by validate().
    signature = StrictCharField(required=False, max_length=128, trim_whitespace=False)
    timestamp = StrictIntegerField(required=False, min_value=0, max_value=2**53)
    message = StrictCharField(
        required=False, max_length=4096, trim_whitespace=False, multiline=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        address = attrs.pop("address", None)
        wallet = attrs.pop("wallet", None)
        if address is not None and wallet is not None and address != wallet:
            raise serializers.ValidationError({"wallet": ["must equal address"]})
        address = address if address is not None else wallet
        is_siws = "message" in attrs
        errors: dict[str, list[str]] = {}
        result: dict[str, Any] = {}
        if "signature" not in attrs:
            errors["signature"] = [REQUIRED]
        else:
            try:
                result["signature"] = solana.decode_signature(
                    attrs["signature"], allow_base64=is_siws
                )
            except solana.EncodingError as exc:
                errors["signature"] = [str(exc)]
        if is_siws:
            try:
                result["siws"] = parse_siws_message(attrs["message"])
                result["message"] = attrs["message"]
            except SiwsFormatError as exc:
                errors["message"] = [str(exc)]
            if address is not None and "siws" in result and address != result["siws"].address:
                errors["address"] = ["must equal the message's address"]
        else:
            if address is None:
                errors["address"] = [REQUIRED]
            else:
                try:
                    result["public_key"] = solana.decode_public_key(address)
                    result["address"] = address
                except solana.EncodingError as exc:
                    errors["address"] = [str(exc)]
            if "timestamp" not in attrs:
                errors["timestamp"] = [REQUIRED]
            else:
                result["timestamp"] = attrs["timestamp"]
        if errors:
            raise serializers.ValidationError(errors)
        return result


class RefreshInputSerializer(serializers.Serializer):
    refreshToken = StrictCharField(max_length=4096)


class SignInUserSerializer(serializers.ModelSerializer):
    """The account as ``POST /auth/login`` returns it."""

    isRegistered = serializers.BooleanField(source="is_registered")
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = User
        fields = ["id", "address", "username", "isRegistered", "createdAt"]


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


# --- Documentation of the request forms and responses (drf-spectacular) --------------------
BASE58_KEY = r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"
BASE58_SIGNATURE = r"^[1-9A-HJ-NP-Za-km-z]{64,88}$"


class LoginFormASerializer(serializers.Serializer):
    """pump.fun's form: the wallet signed ``Sign in to <site>: <timestamp>``."""

    address = serializers.RegexField(BASE58_KEY, help_text="Base58 Solana public key (32 bytes).")
    signature = serializers.RegexField(
        BASE58_SIGNATURE, help_text="Base58 ed25519 signature (64 bytes)."
    )
    timestamp = serializers.IntegerField(
        min_value=0, max_value=2**53, help_text="Milliseconds since the epoch, as signed."
    )


class LoginFormBSerializer(serializers.Serializer):
    """Sign In With Solana: the wallet signed the whole ``message``."""

    message = serializers.CharField(max_length=4096, help_text="The full SIWS message text.")
    signature = serializers.CharField(
        max_length=128, help_text="Base58 or base64 ed25519 signature (64 bytes)."
    )
    address = serializers.RegexField(
        BASE58_KEY, required=False, help_text="Must equal the message's."
    )
    wallet = serializers.RegexField(BASE58_KEY, required=False, help_text="Alias of `address`.")


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Access JWT; also set as the `auth_token` cookie.")
    expiresIn = serializers.IntegerField(help_text="Seconds the access token is valid.")
    refreshToken = serializers.CharField(help_text="Single-use refresh JWT.")


class LoginOutputSerializer(TokenPairSerializer):
    user = SignInUserSerializer()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()
