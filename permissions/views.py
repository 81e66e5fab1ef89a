"""The permission-check endpoints: what the rules say about the caller."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from permissions import rules


class IsAdminApi(APIView):
    """``GET /auth/is-admin``: super-admins are admins too."""

    def get(self, request: Request) -> Response:
        return Response({"isAdmin": rules.is_admin(request.user)})


class IsSuperAdminApi(APIView):
    """``GET /auth/is-super-admin``."""

    def get(self, request: Request) -> Response:
        return Response({"isSuperAdmin": rules.is_super_admin(request.user)})


class IsValidJurisdictionApi(APIView):
    """``GET /auth/is-valid-jurisdiction``: ``reason`` only when the answer is false."""

    def get(self, request: Request) -> Response:
        decision = rules.jurisdiction_check(request)
        body: dict = {"isValidJurisdiction": decision.allowed, "jurisdiction": decision.country}
        if not decision.allowed:
            body["reason"] = decision.reason
        return Response(body)
