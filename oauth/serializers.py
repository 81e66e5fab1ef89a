"""The OAuth endpoints' input: the same serializer validates a request and documents it."""

from typing import Any

from rest_framework import serializers

# A JWT of this service is well under 2 KB; anything much longer is not one.
TOKEN_MAX_LENGTH = 8192


class _StringField(serializers.CharField):
    """A string (a JSON body's number or object is refused, not stringified). Anything else
    a string may hold is accepted: a token that is garbage is answered as such (inactive,
    or nothing revoked), not refused."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TokenInputSerializer(serializers.Serializer):
    token = _StringField(
        max_length=TOKEN_MAX_LENGTH, trim_whitespace=False, help_text="An access or refresh token."
    )
    # RFC 7662 / 7009: a hint the server may ignore; this one tries both kinds of token.
    # Blank allowed: an empty form field is an absent one.
    token_type_hint = _StringField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="`access_token` or `refresh_token`; ignored.",
    )
