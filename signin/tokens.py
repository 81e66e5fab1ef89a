"""The service's JWTs: simplejwt's token classes with every claim the service reads checked
for type and shape when a token is verified, and the minting of a sign-in's pair.

Access tokens are RFC 9068 JWTs signed by ``signing_keys`` (ES256 or EdDSA, ``typ: at+jwt``
and the key's ``kid`` in the header; HS256 where a deployment sets it); refresh tokens keep
simplejwt's HS256 backend, since only this service reads them."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import datetime_to_epoch

from signin.models import SignIn
from signing_keys import key_set
from signing_keys.backend import access_token_backend

SIGN_IN_CLAIM = "sid"
WALLET_CLAIM = "wallet"  # the wallet the sign-in was made with
CLIENT_ID_CLAIM = "client_id"  # RFC 9068: the client the token was issued to
# Beyond this, a NumericDate is not a datetime (simplejwt's check_exp would raise).
_NUMERIC_DATE_MAX = datetime(9999, 12, 31, tzinfo=UTC).timestamp()
_JTI = re.compile(r"[0-9a-f]{32}")  # simplejwt's uuid4().hex


def _claim_invalid(claim: str) -> TokenError:
    return TokenError(f"Token has no valid '{claim}' claim")


def _numeric_date_check(value: object, claim: str) -> None:
    # bool is an int to Python, not a NumericDate; NaN fails the comparison.
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= _NUMERIC_DATE_MAX
    ):
        raise _claim_invalid(claim)


def _uuid_claim(token: simplejwt_tokens.Token, claim: str) -> uuid.UUID:
    value = token.get(claim)
    if not isinstance(value, str):
        raise _claim_invalid(claim)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise _claim_invalid(claim) from None


def token_sign_in_id(token: simplejwt_tokens.Token) -> uuid.UUID:
    """The sign-in of a token; ``TokenError`` if it names none (a verified token always does)."""
    return _uuid_claim(token, SIGN_IN_CLAIM)


def token_user_id(token: simplejwt_tokens.Token) -> uuid.UUID:
    """The account of a token; ``TokenError`` if it names none (a verified token always does)."""
    return _uuid_claim(token, api_settings.USER_ID_CLAIM)


class _CheckedClaims(simplejwt_tokens.Token):
    """Refuses, with ``TokenError``, a validly signed token whose claims have the wrong type.

    PyJWT takes any ``int()``-able value as a time (``"exp": "9999999999"``, ``true``), and
    simplejwt's ``check_exp`` then fails on a string, or on a number no datetime can hold,
    with a ``TypeError``, ``ValueError`` or ``OverflowError``: a 500. Every token the service
    reads is one of these classes, so what passes ``verify`` can be compared with the clock,
    and its ids read, without further checks.
    """

    def verify(self) -> None:
        payload = self.payload
        # RFC 7519 NumericDates, compared with the clock by PyJWT and simplejwt; every token
        # the service mints has the first two.
        for claim in ("exp", "iat"):
            _numeric_date_check(payload.get(claim), claim)
        if "nbf" in payload:
            _numeric_date_check(payload["nbf"], "nbf")
        jti = payload.get(api_settings.JTI_CLAIM)
        if not isinstance(jti, str) or not _JTI.fullmatch(jti):
            raise _claim_invalid(api_settings.JTI_CLAIM)
        token_sign_in_id(self)
        token_user_id(self)
        super().verify()


class AccessToken(_CheckedClaims, simplejwt_tokens.AccessToken):
    """The token of every authenticated request, signed and verified by the key set.

    simplejwt's ``token_backend`` property answers this class attribute (its default is
    None, meaning simplejwt's HS256 backend, which refresh tokens keep)."""

    _token_backend: TokenBackend | None = access_token_backend()


# simplejwt's own RefreshToken has two bases that annotate for_user differently.
class RefreshToken(_CheckedClaims, simplejwt_tokens.RefreshToken):  # type: ignore[misc]
    """The token of ``POST /auth/refresh``; mints the pair's access token too."""

    access_token_class = AccessToken


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
    refresh[WALLET_CLAIM] = sign_in.wallet or sign_in.user.address or ""
    refresh[CLIENT_ID_CLAIM] = settings.JWT_CLIENT_ID
    access = refresh.access_token  # copies sub, sid, wallet, client_id
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


def signing_key_ready() -> None:
    """Have the process's key set, signing key included, before a transaction that signs.

    Read (and, before the very first token, made: ``signing_keys.key_set.keys_ensure``)
    outside the sign-in's transaction, so a first key is committed on its own and never
    rolled back with a failed sign-in while this process signs with it.
    """
    if settings.JWT_ALGORITHM != "HS256":
        key_set.current()


def token_id_new() -> str:
    """A new ``jti``, made as simplejwt makes them (``Token.set_jti``)."""
    return uuid.uuid4().hex
