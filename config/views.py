"""Service endpoints that belong to no app: health, and the JSON 404 for unknown paths."""

from http import HTTPStatus

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from config.errors import error_response, service_unavailable_part


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


# Exempt: else a POST to an unknown path is a CSRF 403 instead of the 404 it is.
@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    return error_response(HTTPStatus.NOT_FOUND, "Not found")
