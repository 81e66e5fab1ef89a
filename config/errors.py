"""The contract's JSON error shape, for DRF views, Django's error handlers and middleware.

``{"statusCode": 404, "message": "User not found", "error": "Not Found"}``; validation
errors add ``errors`` (field -> messages) and make ``message`` a list.
"""

import logging
import sys
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.ratelimit import USAGE_ATTRIBUTE
from core.errors import ServiceError
from metrics.instruments import service_error_observed

logger = logging.getLogger("config.errors")

_SERVICE_DOWN = {
    "database": (OperationalError, InterfaceError),
    "cache": (RedisConnectionError, RedisTimeoutError),
}


def error_body(status: int, message: Any, errors: dict[str, list[str]] | None = None) -> dict:
    body = {"statusCode": status, "message": message, "error": HTTPStatus(status).phrase}
    if errors is not None:
        body["errors"] = errors
    return body


def error_response(status: int, message: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(error_body(status, message, **kwargs), status=status)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field.sub": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" else "body"
            for field, messages in _flatten(value, f"{prefix}{name}.").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, f"{prefix}{index}.").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip(".") or "body": [str(item) for item in items]}


def _message_of(detail: Any) -> str:
    if isinstance(detail, dict):
        detail = detail.get("detail", next(iter(detail.values()), ""))
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail)


def service_unavailable_part(exc: BaseException) -> str | None:
    for part, kinds in _SERVICE_DOWN.items():
        if isinstance(exc, kinds):
            return part
    return None


_REFUSED_BEFORE_THROTTLES = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


def suspicious_request_refusal(exc: SuspiciousOperation) -> tuple[int, str]:
    """The status and message of a request Django judged suspicious while reading it
    (more query or form fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, say): a 4xx, as
    Django's own handler makes it, logged on its ``django.security`` logger."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").warning("%s", exc)
    if isinstance(exc, RequestDataTooBig):
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request body is too large"
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return HTTPStatus.BAD_REQUEST, f"Too many query or form fields: at most {limit}"
    if isinstance(exc, TooManyFilesSent):
        return HTTPStatus.BAD_REQUEST, "Too many files"
    return HTTPStatus.BAD_REQUEST, "Bad request"


def _counted_if_refused_early(exc: Exception, context: dict) -> Exception:
    """Authentication and permissions run before DRF's throttles; a request they refuse is
    counted here (per address, as it has no account), so it gets the ``x-ratelimit-*``
    headers and cannot probe tokens without limit. Past the limit it becomes the 429."""
    request, view = context.get("request"), context.get("view")
    if not isinstance(exc, _REFUSED_BEFORE_THROTTLES) or request is None or view is None:
        return exc
    if hasattr(request._request, USAGE_ATTRIBUTE):
        return exc  # the throttles ran already
    try:
        view.check_throttles(request)
    except (exceptions.Throttled, ServiceError) as refused:
        return refused
    return exc


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler: every error becomes the contract's JSON shape, rendered as
    JSON even by a view that answers in another format (the schema's YAML, the docs' HTML)."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # DRF renders the response with the request's renderer, negotiated for the success
        # answer (or failing to be: a 406 has none yet).
        request.accepted_renderer = _ERROR_RENDERER
        request.accepted_media_type = _ERROR_RENDERER.media_type
    return response


_ERROR_RENDERER = JSONRenderer()


def _error_response(exc: Exception, context: dict) -> Response | None:
    exc = _counted_if_refused_early(exc, context)
    if isinstance(exc, ServiceError):
        headers = {}
        retry_after = getattr(exc, "retry_after", None)  # TooManyNewAccounts's
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        return Response(error_body(exc.status, exc.message), status=exc.status, headers=headers)
    if isinstance(exc, SuspiciousOperation):
        status, message = suspicious_request_refusal(exc)
        return Response(error_body(status, message), status=status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # re-raised by DRF; ApiResponseMiddleware answers 500/503.
    status = exc.status_code
    headers = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [
            message if field == "body" else f"{field}: {message}"
            for field, field_messages in errors.items()
            for message in field_messages
        ]
        body = error_body(status, messages, errors)
    else:
        body = error_body(status, _message_of(exc.detail))
    # Throttled.__init__ sets ``wait``; djangorestframework-stubs leave it out.
    wait = exc.wait if isinstance(exc, exceptions.Throttled) else None  # type: ignore[attr-defined]
    if wait is not None:
        headers["Retry-After"] = str(int(wait))
    if status == HTTPStatus.UNAUTHORIZED:
        authenticator = context["request"].successful_authenticator or next(
            iter(context["request"].authenticators), None
        )
        if authenticator is not None:
            headers["WWW-Authenticate"] = authenticator.authenticate_header(context["request"])
    return Response(body, status=status, headers=headers)


def unexpected_error_response(request: HttpRequest, exc: BaseException) -> JsonResponse:
    part = service_unavailable_part(exc)
    if part is not None:
        service_error_observed(service=part, operation="request")
        logger.error("%s unavailable on %s %s: %s", part, request.method, request.path, exc)
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, f"The {part} is unavailable")
    if isinstance(exc, DatabaseError):
        service_error_observed(service="database", operation="request")
        logger.exception("database error on %s %s", request.method, request.path)
    else:
        logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error")


# Django's error handlers (config/urls.py): JSON on every path, HTML nowhere.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(HTTPStatus.BAD_REQUEST, "Bad request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(HTTPStatus.FORBIDDEN, "Forbidden")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(HTTPStatus.NOT_FOUND, "Not found")


def server_error(request: HttpRequest) -> JsonResponse:
    # Called while the exception is being handled (an error outside any view, such as in
    # middleware): a backing service that is down is still a 503, not a 500.
    exc = sys.exc_info()[1]
    part = service_unavailable_part(exc) if exc is not None else None
    if part is not None:
        service_error_observed(service=part, operation="request")
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, f"The {part} is unavailable")
    return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(HTTPStatus.FORBIDDEN, "CSRF verification failed")


def admin_sign_in_locked(
    request: HttpRequest, response: Any = None, credentials: dict | None = None
) -> JsonResponse:
    """django-axes' answer once a username or an address is locked out of the admin sign-in."""
    locked = error_response(
        HTTPStatus.TOO_MANY_REQUESTS,
        "Too many failed sign-in attempts; try again later or ask a super-admin to unlock",
    )
    locked["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return locked
