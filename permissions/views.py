"""The permission-check endpoints: what the rules say about the caller."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from permissions import rules


def _answer(name: str, fields: dict, example: dict, description: str) -> dict:
    return {
        "tags": ["permissions"],
        "summary": description,
        "responses": {
            200: OpenApiResponse(
                inline_serializer(name, fields), description, [OpenApiExample("answer", example)]
            )
        },
    }


@extend_schema(
    **_answer(
        "IsAdmin",
        {"isAdmin": serializers.BooleanField()},
        {"isAdmin": False},
        "Whether the caller is an admin (super-admins are admins too)",
    )
)
class IsAdminApi(APIView):
    """``GET /auth/is-admin``: super-admins are admins too."""

    def get(self, request: Request) -> Response:
        return Response({"isAdmin": rules.is_admin(request.user)})


@extend_schema(
    **_answer(
        "IsSuperAdmin",
        {"isSuperAdmin": serializers.BooleanField()},
        {"isSuperAdmin": False},
        "Whether the caller is a super-admin",
    )
)
class IsSuperAdminApi(APIView):
    """``GET /auth/is-super-admin``."""

    def get(self, request: Request) -> Response:
        return Response({"isSuperAdmin": rules.is_super_admin(request.user)})


@extend_schema(
    **_answer(
        "IsValidJurisdiction",
        {
            "isValidJurisdiction": serializers.BooleanField(),
            "jurisdiction": serializers.CharField(
                allow_null=True, help_text="ISO 3166-1 alpha-2, null when unknown"
            ),
            "reason": serializers.CharField(
                required=False, help_text="Only when the answer is false"
            ),
        },
        {
            "isValidJurisdiction": False,
            "jurisdiction": "GB",
            "reason": "Access from GB is not available",
        },
        "Whether the caller's country may use the service",
    )
)
class IsValidJurisdictionApi(APIView):
    """``GET /auth/is-valid-jurisdiction``: ``reason`` only when the answer is false."""

    def get(self, request: Request) -> Response:
        decision = rules.jurisdiction_check(request)
        body: dict = {"isValidJurisdiction": decision.allowed, "jurisdiction": decision.country}
        if not decision.allowed:
            body["reason"] = decision.reason
        return Response(body)
