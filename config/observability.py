"""Request IDs and the access log: one structured line per request.

Each request gets an id: the caller's ``X-Request-ID`` when it is sane (a proxy or client
generated it), else a fresh one. It is echoed in the response's ``X-Request-ID`` and added
to every log line written while the request is handled. The access line carries method,
path (never the query string), status, duration, user id and client address; never
headers, bodies, tokens or signatures. The same place counts the request and its duration
for /metrics (``metrics.instruments.request_observed``), by route name: one observation of
each request, whatever the log level.
"""

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from config.client import client_ip
from metrics.instruments import UNMATCHED, request_observed

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_META = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@+=/-]{1,128}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

access_logger = logging.getLogger("access")
# No formatter writes a record's thread or process name, so logging need not look them up
# for every record (the logging HOWTO, "Optimization"). The process id stays: gunicorn's
# own lines carry it.
logging.logThreads = False
logging.logMultiprocessing = False


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is safe to log and echo, else a new one."""
    if header and _SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def _user_id(request: HttpRequest) -> str | None:
    """The authenticated user's id, without triggering a session look-up of our own."""
    user = request.__dict__.get("user")
    # django-stubs leave out LazyObject._wrapped, which holds ``empty`` until evaluated.
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


def _endpoint(request: HttpRequest) -> str:
    """The name of the route the request resolved to (``auth-login``, ``admin:index``), or
    ``UNMATCHED``: refused before resolving (body too large, bad host), a static file, or a
    path of no route (the JSON 404 catch-all has no name). Never the path: one series per
    route, not per URL anyone sends."""
    match = request.resolver_match
    return match.view_name if match is not None and match.url_name else UNMATCHED


def _access_record(
    request: HttpRequest, request_id: str, level: int, status: int, seconds: float
) -> logging.LogRecord:
    """The record ``access_logger.log(level, "%s %s %s", ..., extra=fields)`` would make,
    in under half the instructions: without its walk up the stack to find the caller (this
    function's caller is known) and without checking, field by field, that ``extra`` renames
    no attribute of the record (these names are fixed). The request id is a field already,
    so RequestIdFilter has nothing to add."""
    caller = sys._getframe(1)
    method, path = request.method, request.path
    record = logging.getLogRecordFactory()(
        access_logger.name,
        level,
        caller.f_code.co_filename,
        caller.f_lineno,
        "%s %s %s",
        (method, path, status),
        None,
        caller.f_code.co_name,
    )
    record.__dict__.update(
        method=method,
        path=path,
        status=status,
        duration_ms=round(seconds * 1000, 2),
        user_id=_user_id(request),
        client_ip=client_ip(request),
        request_id=request_id,
    )
    return record


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record logged while a request is being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = _request_id.get()
            if request_id is not None:
                record.request_id = request_id
        return True


class RequestLogMiddleware:
    """Assigns the request id, echoes it, and logs the request when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META, not request.headers, which would copy every header into a new mapping.
        request_id = request_id_from(request.META.get(_REQUEST_ID_META))
        reset = _request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            status = response.status_code
            seconds = time.monotonic() - started
            request_observed(
                endpoint=_endpoint(request), method=request.method, status=status, seconds=seconds
            )
            level = (
                logging.ERROR
                if status >= 500
                else logging.WARNING
                if status >= 400
                else logging.INFO
            )
            if access_logger.isEnabledFor(level):  # else the fields are not worth computing
                access_logger.handle(_access_record(request, request_id, level, status, seconds))
            return response
        finally:
            _request_id.reset(reset)
