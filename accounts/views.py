"""The account endpoints: thin views around ``accounts.services``."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.authentication import signed_in
from accounts.exceptions import ServiceError
from accounts.serializers import (
    LoginFormASerializer,
    LoginFormBSerializer,
    LoginInputSerializer,
    LoginOutputSerializer,
    MessageSerializer,
    ProfileSerializer,
    ProfileUpdateInputSerializer,
    PublicProfileSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    SignInUserSerializer,
    TokenPairSerializer,
)
from accounts.tokens import token_sign_in_id
from config.bound_serializers import bound_representation, bound_validation
from config.client import client_ip
from config.openapi import error_example, error_response
from config.ratelimit import ADDRESS, WALLET, RateLimit

sign_in_logger = logging.getLogger("accounts.sign_in")

# The hot paths' shapes, bound once (config/bound_serializers.py): the serializers
# document them.
profile_body = bound_representation(ProfileSerializer)
public_profile_body = bound_representation(PublicProfileSerializer)
sign_in_user_body = bound_representation(SignInUserSerializer)
login_input = bound_validation(LoginInputSerializer)
refresh_input = bound_validation(RefreshInputSerializer)


def _log_sign_in_failure(request: Request, exc: Exception) -> None:
    """The reason a sign-in failed, for operators; never the signature or a token."""
    if isinstance(exc, exceptions.ValidationError):
        reason = "invalid request: " + "; ".join(
            f"{field}: {', '.join(str(m) for m in messages)}"
            if isinstance(messages, list)
            else f"{field}: {messages}"
            for field, messages in (
                exc.detail.items() if isinstance(exc.detail, dict) else [("body", exc.detail)]
            )
        )
    else:
        reason = str(exc)
    address = request.data.get("address") if isinstance(request.data, dict) else None
    sign_in_logger.warning(
        "sign-in failed: %s",
        reason,
        extra={
            "event": "sign_in_failed",
            "reason": reason,
            "status": int(getattr(exc, "status", getattr(exc, "status_code", 400))),
            "address": address if isinstance(address, str) and len(address) <= 64 else None,
            "client_ip": client_ip(request),
        },
    )


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


_EXAMPLE_ADDRESS = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"
_EXAMPLE_SIGNATURE = (
    "5Gp2zQmHnEZrBLrbwHw1mUxNhEEHKHKzrBm9WrCyFHNeCpY6qAFHp2dTAUWtSXkUFTN4rHgq4j7bhTAhgX3xyXo1"
)
_EXAMPLE_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI...In0.sig"
_EXAMPLE_USER = {
    "id": "3f6c0e8e-2f43-4d8b-9a55-0f1c2b9e8d11",
    "address": _EXAMPLE_ADDRESS,
    "username": None,
    "isRegistered": False,
    "createdAt": "2026-11-25T18:54:34Z",
}
_EXAMPLE_PROFILE = _EXAMPLE_USER | {
    "username": "alice",
    "email": "a@example.com",
    "bio": "",
    "profileImage": None,
    "isRegistered": True,
    "isAdmin": False,
    "isSuperAdmin": False,
    "updatedAt": "2026-11-25T18:54:34Z",
    "lastLogin": "2026-11-25T18:54:34Z",
}


@extend_schema(
    summary="Wallet sign-in",
    tags=["auth"],
    request=PolymorphicProxySerializer(
        component_name="LoginRequest",
        serializers=[LoginFormASerializer, LoginFormBSerializer],
        resource_type_field_name=None,
    ),
    examples=[
        OpenApiExample(
            "form A (pump.fun)",
            {
                "address": _EXAMPLE_ADDRESS,
                "signature": _EXAMPLE_SIGNATURE,
                "timestamp": 1764096874123,
            },
            request_only=True,
        ),
        OpenApiExample(
            "form B (Sign In With Solana)",
            {
                "message": "pump.fun wants you to sign in with your Solana account:\n"
                f"{_EXAMPLE_ADDRESS}\n\nSign in to pump.fun\n\nURI: https://pump.fun\n"
                "Version: 1\nChain ID: mainnet\nNonce: abcdef123456\n"
                "Issued At: 2026-11-25T18:54:34Z",
                "signature": _EXAMPLE_SIGNATURE,
            },
            request_only=True,
        ),
    ],
    responses={
        201: OpenApiResponse(
            LoginOutputSerializer,
            "Signed in; the `auth_token` cookie is set to `token`.",
            examples=[
                OpenApiExample(
                    "signed in",
                    {
                        "token": _EXAMPLE_JWT,
                        "expiresIn": 900,
                        "refreshToken": _EXAMPLE_JWT,
                        "user": _EXAMPLE_USER,
                    },
                )
            ],
        ),
        400: error_response(
            "Malformed body.",
            OpenApiExample(
                "bad signature encoding",
                error_example(
                    400, ["signature: not valid base58"], {"signature": ["not valid base58"]}
                ),
            ),
        ),
        401: error_response(
            "Wrong signature or message, stale time, or a replayed signature.",
            OpenApiExample("replayed", error_example(401, "Signature has already been used")),
        ),
        403: error_response(
            "The account is banned.",
            OpenApiExample("banned", error_example(403, "Account is banned")),
        ),
    },
)
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

    def post(self, request: Request) -> Response:
        try:
            return self._sign_in(request)
        except (ServiceError, exceptions.ValidationError) as exc:
            _log_sign_in_failure(request, exc)
            raise

    def _sign_in(self, request: Request) -> Response:
        data = login_input(request.data)
        now = timezone.now()
        ip_address = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        try:
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
                proof=proof, ip_address=ip_address, user_agent=user_agent, now=now
            )
        except ServiceError as exc:
            services.sign_in_failure_record(
                address=data["siws"].address if "siws" in data else data["address"],
                reason=exc.message,
                ip_address=ip_address,
                user_agent=user_agent,
            )
            raise
        response = Response(
            {
                "token": result.tokens.access,
                "expiresIn": result.tokens.expires_in,
                "refreshToken": result.tokens.refresh,
                "user": sign_in_user_body(result.user),
            },
            status=status.HTTP_201_CREATED,
        )
        _set_auth_cookie(response, result.tokens.access)
        return response


@extend_schema(
    summary="Rotate the refresh token",
    tags=["auth"],
    request=RefreshInputSerializer,
    examples=[OpenApiExample("refresh", {"refreshToken": _EXAMPLE_JWT}, request_only=True)],
    responses={
        200: OpenApiResponse(
            TokenPairSerializer,
            "A new pair; the old refresh token is spent.",
            examples=[
                OpenApiExample(
                    "new pair",
                    {"token": _EXAMPLE_JWT, "expiresIn": 900, "refreshToken": _EXAMPLE_JWT},
                )
            ],
        ),
        401: error_response(
            "Invalid, expired, revoked or already used refresh token.",
            OpenApiExample("invalid", error_example(401, "Invalid or expired refresh token")),
        ),
    },
)
class RefreshApi(APIView):
    """``POST /auth/refresh``: rotate the refresh token, get a new pair."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    rate_limits = (RateLimit("refresh_address", by=ADDRESS),)

    def post(self, request: Request) -> Response:
        tokens = services.token_refresh(
            raw_refresh_token=refresh_input(request.data)["refreshToken"],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        response = Response(
            {"token": tokens.access, "expiresIn": tokens.expires_in, "refreshToken": tokens.refresh}
        )
        _set_auth_cookie(response, tokens.access)
        return response


@extend_schema(
    summary="Sign out",
    tags=["auth"],
    request=None,
    parameters=[
        OpenApiParameter(
            "scope",
            str,
            enum=list(services.RevokeScope.ALL),
            default=services.RevokeScope.CURRENT,
            description="`current` sign-in (default), all `others`, or `global` (all).",
        )
    ],
    responses={
        201: OpenApiResponse(
            MessageSerializer,
            "Revoked; the cookie is cleared (kept with `scope=others`).",
            examples=[OpenApiExample("logged out", {"message": "Logged out"})],
        )
    },
)
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
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        response = Response({"message": "Logged out"}, status=status.HTTP_201_CREATED)
        if query.validated_data["scope"] != services.RevokeScope.OTHERS:
            response.delete_cookie(settings.AUTH_COOKIE_NAME, path="/", samesite="Lax")
        return response


@extend_schema(
    summary="The caller's full profile",
    tags=["auth"],
    responses={
        200: OpenApiResponse(
            ProfileSerializer,
            "The caller's profile.",
            examples=[OpenApiExample("profile", _EXAMPLE_PROFILE)],
        )
    },
)
class MyProfileApi(APIView):
    """``GET /auth/my-profile``: the caller's full profile."""

    def get(self, request: Request) -> Response:
        return Response(profile_body(request.user))


_EXAMPLE_PUBLIC = {
    key: _EXAMPLE_PROFILE[key]
    for key in ("id", "address", "username", "bio", "profileImage", "createdAt")
}
_PROFILE_RESPONSE = OpenApiResponse(
    ProfileSerializer, "The caller's full profile.", [OpenApiExample("profile", _EXAMPLE_PROFILE)]
)
_UPDATE_EXAMPLE = OpenApiExample(
    "new bio", {"bio": "gm", "profileImage": "https://example.com/a.png"}, request_only=True
)
_USERNAME_TAKEN = OpenApiExample("taken", error_example(409, "Username is already taken"))


@extend_schema(
    summary="Complete the signed-in account's registration",
    tags=["users"],
    request=RegisterInputSerializer,
    examples=[
        OpenApiExample(
            "register", {"username": "alice", "email": "a@example.com"}, request_only=True
        )
    ],
    responses={
        201: _PROFILE_RESPONSE,
        409: error_response("Already registered, or the username is taken.", _USERNAME_TAKEN),
    },
)
class UserRegisterApi(APIView):
    """``POST /users/register``: give the signed-in wallet account its username."""

    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(
            user=signed_in(request)[0],
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **serializer.validated_data,
        )
        return Response(profile_body(user), status=status.HTTP_201_CREATED)


_PROFILE_UPDATE_SCHEMA = extend_schema(
    summary="Update the caller's own profile (POST and PATCH alike)",
    tags=["users"],
    request=ProfileUpdateInputSerializer,
    examples=[_UPDATE_EXAMPLE],
    responses={
        200: _PROFILE_RESPONSE,
        409: error_response("The username is taken.", _USERNAME_TAKEN),
    },
)


@extend_schema_view(
    post=_PROFILE_UPDATE_SCHEMA,
    patch=_PROFILE_UPDATE_SCHEMA,
    delete=extend_schema(
        summary="Delete the caller's account and its personal data",
        tags=["users"],
        request=None,
        responses={
            200: OpenApiResponse(
                MessageSerializer,
                "Deleted; every token of the account is revoked, the cookie cleared.",
                [OpenApiExample("deleted", {"message": "User deleted"})],
            ),
            409: error_response(
                "The last super-admin cannot delete itself.",
                OpenApiExample(
                    "last", error_example(409, "The last super-admin cannot be removed")
                ),
            ),
        },
    ),
)
class UsersApi(APIView):
    """``POST``/``PATCH /users``: update the caller's own profile; ``DELETE /users``: delete it."""

    def post(self, request: Request) -> Response:
        serializer = ProfileUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.profile_update(user=signed_in(request)[0], **serializer.validated_data)
        return Response(profile_body(user))

    def patch(self, request: Request) -> Response:
        return self.post(request)

    def delete(self, request: Request) -> Response:
        services.user_delete(user=signed_in(request)[0])
        response = Response({"message": "User deleted"})
        response.delete_cookie(settings.AUTH_COOKIE_NAME, path="/", samesite="Lax")
        return response


@extend_schema(
    summary="An account's public profile, by uuid or wallet address",
    tags=["users"],
    parameters=[
        OpenApiParameter(
            "identifier", str, OpenApiParameter.PATH, description="uuid or base58 address"
        )
    ],
    responses={
        200: OpenApiResponse(
            PublicProfileSerializer,
            "The public profile: never email, roles or login times.",
            [OpenApiExample("public profile", _EXAMPLE_PUBLIC)],
        ),
        404: error_response(
            "Unknown, deleted or malformed id.",
            OpenApiExample("not found", error_example(404, "User not found")),
        ),
    },
)
class UserDetailApi(APIView):
    """``GET /users/{id}``: the public profile of an account, by uuid or wallet address."""

    def get(self, request: Request, identifier: str) -> Response:
        user = selectors.user_get_public(identifier=identifier)
        return Response(public_profile_body(user))
