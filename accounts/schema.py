"""The OpenAPI documentation of the profile endpoints (drf-spectacular), kept out of the views.

Each name is a decorator that ``accounts/views.py`` puts on its view.
"""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from accounts.export import AccountExportSerializer
from accounts.serializers import (
    ProfileSerializer,
    ProfileUpdateInputSerializer,
    PublicProfileSerializer,
    RegisterInputSerializer,
)
from config.openapi import MessageSerializer, error_example, error_response
from signin.schema import EXAMPLE_USER

EXAMPLE_PROFILE = EXAMPLE_USER | {
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


my_profile_schema = extend_schema(
    summary="The caller's full profile",
    tags=["auth"],
    responses={
        200: OpenApiResponse(
            ProfileSerializer,
            "The caller's profile.",
            examples=[OpenApiExample("profile", EXAMPLE_PROFILE)],
        )
    },
)


EXAMPLE_PUBLIC = {
    key: EXAMPLE_PROFILE[key]
    for key in ("id", "address", "username", "bio", "profileImage", "createdAt")
}
_PROFILE_RESPONSE = OpenApiResponse(
    ProfileSerializer, "The caller's full profile.", [OpenApiExample("profile", EXAMPLE_PROFILE)]
)
_UPDATE_EXAMPLE = OpenApiExample(
    "new bio", {"bio": "gm", "profileImage": "https://example.com/a.png"}, request_only=True
)
_USERNAME_TAKEN = OpenApiExample("taken", error_example(409, "Username is already taken"))


register_schema = extend_schema(
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


users_schema = extend_schema_view(
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


user_detail_schema = extend_schema(
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
            [OpenApiExample("public profile", EXAMPLE_PUBLIC)],
        ),
        404: error_response(
            "Unknown, deleted or malformed id.",
            OpenApiExample("not found", error_example(404, "User not found")),
        ),
    },
)


EXAMPLE_EXPORT = {
    "exportedAt": "2026-11-26T09:00:00Z",
    "profile": {
        key: value
        for key, value in EXAMPLE_PROFILE.items()
        if key not in ("isAdmin", "isSuperAdmin")
    }
    | {"role": "user", "isBanned": False, "usernameChangedAt": "2026-11-25T18:55:02Z"},
    "sessions": [
        {
            "id": "5b0f1f7e-3c1a-4a8e-9a51-2f6f3a0b9d41",
            "wallet": EXAMPLE_USER["address"],
            "createdAt": "2026-11-25T18:54:34Z",
            "lastUsedAt": "2026-11-25T19:40:02Z",
            "expiresAt": "2026-12-25T18:54:34Z",
            "revokedAt": None,
            "revokedReason": None,
            "ip": "203.0.113.7",
            "country": "DE",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ... Chrome/131.0",
            "device": "Chrome on macOS",
        }
    ],
    "auditEvents": [
        {
            "id": 42,
            "at": "2026-11-25T18:55:02Z",
            "action": "user.registered",
            "by": "you",
            "ip": "203.0.113.7",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ... Chrome/131.0",
            "detail": {"username": "alice"},
        }
    ],
}

export_schema = extend_schema(
    summary="Everything the service keeps about the caller's account, as one JSON document",
    description=(
        "Profile, sessions (live and ended, with client address, country and user agent) "
        "and the audit events about the account, newest first; sent as an attachment. No "
        "token, refresh token id, signature or password hash. Rate-limited per account "
        "like every endpoint, and by a lower limit of its own (`RATE_LIMIT_EXPORT_PER_ACCOUNT`)."
    ),
    tags=["users"],
    responses={
        200: OpenApiResponse(
            AccountExportSerializer,
            "The account's data.",
            [OpenApiExample("export", EXAMPLE_EXPORT)],
        )
    },
)
