"""Minting the JWT pair of a sign-in with simplejwt; every token carries the sign-in id."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_to_epoch

from accounts.models import SignIn

SIGN_IN_CLAIM = "sid"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int  # seconds until the access token expires


def token_pair_issue(sign_in: SignIn, *, refresh_jti: str | None = None) -> TokenPair:
    """Mint an access + refresh pair for the sign-in and make the refresh token its current one.

    Neither token expires after the sign-in's ``expires_at``. ``refresh_jti``: the refresh
    token's id, when the caller has already recorded it; otherwise the caller saves
    ``sign_in`` (its ``refresh_jti`` changes) in the same transaction.
    """
    refresh = RefreshToken.for_user(sign_in.user)
    if refresh_jti is not None:
        refresh["jti"] = refresh_jti
    refresh[SIGN_IN_CLAIM] = str(sign_in.id)
    access = refresh.access_token  # copies sub, sid, iss, aud
    # The session's end bounds both tokens, so no token outlives its session and a read
    # needs no check of the end beyond the token's own expiry.
    session_end = datetime_to_epoch(sign_in.expires_at)
    for token in (refresh, access):
        token["exp"] = min(token["exp"], session_end)
    sign_in.refresh_jti = str(refresh["jti"])
    return TokenPair(
        access=str(access),
        refresh=str(refresh),
        expires_in=max(0, access["exp"] - datetime_to_epoch(refresh.current_time)),
    )


def token_id_new() -> str:
    """A new ``jti``, made as simplejwt makes them (``Token.set_jti``)."""
    return uuid.uuid4().hex


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
