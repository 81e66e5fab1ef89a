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
    WalletSerializer,
)
from config.openapi import MessageSerializer, error_example, error_response
from signin.schema import EXAMPLE_ADDRESS, EXAMPLE_SIGNATURE, EXAMPLE_USER, PROOF_REQUEST

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


EXAMPLE_LINKED_ADDRESS = "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"
EXAMPLE_WALLETS = [
    {
        "address": EXAMPLE_ADDRESS,
        "caip10": f"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{EXAMPLE_ADDRESS}",
        "isPrimary": True,
        "linkedAt": "2026-11-25T18:54:34Z",
        "lastSignInAt": "2026-11-26T09:12:00Z",
    },
    {
        "address": EXAMPLE_LINKED_ADDRESS,
        "caip10": f"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{EXAMPLE_LINKED_ADDRESS}",
        "isPrimary": False,
        "linkedAt": "2026-11-26T09:10:00Z",
        "lastSignInAt": None,
    },
]
_WALLETS_RESPONSE = OpenApiResponse(
    WalletSerializer(many=True),
    "The caller's wallets, the primary first.",
    [OpenApiExample("wallets", EXAMPLE_WALLETS)],
)
_ADDRESS_PARAMETER = OpenApiParameter(
    "address", str, OpenApiParameter.PATH, description="base58 address of one of your wallets"
)
_NOT_YOURS = error_response(
    "Not one of the caller's wallets (unknown, another account's, or not an address).",
    OpenApiExample("not found", error_example(404, "Wallet not found")),
)


wallets_schema = extend_schema_view(
    get=extend_schema(
        summary="The caller's wallets", tags=["wallets"], responses={200: _WALLETS_RESPONSE}
    ),
    post=extend_schema(
        summary="Link another wallet to the caller's account",
        description=(
            "The body is a proof from the wallet to link, in either shape of `POST /auth/login`:"
            " form A signs `Link wallet to <site> account <account id>: <timestamp>`, form B"
            " (SIWS) carries the statement `Link this wallet to account <account id>`. Single-use"
            " and time-bound like a sign-in proof."
        ),
        tags=["wallets"],
        request=PROOF_REQUEST,
        examples=[
            OpenApiExample(
                "form A",
                {
                    "address": EXAMPLE_LINKED_ADDRESS,
                    "signature": EXAMPLE_SIGNATURE,
                    "timestamp": 1764096874123,
                },
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(
                WalletSerializer,
                "Linked.",
                [OpenApiExample("linked", EXAMPLE_WALLETS[1])],
            ),
            400: error_response(
                "Malformed body, or a proof that is wrong, stale, replayed or for another account.",
                OpenApiExample("replayed", error_example(400, "Signature has already been used")),
            ),
            409: error_response(
                "The wallet belongs to an account already (this one or another).",
                OpenApiExample(
                    "taken", error_example(409, "Wallet is already linked to an account")
                ),
            ),
        },
    ),
)


wallet_primary_schema = extend_schema(
    summary="Make one of the caller's wallets the primary one",
    tags=["wallets"],
    request=None,
    parameters=[_ADDRESS_PARAMETER],
    responses={200: _WALLETS_RESPONSE, 404: _NOT_YOURS},
)


wallet_detail_schema = extend_schema(
    summary="Unlink one of the caller's wallets",
    description="Revokes the sessions signed in with that wallet.",
    tags=["wallets"],
    request=None,
    parameters=[_ADDRESS_PARAMETER],
    responses={
        200: _WALLETS_RESPONSE,
        404: _NOT_YOURS,
        409: error_response(
            "The primary wallet, or the account's only one.",
            OpenApiExample(
                "primary",
                error_example(
                    409,
                    "The primary wallet cannot be unlinked; make another wallet primary first",
                ),
            ),
        ),
    },
)


EXAMPLE_EXPORT = {
    "exportedAt": "2026-11-26T09:00:00Z",
    "profile": EXAMPLE_PROFILE
    | {"role": "user", "isBanned": False, "usernameChangedAt": "2026-11-25T18:55:02Z"},
    "wallets": EXAMPLE_WALLETS[:1],
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
        "Profile, wallets, sessions (live and ended, with client address, country and user "
        "agent) "
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
