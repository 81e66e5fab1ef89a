"""simplejwt's ``TokenBackend`` for access tokens: PyJWT signs with the active key of the
process's key set, with the RFC 9068 header (``typ: at+jwt``, the key's ``kid``), and
verifies with the published key the header names, in that key's algorithm only.

``JWT_ALGORITHM=HS256`` (compatibility) signs with ``SIMPLE_JWT["SIGNING_KEY"]`` and no
``kid``, still with ``typ: at+jwt``. Refresh tokens keep simplejwt's own backend (HS256):
only this service reads them.
"""

from typing import Any

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from jwt import ExpiredSignatureError, InvalidTokenError
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.settings import api_settings

from signing_keys import key_set

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068: the header's typ, not a secret


class AccessTokenBackend(TokenBackend):
    """One per process (``access_token_backend``); reads ``JWT_ALGORITHM`` on every call,
    so the setting is the one truth. simplejwt's own ``algorithm`` and signing key are
    HS256 with ``JWT_SIGNING_KEY``, used only when ``JWT_ALGORITHM`` is HS256."""

    def __init__(self) -> None:
        super().__init__(
            "HS256",
            api_settings.SIGNING_KEY,
            audience=api_settings.AUDIENCE,
            issuer=api_settings.ISSUER,
            leeway=api_settings.LEEWAY,
            json_encoder=api_settings.JSON_ENCODER,
        )

    @property
    def symmetric(self) -> bool:
        return settings.JWT_ALGORITHM == "HS256"

    def encode(self, payload: dict[str, Any]) -> str:
        claims = payload.copy()
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        headers: dict[str, Any] = {"typ": ACCESS_TOKEN_TYPE}
        if self.symmetric:
            key, algorithm = self.prepared_signing_key, self.algorithm
        else:
            signing = key_set.current().signing
            if signing is None:  # keys_ensure made one; only a failed write leaves none
                raise RuntimeError("no active signing key")
            key, algorithm = signing.private_key, signing.algorithm
            headers["kid"] = signing.kid
        return jwt.encode(
            claims, key, algorithm=algorithm, headers=headers, json_encoder=self.json_encoder
        )

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        """The verified claims; ``TokenBackendError`` for anything but an access token
        signed by a published key in its own algorithm."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != ACCESS_TOKEN_TYPE:
                raise TokenBackendError(_("Token is invalid"))
            if self.symmetric:
                key, algorithm = self.prepared_signing_key, self.algorithm
            else:
                published = key_set.current().verifying_key(header.get("kid"))
                if published is None:
                    raise TokenBackendError(_("Token is invalid"))
                key, algorithm = published.public_key, published.algorithm
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={"verify_aud": self.audience is not None, "verify_signature": verify},
            )
        except ExpiredSignatureError as e:
            raise TokenBackendExpiredToken(_("Token is expired")) from e
        except InvalidTokenError as e:
            raise TokenBackendError(_("Token is invalid")) from e


_backend: AccessTokenBackend | None = None


def access_token_backend() -> AccessTokenBackend:
    """The process's access-token backend."""
    global _backend
    if _backend is None:
        _backend = AccessTokenBackend()
    return _backend
