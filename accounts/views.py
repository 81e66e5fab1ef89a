"""The account endpoints: thin views around ``accounts.services``."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import (
    LoginInputSerializer,
    ProfileSerializer,
    RefreshInputSerializer,
    SignInUserSerializer,
)
from accounts.tokens import token_sign_in_id
from config.client import client_ip
from config.ratelimit import ADDRESS, WALLET, RateLimit


def _set_auth_cookie(response: HttpResponse, access_token: str) -> None:
    response.set_cookie(
        settings.AUTH_COOKIE_NAME,
        access_token,
        max_age=int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        path="/",
        secure=settings.AUTH_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class LoginApi(APIView):
    """``POST /auth/login``: wallet sign-in, form A (timestamp) or form B (SIWS)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_limits = (RateLimit("sign_in_address", by=ADDRESS), RateLimit("sign_in_wallet", by=WALLET))

    def post(self, request: Request) -> Response:
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        now = timezone.now()
        if "siws" in data:
            proof = services.proof_from_siws(
                message=data["siws"], text=data["message"], signature=data["signature"], now=now
            )
        else:
            proof = services.proof_from_timestamp(
                address=data["address"],
                public_key=data["public_key"],
                signature=data["signature"],
                timestamp_ms=data["timestamp"],
                now=now,
            )
        result = services.wallet_sign_in(
            proof=proof,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            now=now,
        )
        response = Response(
            {
                "token": result.tokens.access,
                "expiresIn": result.tokens.expires_in,
                "refreshToken": result.tokens.refresh,
                "user": SignInUserSerializer(result.user).data,
            },
            status=status.HTTP_201_CREATED,
        )
        _set_auth_cookie(response, result.tokens.access)
        return response


class RefreshApi(APIView):
    """``POST /auth/refresh``: rotate the refresh token, get a new pair."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_limits = (RateLimit("refresh_address", by=ADDRESS),)

    def post(self, request: Request) -> Response:
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = services.token_refresh(raw_refresh_token=serializer.validated_data["refreshToken"])
        response = Response(
            {"token": tokens.access, "expiresIn": tokens.expires_in, "refreshToken": tokens.refresh}
        )
        _set_auth_cookie(response, tokens.access)
        return response


class LogoutApi(APIView):
    """``POST /auth/logout[?scope=global|others]``: revoke sign-ins, clear the cookie."""

    class QuerySerializer(serializers.Serializer):
        scope = serializers.ChoiceField(
            choices=services.RevokeScope.ALL, default=services.RevokeScope.CURRENT
        )

    def post(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.sign_ins_revoke(
            user=request.user,
            current_sign_in_id=token_sign_in_id(request.auth),
            scope=query.validated_data["scope"],
            reason="logout",
        )
        response = Response({"message": "Logged out"}, status=status.HTTP_201_CREATED)
        if query.validated_data["scope"] != services.RevokeScope.OTHERS:
            response.delete_cookie(settings.AUTH_COOKIE_NAME, path="/", samesite="Lax")
        return response


class MyProfileApi(APIView):
    """``GET /auth/my-profile``: the caller's full profile."""

    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user).data)
