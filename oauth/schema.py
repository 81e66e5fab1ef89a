"""The OpenAPI documentation of the OAuth endpoints (drf-spectacular), kept out of the views.

Importing this module registers the ``basicAuth`` scheme of service clients."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from config.openapi import error_example, error_response
from oauth.serializers import TokenInputSerializer


class ServiceClientScheme(OpenApiAuthenticationExtension):
    """HTTP Basic with a service client's id and secret (``manage.py service_client create``)."""

    target_class = "service_clients.authentication.ServiceClientAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "A service client's id and secret (client_secret_basic).",
        }


EXAMPLE_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI...In0.sig"
TOKEN_EXAMPLE = OpenApiExample("a token", {"token": EXAMPLE_JWT}, request_only=True)
CLIENT_401 = error_response(
    "Missing, wrong or disabled client credentials (`WWW-Authenticate: Basic`).",
    OpenApiExample("bad client", error_example(401, "Invalid client credentials")),
)

metadata_schema = extend_schema(
    summary="Authorization server metadata (RFC 8414)",
    tags=["oauth"],
    auth=[],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            "Where the keys and the endpoints are; absolute URLs (`PUBLIC_BASE_URL`).",
            examples=[
                OpenApiExample(
                    "metadata",
                    {
                        "issuer": "launchpad-auth",
                        "jwks_uri": "https://auth.example.com/.well-known/jwks.json",
                        "introspection_endpoint": "https://auth.example.com/oauth/introspect",
                        "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
                        "revocation_endpoint": "https://auth.example.com/oauth/revoke",
                        "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
                        "response_types_supported": [],
                        "grant_types_supported": [],
                    },
                )
            ],
        )
    },
)

introspect_schema = extend_schema(
    summary="Token introspection (RFC 7662), for service clients",
    tags=["oauth"],
    request={
        "application/x-www-form-urlencoded": TokenInputSerializer,
        "application/json": TokenInputSerializer,
    },
    examples=[TOKEN_EXAMPLE],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            '`active: true` with the token\'s facts for a live token; `{"active": false}` '
            "for anything else (revoked, expired, malformed, foreign, spent refresh token).",
            examples=[
                OpenApiExample(
                    "live",
                    {
                        "active": True,
                        "sub": "3f6c0e8e-2f43-4d8b-9a55-0f1c2b9e8d11",
                        "sid": "6d1f7a9c-3b2e-4c51-8f0a-2e9b7c4d5a10",
                        "wallet": "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
                        "exp": 1764097774,
                        "iat": 1764096874,
                        "client_id": "launchpad-web",
                        "token_type": "access_token",
                    },
                ),
                OpenApiExample("not live", {"active": False}),
            ],
        ),
        401: CLIENT_401,
    },
)

revoke_schema = extend_schema(
    summary="Token revocation (RFC 7009): the holder or a service client",
    tags=["oauth"],
    request={
        "application/x-www-form-urlencoded": TokenInputSerializer,
        "application/json": TokenInputSerializer,
    },
    examples=[TOKEN_EXAMPLE],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            "Always, whatever the token was; the session of a valid token is revoked (a "
            "holder's only when the token is its own).",
            examples=[OpenApiExample("done", {})],
        ),
    },
)

revocations_schema = extend_schema(
    summary="Sessions revoked since a cursor, for service clients",
    tags=["oauth"],
    parameters=[
        OpenApiParameter(
            "since",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            required=False,
            description="The `cursor` of the previous page; without it, from one access-token "
            "lifetime ago.",
        )
    ],
    responses={
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            "Oldest first, at most `REVOCATION_FEED_PAGE_SIZE`; `hasMore`: ask again at once "
            "with `cursor`.",
            examples=[
                OpenApiExample(
                    "page",
                    {
                        "revoked": [
                            {
                                "sid": "6d1f7a9c-3b2e-4c51-8f0a-2e9b7c4d5a10",
                                "sub": "3f6c0e8e-2f43-4d8b-9a55-0f1c2b9e8d11",
                                "revokedAt": "2026-11-26T09:12:03Z",
                                "expiresAt": "2026-12-25T18:54:34Z",
                                "reason": "logout",
                            }
                        ],
                        "cursor": "MjAyNi0xMS0yNlQwOToxMjowMy4xMjM0NTYrMDA6MDB8NmQxZjdh",
                        "hasMore": False,
                    },
                )
            ],
        ),
        400: error_response(
            "`since` is not a cursor of this feed.",
            OpenApiExample(
                "bad cursor",
                error_example(
                    400,
                    ["since: not a cursor of this feed"],
                    {"since": ["not a cursor of this feed"]},
                ),
            ),
        ),
        401: CLIENT_401,
    },
)
