"""Project-wide middleware for the JSON API."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from config.errors import error_response, unexpected_error_response

ADMIN_PREFIX = "/admin/"


class ApiResponseMiddleware:
    """JSON errors for exceptions escaping views, and ``no-store`` on API responses.

    API responses carry tokens or personal data, so no cache may keep them. With DEBUG on,
    the admin site keeps Django's debug pages; API paths never show a stack trace.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self._is_admin_or_static(request):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and self._is_admin_or_static(request):
            return None
        if isinstance(exception, Http404):
            return error_response(404, "Not found")
        if isinstance(exception, PermissionDenied):
            return error_response(403, "Forbidden")
        return unexpected_error_response(request, exception)

    @staticmethod
    def _is_admin_or_static(request: HttpRequest) -> bool:
        return request.path.startswith((ADMIN_PREFIX, "/" + settings.STATIC_URL.lstrip("/")))
