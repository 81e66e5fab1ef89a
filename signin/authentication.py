"""Who is this, and may they go on: the one owner of an authenticated request's path.

``AccessTokenAuthentication`` runs simplejwt's own steps: the raw token (Bearer header, or
the ``auth_token`` cookie; never the query string), ``get_validated_token`` (each worker
verifies a token once) and ``get_user`` (the live sign-in, with the view's per-account
rate-limit counters counted in the same single Redis call, else the database; that call
also says whether the signing keys changed anywhere, and the token is then verified again
with the keys as they are now). The counts go to the throttle (``config.ratelimit.counted``)
and the account to the view.
"""

import functools
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.utils import aware_utcnow

from accounts.models import User
from config.ratelimit import account_counters, counted
from signin import sign_in_cache
from signin.models import SignIn
from signin.statements import USER_ATTNAMES
from signin.tokens import AccessToken, token_sign_in_id, token_user_id
from signing_keys import key_set


def request_origin_allowed(request: Request) -> bool:
    """The request's Origin (or, failing that, Referer's origin) is an allowed origin."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        if not referer.scheme or not referer.netloc:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin in settings.CORS_ALLOWED_ORIGINS


@functools.lru_cache(maxsize=512)  # about 1 MB
def _verified_access_token(
    raw_token: bytes, keys: key_set.KeySet | None
) -> tuple[AccessToken, uuid.UUID, uuid.UUID]:
    """The token verified by simplejwt (signature, type, issuer, audience, expiry) and
    signin/tokens.py (every claim's type), with its sign-in and account ids;
    ``TokenError`` if it is not a valid access token.

    Verifying is about a tenth of an authenticated read, and a client sends the same token
    for its whole lifetime, so each worker verifies a token once. Only the expiry changes
    with time: it is checked again on every use, on a claim verified to be a usable time.
    Revocation is not in the token. ``keys``: the process's key set (None with HS256), part
    of the cache's key so that a token is verified again once the keys change (a withdrawn
    key's tokens are refused as soon as the key set no longer holds it).
    """
    # simplejwt annotates the encoded token as a Token; it is the JWT's bytes.
    token = AccessToken(raw_token)  # type: ignore[arg-type]
    return token, token_sign_in_id(token), token_user_id(token)


def access_token_verified(raw_token: bytes) -> tuple[AccessToken, uuid.UUID, uuid.UUID]:
    """The access token, verified and not expired, with its sign-in and account ids;
    ``TokenError`` otherwise. Says nothing of revocation: the sign-in is read after.
    Everything that reads an access token (authentication, introspection, revocation)
    verifies it here."""
    keys = None if settings.JWT_ALGORITHM == "HS256" else key_set.current()
    verified = _verified_access_token(raw_token, keys)
    verified[0].check_exp(current_time=aware_utcnow())
    return verified


def user_of_live_sign_in(
    *, sign_in_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> User | None:
    """The account of a sign-in that is not revoked nor past its end, as the database says
    now; None if there is none, or it is not ``user_id``'s.

    On the ORM: it runs only on a sign-in cache miss. The sign-in is found by its primary
    key alone and its account compared in Python: with the account id in the query too,
    PostgreSQL may plan the (user, revoked_at) index instead (both estimate one row) and
    read every live sign-in of the account (1.8 ms for an account with 30,000 of them,
    seen in the benchmark).
    """
    sign_in = (
        SignIn.objects.select_related("user")
        .filter(pk=sign_in_id, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    return sign_in.user if sign_in is not None and sign_in.user_id == user_id else None


def user_of_sign_in(
    *, sign_in_id: uuid.UUID, user_id: uuid.UUID, cached: sign_in_cache.Lookup | None = None
) -> User | None:
    """The account of a live sign-in (None if revoked, ended, deleted, or not that
    account's): from the sign-in cache when it holds the current answer, else as the
    database says now, which then fills the cache. ``cached``: the request's own
    ``sign_in_cache.lookup`` of it."""
    if cached is None:
        cached = sign_in_cache.lookup(sign_in_id=sign_in_id, user_id=user_id)
    if cached.values is not None:
        shape, row = cached.values
        # An entry written by a release with other User fields (during a deploy) is a miss.
        if shape == USER_ATTNAMES:
            cached_user = User.from_db(DEFAULT_DB_ALIAS, USER_ATTNAMES, row)
            if cached_user.pk == user_id:
                return cached_user
    user = user_of_live_sign_in(sign_in_id=sign_in_id, user_id=user_id, now=timezone.now())
    if user is not None and cached.generation is not None:
        sign_in_cache.store(
            sign_in_id=sign_in_id,
            generation=cached.generation,
            values=(USER_ATTNAMES, tuple(getattr(user, name) for name in USER_ATTNAMES)),
        )
    return user


class AccessTokenAuthentication(JWTAuthentication):
    """Accepts an access token (never a refresh token) whose sign-in is still live.

    The header wins over the cookie. A cookie-authenticated unsafe request must come from
    an allowed Origin, since browsers send the cookie on cross-site requests too.
    Revocation is checked on every request, in the sign-in cache (which every revocation
    invalidates before its response) or else in the database, so it is immediate everywhere.
    DRF makes one instance per request.
    """

    www_authenticate_realm = "api"
    user_model = User

    def __init__(self) -> None:
        # simplejwt's looks the user model up again for every request; it is known.
        self.request: Request | None = None
        # The token as sent, and its verified ids (parsed once per worker with the token).
        self._sent: bytes | None = None
        self._ids: tuple[AccessToken, uuid.UUID, uuid.UUID] | None = None

    # simplejwt's annotation is a type variable of the return alone, which no override
    # can satisfy; DRF asks for (user, auth) or None.
    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:  # type: ignore[override]
        raw_token, from_cookie = self._raw_token(request)
        if raw_token is None:
            return None
        if (
            from_cookie
            and request.method not in SAFE_METHODS
            and not request_origin_allowed(request)
        ):
            raise exceptions.PermissionDenied("Origin not allowed for cookie authentication")
        self.request = request
        token = self.get_validated_token(raw_token)
        return self.get_user(token), token

    def get_validated_token(self, raw_token: bytes) -> AccessToken:
        self._sent = raw_token
        try:
            self._ids = access_token_verified(raw_token)
        except TokenError:
            raise exceptions.AuthenticationFailed("Invalid or expired token") from None
        return self._ids[0]

    def get_user(self, validated_token: AccessToken) -> User:  # type: ignore[override]
        """The live sign-in's account. The view's per-account limits are counted in the
        look-up's Redis call; past one, the request is refused before the database is read
        (the throttle then sees the same usage)."""
        if self._ids is not None and self._ids[0] is validated_token:
            sign_in_id, user_id = self._ids[1], self._ids[2]
        else:
            sign_in_id, user_id = token_sign_in_id(validated_token), token_user_id(validated_token)
        view = ((self.request and self.request.parser_context) or {}).get("view")
        counters = account_counters(view, user_id)
        cached = sign_in_cache.lookup(sign_in_id=sign_in_id, user_id=user_id, counters=counters)
        if key_set.key_sets.version_seen(cached.key_set_version) and self._sent:
            # The keys changed somewhere (a withdrawal?): verified again with them, now.
            try:
                access_token_verified(self._sent)
            except TokenError:
                raise exceptions.AuthenticationFailed("Invalid or expired token") from None
        if counters and cached.counts is not None:
            usage = counted(self.request, counters, cached.counts)
            if usage.exceeded:
                raise exceptions.Throttled(wait=usage.retry_after)
        user = user_of_sign_in(sign_in_id=sign_in_id, user_id=user_id, cached=cached)
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("Token has been revoked")
        return user

    def _raw_token(self, request: Request) -> tuple[bytes | None, bool]:
        header = self.get_header(request)
        if header is not None:
            raw = self.get_raw_token(header)
            if raw is not None:
                return raw, False
        cookie = request.COOKIES.get(settings.AUTH_COOKIE_NAME)
        return (cookie.encode(), True) if cookie else (None, False)


def signed_in(request: Request) -> tuple[User, AccessToken]:
    """The account and access token of a request this authentication accepted."""
    user, token = request.user, request.auth
    assert isinstance(user, User) and isinstance(token, AccessToken)
    return user, token
