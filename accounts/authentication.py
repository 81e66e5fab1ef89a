"""Access-token authentication: Bearer header or the ``auth_token`` cookie, never the query."""

from urllib.parse import urlsplit

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts.models import User
from accounts.selectors import user_get_by_live_sign_in
from accounts.tokens import token_sign_in_id, token_user_id


def request_origin_allowed(request: Request) -> bool:
    """The request's Origin (or, failing that, Referer's origin) is an allowed origin."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        if not referer.scheme or not referer.netloc:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin in settings.CORS_ALLOWED_ORIGINS


class AccessTokenAuthentication(JWTAuthentication):
    """Accepts an access token (never a refresh token) whose sign-in is still live.

    The header wins over the cookie. A cookie-authenticated unsafe request must come from
    an allowed Origin, since browsers send the cookie on cross-site requests too.
    Revocation is read from the database on every request (through the sign-in cache, which
    every revocation invalidates), so it is immediate everywhere.
    """

    www_authenticate_realm = "api"

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
            token = self.get_validated_token(raw_token)
        except InvalidToken:
            raise exceptions.AuthenticationFailed("Invalid or expired token") from None
        sign_in_id, user_id = token_sign_in_id(token), token_user_id(token)
        if sign_in_id is None or user_id is None:
            raise exceptions.AuthenticationFailed("Invalid or expired token")
        user = user_get_by_live_sign_in(sign_in_id=sign_in_id, user_id=user_id)
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
