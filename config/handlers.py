"""The WSGI application: the admin site and the API each with their own middleware chain.

Django runs every request through all of ``settings.MIDDLEWARE``. The admin site needs
sessions, CSRF, messages, its login's lockout and a CSP; the JSON API uses none of them (its
views are CSRF-exempt and authenticate by token), yet paid for all of them on every request.
So there are two complete Django handlers: admin and static paths get
``settings.ADMIN_MIDDLEWARE`` (which is ``settings.MIDDLEWARE``), every other path
``settings.API_MIDDLEWARE``. Each handler is Django's own, so process_view and
process_exception hooks work as usual in both.

With DEBUG on, Django answers what fails before any view (a Host not in ALLOWED_HOSTS, a
request line naming no path the routes can match) with its HTML debug page; on API paths
the API's handler answers JSON instead, as it does with DEBUG off.
"""

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_path_info
from django.http import HttpRequest, HttpResponseBase

from config.errors import error_response
from config.middleware import admin_or_static_path

_NOT_HEADERS_OF_THE_ERROR = {"content-type", "content-length"}


class ApiHandler(WSGIHandler):
    """Django's WSGI handler with the API's middleware chain (``settings.API_MIDDLEWARE``)."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE; this runs once, at start-up.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        response = super().get_response(request)
        if (
            response.status_code >= HTTPStatus.BAD_REQUEST
            and settings.DEBUG
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return _json_error_instead_of(response)
        return response


def _json_error_instead_of(page: HttpResponseBase) -> HttpResponseBase:
    """The contract's JSON error of ``page``'s status, with ``page``'s other headers (the
    request id, CORS, rate limits)."""
    status = page.status_code
    response = error_response(status, HTTPStatus(status).phrase)
    for name, value in page.items():
        if name.lower() not in _NOT_HEADERS_OF_THE_ERROR:
            response[name] = value
    return response


def routed_application() -> Callable[[dict[str, Any], Callable], Iterable[bytes]]:
    """One WSGI callable: admin and static paths to the admin chain, the rest to the API's."""
    admin, api = WSGIHandler(), ApiHandler()

    def application(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        handler = admin if admin_or_static_path(get_path_info(environ)) else api
        return handler(environ, start_response)

    return application
