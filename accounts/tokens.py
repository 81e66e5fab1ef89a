"""Minting the JWT pair of a sign-in with simplejwt; every token carries the sign-in id."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts.models import SignIn

SIGN_IN_CLAIM = "sid"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int  # seconds until the access token expires


def token_pair_issue(sign_in: SignIn) -> TokenPair:
    """Mint an access + refresh pair for the sign-in and make the refresh token its current one.

    The caller saves ``sign_in`` (its ``refresh_jti`` changes) in the same transaction.
    """
    refresh = RefreshToken.for_user(sign_in.user)
    refresh[SIGN_IN_CLAIM] = str(sign_in.id)
    access = refresh.access_token  # copies sub, sid, iss, aud
    sign_in.refresh_jti = str(refresh["jti"])
    return TokenPair(
        access=str(access),
        refresh=str(refresh),
        expires_in=int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    )


def token_sign_in_id(token: Token) -> uuid.UUID | None:
    """The sign-in a validated token belongs to, or None when the claim is missing or bad."""
    try:
        return uuid.UUID(str(token[SIGN_IN_CLAIM]))
    except (KeyError, ValueError):
        return None


def token_user_id(token: Token) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(token[settings.SIMPLE_JWT["USER_ID_CLAIM"]]))
    except (KeyError, ValueError):
        return None
