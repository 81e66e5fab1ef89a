"""Access-token authentication: Bearer header or the ``auth_token`` cookie, never the query."""

import functools
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow

from accounts.models import User
from config.ratelimit import account_counters, counted
from signin import sign_in_cache
from signin.selectors import user_get_by_live_sign_in
from signin.tokens import AccessToken, token_sign_in_id, token_user_id


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
def _verified_access_token(raw_token: bytes) -> tuple[AccessToken, uuid.UUID, uuid.UUID]:
    """The token verified by simplejwt (signature, type, issuer, audience, expiry) and
    accounts/tokens.py (every claim's type), with its sign-in and account ids;
    ``TokenError`` if it is not a valid access token.

    Verifying is about a tenth of an authenticated read, and a client sends the same token
    for its whole lifetime, so each worker verifies a token once. Only the expiry changes
    with time: callers check it again on every use, on a claim verified to be a usable
    time. Revocation is not in the token.
    """
    token = AccessToken(raw_token)
    return token, token_sign_in_id(token), token_user_id(token)


class AccessTokenAuthentication(JWTAuthentication):
    """Accepts an access token (never a refresh token) whose sign-in is still live.

    The header wins over the cookie. A cookie-authenticated unsafe request must come from
    an allowed Origin, since browsers send the cookie on cross-site requests too.
    Revocation is checked on every request, in the sign-in cache (which every revocation
    invalidates before its response) or else in the database, so it is immediate everywhere.
    """

    www_authenticate_realm = "api"
    user_model = User

    def __init__(self) -> None:
        # simplejwt's looks the user model up again for every request; it is known.
        pass

    def authenticate(self, request: Request) -> tuple[User, Token] | None:
        raw_token, from_cookie = self._raw_token(request)
        if raw_token is None:
            return None
        if (
            from_cookie
            and request.method not in SAFE_METHODS
            and not request_origin_allowed(request)
        ):
            raise exceptions.PermissionDenied("Origin not allowed for cookie authentication")
        try:
            token, sign_in_id, user_id = _verified_access_token(raw_token)
            token.check_exp(current_time=aware_utcnow())
        except TokenError:
            raise exceptions.AuthenticationFailed("Invalid or expired token") from None
        # The view's per-account limits are counted in the look-up's Redis call; past one,
        # the request is refused before anything else (the throttle sees the same usage).
        view = (request.parser_context or {}).get("view")
        counters = account_counters(view, user_id)
        cached = sign_in_cache.lookup(sign_in_id=sign_in_id, user_id=user_id, counters=counters)
        if counters and cached.counts is not None:
            usage = counted(request, counters, cached.counts)
            if usage.exceeded:
                raise exceptions.Throttled(wait=usage.retry_after)
        user = user_get_by_live_sign_in(sign_in_id=sign_in_id, user_id=user_id, cached=cached)
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("Token has been revoked")
        return user, token

    def _raw_token(self, request: Request) -> tuple[bytes | None, bool]:
        header = self.get_header(request)
        if header is not None:
            raw = self.get_raw_token(header)
            if raw is not None:
                return raw, False
        cookie = request.COOKIES.get(settings.AUTH_COOKIE_NAME)
        return (cookie.encode(), True) if cookie else (None, False)
