"""Service endpoints that belong to no app: health, the JSON 404 for unknown paths, and the
rate-limited front of the admin sign-in."""

from http import HTTPStatus
from typing import Any

from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import error_response, service_unavailable_part
from config.ratelimit import ADDRESS, USAGE_ATTRIBUTE, rate_limit_hit
from metrics.instruments import rate_limit_refused, service_error_observed


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        part = service_unavailable_part(exc)
        if part is None:
            raise
        service_error_observed(service=part, operation="health")
        return False
    return True


def _cache_ok() -> bool:
    try:
        cache.set("health:probe", "1", timeout=5)
        return cache.get("health:probe") == "1"
    except Exception as exc:
        part = service_unavailable_part(exc)
        if part is None:
            raise
        service_error_observed(service=part, operation="health")
        return False


HEALTH_STATES = ["ok", "unavailable"]


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HEALTH_STATES)
    database = serializers.ChoiceField(choices=HEALTH_STATES)
    cache = serializers.ChoiceField(choices=HEALTH_STATES)


class HealthApi(APIView):
    """``GET /health``: 200 when the database and the cache answer, else 503 naming the part
    that failed. No authentication, no rate limit: load balancers poll it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        operation_id="health",
        summary="Service health",
        tags=["service"],
        responses={
            200: OpenApiResponse(
                HealthSerializer,
                "Database and cache answer.",
                examples=[
                    OpenApiExample("healthy", {"status": "ok", "database": "ok", "cache": "ok"})
                ],
            ),
            503: OpenApiResponse(
                HealthSerializer,
                "A part is down; it is named.",
                examples=[
                    OpenApiExample(
                        "cache down",
                        {"status": "unavailable", "database": "ok", "cache": "unavailable"},
                    )
                ],
            ),
        },
    )
    def get(self, request: Request) -> Response:
        parts = {"database": _database_ok(), "cache": _cache_ok()}
        body = {"status": "ok" if all(parts.values()) else "unavailable"}
        body |= {name: "ok" if ok else "unavailable" for name, ok in parts.items()}
        return Response(body, status=HTTPStatus.OK if all(parts.values()) else 503)


# Exempt: else a POST to an unknown path is a CSRF 403 instead of the 404 it is.
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return error_response(HTTPStatus.NOT_FOUND, "Not found")


def admin_login(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The admin site's sign-in, with its attempts limited per client address.

    django-axes additionally locks a username or an address out after repeated failures.
    """
    if request.method == "POST":
        usage = rate_limit_hit(request=request, scope="admin_sign_in_address", key=ADDRESS)
        if usage is not None:
            setattr(request, USAGE_ATTRIBUTE, usage)
            if usage.exceeded:
                rate_limit_refused(scope=usage.scope)
                return error_response(
                    HTTPStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts; try again later"
                )
    return admin.site.login(request, **kwargs)
