"""The OpenAPI documentation of the sign-in endpoints (drf-spectacular), kept out of the views.

Each name is a decorator that ``signin/views.py`` puts on its view.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)

from config.openapi import MessageSerializer, error_example, error_response
from signin.serializers import (
    LoginFormASerializer,
    LoginFormBSerializer,
    LoginOutputSerializer,
    RefreshInputSerializer,
    SessionSerializer,
    TokenPairSerializer,
)
from signin.services import RevokeScope

EXAMPLE_ADDRESS = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"
EXAMPLE_SIGNATURE = (
    "5Gp2zQmHnEZrBLrbwHw1mUxNhEEHKHKzrBm9WrCyFHNeCpY6qAFHp2dTAUWtSXkUFTN4rHgq4j7bhTAhgX3xyXo1"
)
EXAMPLE_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI...In0.sig"
EXAMPLE_USER = {
    "id": "3f6c0e8e-2f43-4d8b-9a55-0f1c2b9e8d11",
    "address": EXAMPLE_ADDRESS,
    "username": None,
    "isRegistered": False,
    "createdAt": "2026-11-25T18:54:34Z",
}


# A wallet's proof, either form: what signs in, and what links a wallet (accounts/schema.py).
PROOF_REQUEST = PolymorphicProxySerializer(
    component_name="LoginRequest",
    serializers=[LoginFormASerializer, LoginFormBSerializer],
    resource_type_field_name=None,
)


login_schema = extend_schema(
    summary="Wallet sign-in",
    tags=["auth"],
    request=PROOF_REQUEST,
    examples=[
        OpenApiExample(
            "form A (pump.fun)",
            {
                "address": EXAMPLE_ADDRESS,
                "signature": EXAMPLE_SIGNATURE,
                "timestamp": 1764096874123,
            },
            request_only=True,
        ),
        OpenApiExample(
            "form B (Sign In With Solana)",
            {
                "message": "pump.fun wants you to sign in with your Solana account:\n"
                f"{EXAMPLE_ADDRESS}\n\nSign in to pump.fun\n\nURI: https://pump.fun\n"
                "Version: 1\nChain ID: mainnet\nNonce: abcdef123456\n"
                "Issued At: 2026-11-25T18:54:34Z",
                "signature": EXAMPLE_SIGNATURE,
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
                        "token": EXAMPLE_JWT,
                        "expiresIn": 900,
                        "refreshToken": EXAMPLE_JWT,
                        "user": EXAMPLE_USER,
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


refresh_schema = extend_schema(
    summary="Rotate the refresh token",
    tags=["auth"],
    request=RefreshInputSerializer,
    examples=[OpenApiExample("refresh", {"refreshToken": EXAMPLE_JWT}, request_only=True)],
    responses={
        200: OpenApiResponse(
            TokenPairSerializer,
            "A new pair; the old refresh token is spent.",
            examples=[
                OpenApiExample(
                    "new pair",
                    {"token": EXAMPLE_JWT, "expiresIn": 900, "refreshToken": EXAMPLE_JWT},
                )
            ],
        ),
        401: error_response(
            "Invalid, expired, revoked or already used refresh token.",
            OpenApiExample("invalid", error_example(401, "Invalid or expired refresh token")),
        ),
    },
)


logout_schema = extend_schema(
    summary="Sign out",
    tags=["auth"],
    request=None,
    parameters=[
        OpenApiParameter(
            "scope",
            str,
            enum=list(RevokeScope.ALL),
            default=RevokeScope.CURRENT,
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


EXAMPLE_SESSION = {
    "id": "6d1f7a9c-3b2e-4c51-8f0a-2e9b7c4d5a10",
    "current": True,
    "wallet": EXAMPLE_ADDRESS,
    "createdAt": "2026-11-25T18:54:34Z",
    "lastUsedAt": "2026-11-26T09:12:03Z",
    "expiresAt": "2026-12-25T18:54:34Z",
    "ip": "203.0.113.7",
    "country": "DE",
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "device": "Chrome on macOS",
}


sessions_schema = extend_schema(
    summary="The caller's live sessions",
    tags=["auth"],
    responses={
        200: OpenApiResponse(
            SessionSerializer(many=True),
            "Live sessions (not revoked, not ended), newest first; `current` marks the "
            "session of the token used.",
            examples=[OpenApiExample("sessions", [EXAMPLE_SESSION])],
        )
    },
)


session_revoke_schema = extend_schema(
    summary="Revoke one of the caller's sessions",
    tags=["auth"],
    request=None,
    parameters=[
        OpenApiParameter(
            "session_id",
            OpenApiTypes.UUID,
            OpenApiParameter.PATH,
            description="The session's `id` from `GET /auth/sessions`.",
        )
    ],
    responses={
        200: OpenApiResponse(
            MessageSerializer,
            "Revoked at once: the session's access and refresh tokens are refused from the "
            "next request on. Revoking the current session is a logout: the cookie is cleared.",
            examples=[OpenApiExample("revoked", {"message": "Session revoked"})],
        ),
        404: error_response(
            "Not one of the caller's live sessions (unknown, another account's, revoked, "
            "ended), or not a uuid.",
            OpenApiExample("not found", error_example(404, "Session not found")),
        ),
    },
)
