"""The sign-in endpoints: thin views around ``signin.flows`` and ``signin.services``."""

from typing import Never

from django.conf import settings
from django.http import HttpResponse
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.bound_serializers import bound_representation, bound_validation
from config.client import client_ip
from config.ratelimit import ADDRESS, WALLET, RateLimit
from metrics.instruments import sign_in_observed
from permissions.rules import jurisdiction_of
from signin import flows, selectors, services
from signin.authentication import signed_in
from signin.schema import (
    login_schema,
    logout_schema,
    refresh_schema,
    session_revoke_schema,
    sessions_schema,
)
from signin.serializers import RefreshInputSerializer, SessionSerializer, SignInUserSerializer
from signin.tokens import token_sign_in_id

# The hot paths' shapes, bound once (config/bound_serializers.py).
sign_in_user_body = bound_representation(SignInUserSerializer)
refresh_input = bound_validation(RefreshInputSerializer)


def user_agent(request: Request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


def auth_cookie_set(response: HttpResponse, access_token: str) -> None:
    response.set_cookie(
        settings.AUTH_COOKIE_NAME,
        access_token,
        max_age=int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        path="/",
        secure=settings.AUTH_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def auth_cookie_clear(response: HttpResponse) -> None:
    response.delete_cookie(settings.AUTH_COOKIE_NAME, path="/", samesite="Lax")


@login_schema
class LoginApi(APIView):
    """``POST /auth/login``: wallet sign-in, form A (timestamp) or form B (SIWS)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Every attempt counts against its client address; a wallet's own allowance only against
    # its successful sign-ins, since anyone can name any wallet in a failing one.
    rate_limits = (
        RateLimit("sign_in_address", by=ADDRESS),
        RateLimit("sign_in_wallet", by=WALLET, successes_only=True),
    )

    def throttled(self, request: Request, wait: float) -> Never:
        """A limit refused the attempt before the flow saw it: still a sign-in outcome."""
        sign_in_observed(outcome=flows.RATE_LIMITED)
        super().throttled(request, wait)

    def post(self, request: Request) -> Response:
        result = flows.login(
            body=request.data,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
            country=jurisdiction_of(request),
        )
        tokens = result.tokens
        response = Response(
            {
                "token": tokens.access,
                "expiresIn": tokens.expires_in,
                "refreshToken": tokens.refresh,
                "user": sign_in_user_body(result.user),
            },
            status=status.HTTP_201_CREATED,
        )
        auth_cookie_set(response, tokens.access)
        return response


@refresh_schema
class RefreshApi(APIView):
    """``POST /auth/refresh``: rotate the refresh token, get a new pair."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_limits = (RateLimit("refresh_address", by=ADDRESS),)

    def post(self, request: Request) -> Response:
        tokens = services.token_refresh(
            raw_refresh_token=refresh_input(request.data)["refreshToken"],
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        response = Response(
            {"token": tokens.access, "expiresIn": tokens.expires_in, "refreshToken": tokens.refresh}
        )
        auth_cookie_set(response, tokens.access)
        return response


@logout_schema
class LogoutApi(APIView):
    """``POST /auth/logout[?scope=global|others]``: revoke sign-ins, clear the cookie."""

    class QuerySerializer(serializers.Serializer):
        scope = serializers.ChoiceField(
            choices=services.RevokeScope.ALL, default=services.RevokeScope.CURRENT
        )

    def post(self, request: Request) -> Response:
        # A plain dict, so that an empty ``?scope=`` is refused rather than read as absent.
        query = self.QuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        user, token = signed_in(request)
        services.sign_out(
            user=user,
            current_sign_in_id=token_sign_in_id(token),
            scope=query.validated_data["scope"],
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        response = Response({"message": "Logged out"}, status=status.HTTP_201_CREATED)
        if query.validated_data["scope"] != services.RevokeScope.OTHERS:
            auth_cookie_clear(response)
        return response


@sessions_schema
class SessionsApi(APIView):
    """``GET /auth/sessions``: the caller's live sessions, newest first."""

    def get(self, request: Request) -> Response:
        user, token = signed_in(request)
        sessions = selectors.sessions_live(user=user, current_sign_in_id=token_sign_in_id(token))
        return Response(SessionSerializer(sessions, many=True).data)


@session_revoke_schema
class SessionDetailApi(APIView):
    """``DELETE /auth/sessions/{id}``: revoke one of the caller's sessions; the current one
    is a logout (the cookie is cleared)."""

    def delete(self, request: Request, session_id: str) -> Response:
        user, token = signed_in(request)
        was_current = services.session_revoke(
            user=user,
            session_id=session_id,
            current_sign_in_id=token_sign_in_id(token),
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        response = Response({"message": "Session revoked"})
        if was_current:
            auth_cookie_clear(response)
        return response
