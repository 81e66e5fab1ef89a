"""The OAuth endpoints for other services: thin views around ``signin.oauth``.

Bodies are form-encoded (``application/x-www-form-urlencoded``), as RFC 7662 and RFC 7009
say; JSON is accepted too, like everywhere else in the API. Answers are JSON, errors the
contract's JSON shape.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.client import client_ip
from config.parsers import LimitedJSONParser
from config.ratelimit import CLIENT, HOLDER, RateLimit
from oauth.schema import introspect_schema, metadata_schema, revocations_schema, revoke_schema
from oauth.serializers import TokenInputSerializer
from service_clients.authentication import IsServiceClient, ServiceClientAuthentication
from service_clients.models import ServiceClient
from signin import oauth
from signin.authentication import AccessTokenAuthentication
from signin.tokens import AccessToken, token_sign_in_id
from signin.views import auth_cookie_clear

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _token_of(request: Request) -> str:
    body = TokenInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return str(body.validated_data["token"])


def public_base_url(request: Request) -> str:
    """``PUBLIC_BASE_URL``, else the origin of this request."""
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")


@metadata_schema
class MetadataApi(APIView):
    """``GET /.well-known/oauth-authorization-server``: where the keys and endpoints are."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        base = public_base_url(request)
        methods = ["client_secret_basic"]
        return Response(
            {
                "issuer": settings.SIMPLE_JWT["ISSUER"],
                "jwks_uri": f"{base}/.well-known/jwks.json",
                "introspection_endpoint": base + reverse("oauth-introspect").rstrip("/"),
                "introspection_endpoint_auth_methods_supported": methods,
                "revocation_endpoint": base + reverse("oauth-revoke").rstrip("/"),
                "revocation_endpoint_auth_methods_supported": methods,
                # No authorization or token endpoint: tokens come from wallet sign-in.
                "response_types_supported": [],
                "grant_types_supported": [],
            },
            headers={"Cache-Control": "public, max-age=300"},
        )


@introspect_schema
class IntrospectApi(APIView):
    """``POST /oauth/introspect``: is this token live, and whose is it."""

    authentication_classes = [ServiceClientAuthentication]
    permission_classes = [IsServiceClient]
    parser_classes = [FormParser, LimitedJSONParser]
    rate_limits = (RateLimit("service_client", by=CLIENT),)

    def post(self, request: Request) -> Response:
        return Response(oauth.token_introspect(raw_token=_token_of(request)), headers=NO_STORE)


@revoke_schema
class RevokeApi(APIView):
    """``POST /oauth/revoke``: revoke the token's session; 200 whatever the token was."""

    authentication_classes = [ServiceClientAuthentication, AccessTokenAuthentication]
    permission_classes = [IsServiceClient | IsAuthenticated]
    parser_classes = [FormParser, LimitedJSONParser]
    rate_limits = (RateLimit("service_client", by=CLIENT), RateLimit("account", by=HOLDER))

    def post(self, request: Request) -> Response:
        client = request.auth if isinstance(request.auth, ServiceClient) else None
        holder = request.user if isinstance(request.user, User) else None
        revoked = oauth.token_revoke(
            raw_token=_token_of(request),
            holder=None if client is not None else holder,
            client_id=client.client_id if client is not None else None,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        response = Response({}, headers=NO_STORE)
        if revoked is not None and client is None and revoked == _current_sign_in(request):
            auth_cookie_clear(response)  # the caller's own session: a logout
        return response


@revocations_schema
class RevocationsApi(APIView):
    """``GET /oauth/revocations[?since=<cursor>]``: a page of revoked sessions, oldest
    first, and the cursor to ask from next."""

    authentication_classes = [ServiceClientAuthentication]
    permission_classes = [IsServiceClient]
    rate_limits = (RateLimit("service_client", by=CLIENT),)

    def get(self, request: Request) -> Response:
        since = request.query_params.get("since")
        try:
            page = oauth.revocations_page(cursor=since)
        except oauth.InvalidCursor:
            raise ValidationError({"since": ["not a cursor of this feed"]}) from None
        return Response(
            {
                "revoked": [
                    {
                        "sid": str(row.sign_in_id),
                        "sub": str(row.user_id),
                        "revokedAt": _iso(row.revoked_at),
                        "expiresAt": _iso(row.expires_at),
                        "reason": row.reason,
                    }
                    for row in page.revocations
                ],
                "cursor": page.cursor,
                "hasMore": page.has_more,
            },
            headers=NO_STORE,
        )


def _current_sign_in(request: Request) -> uuid.UUID | None:
    token = request.auth
    return token_sign_in_id(token) if isinstance(token, AccessToken) else None


def _iso(moment: datetime) -> str:
    return serializers.DateTimeField().to_representation(moment)
