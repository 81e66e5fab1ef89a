"""Request validation and response shapes (camelCase on the wire) of the sign-in API."""

from typing import Any

from rest_framework import serializers

from accounts.models import User
from core.fields import REQUIRED, StrictCharField, StrictIntegerField
from signin import solana
from signin.siws import SiwsFormatError, parse_siws_message


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


class SessionSerializer(serializers.Serializer):
    """One live session as ``GET /auth/sessions`` lists it (a ``signin.selectors.Session``)."""

    id = serializers.UUIDField()
    current = serializers.BooleanField(help_text="The session of the token used.")
    wallet = serializers.CharField(
        allow_null=True, help_text="Base58 address of the wallet that signed in."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    lastUsedAt = serializers.DateTimeField(
        source="last_used_at", help_text="The sign-in or its latest refresh."
    )
    expiresAt = serializers.DateTimeField(
        source="expires_at", help_text="The session's end; refreshing never moves it."
    )
    ip = serializers.IPAddressField(
        source="ip_address", allow_null=True, help_text="Client address at sign-in."
    )
    country = serializers.CharField(
        allow_null=True,
        help_text="ISO 3166-1 alpha-2 country at sign-in (as `GET /auth/is-valid-jurisdiction`"
        " decides it); null when unknown.",
    )
    userAgent = serializers.CharField(source="user_agent", help_text="As the client sent it.")
    device = serializers.CharField(
        help_text='Readable name from the user agent, such as "Chrome on macOS"; '
        '"Unknown device" when it tells nothing.'
    )


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
