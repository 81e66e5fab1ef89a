"""Project-wide middleware for the JSON API."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

from config.errors import error_response, suspicious_request_refusal, unexpected_error_response
from config.ratelimit import USAGE_ATTRIBUTE, Usage, count_successes
from core.errors import ServiceError

ADMIN_PREFIX = "/admin/"


def admin_or_static_path(path: str) -> bool:
    return path.startswith((ADMIN_PREFIX, "/" + settings.STATIC_URL.lstrip("/")))


def is_admin_or_static(request: HttpRequest) -> bool:
    return admin_or_static_path(request.path)


class ApiResponseMiddleware:
    """JSON errors for exceptions escaping views, and ``no-store`` on API responses.

    API responses carry tokens or personal data, so no cache may keep them. With DEBUG on,
    the admin site keeps Django's debug pages; API paths never show a stack trace.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_admin_or_static(request):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ServiceError):
            return error_response(exception.status, exception.message)
        if settings.DEBUG and is_admin_or_static(request):
            return None
        if isinstance(exception, Http404):
            return error_response(404, "Not found")
        if isinstance(exception, PermissionDenied):
            return error_response(403, "Forbidden")
        if isinstance(exception, SuspiciousOperation):
            return error_response(*suspicious_request_refusal(exception))
        return unexpected_error_response(request, exception)


class RequestBodyLimitMiddleware:
    """API bodies over ``API_MAX_BODY_BYTES`` are refused (413) before anything reads them.

    The declared ``Content-Length`` decides: Django never reads past it, so a body longer
    than it declares is cut there, and a shorter one ends early. A chunked body has no
    length to check and is refused (411). The admin site keeps Django's own form limits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_admin_or_static(request):
            return self.get_response(request)
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if not raw_length.strip():
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return error_response(411, "Content-Length is required")
            return self.get_response(request)
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            return error_response(400, "Content-Length is not a valid length")
        if length > settings.API_MAX_BODY_BYTES:
            return error_response(
                413, f"Request body is larger than {settings.API_MAX_BODY_BYTES} bytes"
            )
        return self.get_response(request)


class RateLimitHeadersMiddleware:
    """``x-ratelimit-limit/-remaining/-reset`` from the counter ``config.ratelimit`` kept,
    and the counting of limits that only successful answers spend."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        count_successes(request, response.status_code)
        usage: Usage | None = getattr(request, USAGE_ATTRIBUTE, None)
        if usage is not None:
            response.headers["x-ratelimit-limit"] = str(usage.limit)
            response.headers["x-ratelimit-remaining"] = str(usage.remaining)
            response.headers["x-ratelimit-reset"] = str(usage.reset)
            if usage.exceeded:
                response.headers.setdefault("Retry-After", str(usage.retry_after))
        return response


class AdminContentSecurityPolicyMiddleware:
    """The ``Content-Security-Policy`` of the admin pages (``ADMIN_CONTENT_SECURITY_POLICY``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX) and settings.ADMIN_CONTENT_SECURITY_POLICY:
            response.headers.setdefault(
                "Content-Security-Policy", settings.ADMIN_CONTENT_SECURITY_POLICY
            )
        return response
