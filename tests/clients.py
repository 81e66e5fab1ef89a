"""Test clients that send each request through the middleware chain production uses for
its path (config/handlers.py): the API's for API paths, the admin's for admin and static
paths. Django's and DRF's test clients would run every request through the admin chain.

``tests/conftest.py`` makes every ``Client`` and ``APIClient`` of the suite use these.
"""

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.test.client import ClientHandler
from rest_framework.test import ForceAuthClientHandler

from config.handlers import ApiHandler
from config.middleware import admin_or_static_path

# Django's own: every request through settings.MIDDLEWARE (the admin chain).
FullChainClientHandler = ClientHandler


class RoutedClientHandler(ClientHandler):
    """Django's test-client handler; API paths go through ``settings.API_MIDDLEWARE``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._api: ApiHandler | None = None

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        if admin_or_static_path(request.path):
            return super().get_response(request)
        if self._api is None:
            self._api = ApiHandler()
            self._api.load_middleware()
        return self._api.get_response(request)


# DRF's stubs narrow ForceAuthClientHandler.get_response (a DRF Request in, DRF's test
# response out); at run time it is Django's handler's, which this one extends.
class RoutedForceAuthClientHandler(ForceAuthClientHandler, RoutedClientHandler):  # type: ignore[misc]
    """DRF's ``APIClient`` handler (``force_authenticate``), routed the same way."""
