"""Service endpoints that belong to no app: health, the JSON 404 for unknown paths, and the
rate-limited front of the admin sign-in."""

from http import HTTPStatus

from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.errors import error_response, service_unavailable_part
from config.ratelimit import ADDRESS, USAGE_ATTRIBUTE, rate_limit_hit


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        if service_unavailable_part(exc) is None:
            raise
        return False
    return True


def _cache_ok() -> bool:
    try:
        cache.set("health:probe", "1", timeout=5)
        return cache.get("health:probe") == "1"
    except Exception as exc:
        if service_unavailable_part(exc) is None:
            raise
        return False


def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache answer, else 503 naming the part that failed."""
    if request.method not in ("GET", "HEAD"):
        response = error_response(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed")
        response["Allow"] = "GET, HEAD"
        return response
    parts = {"database": _database_ok(), "cache": _cache_ok()}
    body = {"status": "ok" if all(parts.values()) else "unavailable"}
    body |= {name: "ok" if ok else "unavailable" for name, ok in parts.items()}
    return JsonResponse(body, status=HTTPStatus.OK if all(parts.values()) else 503)


def not_found(request: HttpRequest) -> JsonResponse:
    return error_response(HTTPStatus.NOT_FOUND, "Not found")


def admin_login(request: HttpRequest, **kwargs) -> HttpResponse:
    """The admin site's sign-in, with its attempts limited per client address.

    django-axes additionally locks a username or an address out after repeated failures.
    """
    if request.method == "POST":
        usage = rate_limit_hit(request=request, scope="admin_sign_in_address", key=ADDRESS)
        if usage is not None:
            setattr(request, USAGE_ATTRIBUTE, usage)
            if usage.exceeded:
                return error_response(
                    HTTPStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts; try again later"
                )
    return admin.site.login(request, **kwargs)
