"""The service's Prometheus metrics, and the one function that records each kind of event.

Callers record through these functions, never through the metric objects, so that the
names, labels and their allowed values live here. prometheus_client picks its storage once,
when it is imported: with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py sets it for
every gunicorn start) each process writes its counts to its own file in that folder and
``/metrics`` adds up every process's (``metrics/views.py``); without it (runserver, tests,
commands) the counts are this process's, in prometheus_client's default registry.

Every label takes values from a fixed set (route names, status codes, refusal reasons,
rate-limit scopes), never from the request itself: an unmatched path is ``unmatched``, an
unknown method ``other``.
"""

from prometheus_client import Counter, Histogram

# Requests -------------------------------------------------------------------------------
UNMATCHED = "unmatched"
OTHER_METHOD = "other"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A cached read takes about a millisecond of CPU and a sign-in a few; the router gives up at
# 30 s (gunicorn's timeout at 25).
_REQUEST_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 30.0)

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by route name, method and status code.",
    ["endpoint", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from the request entering the middleware to its response, by route name.",
    ["endpoint"],
    buckets=_REQUEST_BUCKETS,
)

# Each (endpoint, method, status) seen, with its counter and histogram children: labels()
# checks and hashes its values on every call, which made recording a request half as
# expensive again (timeit, multiprocess mode). Bounded: only known methods are kept, and
# routes and statuses are a fixed set.
_request_children: dict[tuple[str, str | None, int], tuple[Counter, Histogram]] = {}


def request_observed(*, endpoint: str, method: str | None, status: int, seconds: float) -> None:
    """One answered request: ``endpoint`` the resolved route's name (``UNMATCHED`` when no
    route matched), ``seconds`` from arrival to response."""
    children = _request_children.get((endpoint, method, status))
    if children is None:
        children = _request_children_for(endpoint, method, status)
    children[0].inc()
    children[1].observe(seconds)


def _request_children_for(
    endpoint: str, method: str | None, status: int
) -> tuple[Counter, Histogram]:
    known = method in _METHODS
    children = (
        REQUESTS.labels(endpoint, method if known and method else OTHER_METHOD, str(status)),
        REQUEST_SECONDS.labels(endpoint),
    )
    if known:  # any string can be sent as a method: those are not kept
        _request_children[(endpoint, method, status)] = children
    return children


# Sign-ins -------------------------------------------------------------------------------
SIGN_IN_SUCCEEDED = "succeeded"
SIGN_INS = Counter(
    "sign_ins",
    "POST /auth/login attempts by outcome: succeeded, or the reason it was refused.",
    ["outcome"],
)


def sign_in_observed(*, outcome: str) -> None:
    """One sign-in attempt: ``SIGN_IN_SUCCEEDED`` or a refusal's reason (a fixed word:
    ``signin.exceptions`` and ``signin/flows.py`` name them)."""
    SIGN_INS.labels(outcome).inc()


# Rate limits ----------------------------------------------------------------------------
RATE_LIMIT_REFUSALS = Counter(
    "rate_limit_refusals",
    "Requests refused by a rate limit, by the limit's scope (settings.RATE_LIMITS).",
    ["scope"],
)


def rate_limit_refused(*, scope: str) -> None:
    RATE_LIMIT_REFUSALS.labels(scope).inc()


# Backing services -----------------------------------------------------------------------
CACHE_ERRORS = Counter(
    "cache_errors",
    "Cache (Redis) errors, by what was being done; counted where they are handled.",
    ["operation"],
)
DATABASE_ERRORS = Counter(
    "database_errors",
    "Database errors, by what was being done; counted where they are handled.",
    ["operation"],
)
_SERVICE_ERRORS = {"cache": CACHE_ERRORS, "database": DATABASE_ERRORS}


def service_error_observed(*, service: str, operation: str) -> None:
    """An error of a backing service (``cache`` or ``database``, as
    ``config.errors.service_unavailable_part`` names them) while doing ``operation``
    (``request``: one that became the request's 503 or 500)."""
    _SERVICE_ERRORS[service].labels(operation).inc()


# Webhooks -------------------------------------------------------------------------------
WEBHOOK_DELIVERIES = Counter(
    "webhook_deliveries",
    "Webhook delivery attempts, by outcome (delivered, failed, ...).",
    ["outcome"],
)
WEBHOOK_DELIVERY_SECONDS = Histogram(
    "webhook_delivery_seconds",
    "Time of one webhook delivery attempt, from sending to the receiver's answer or error.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def webhook_delivery_observed(*, outcome: str, seconds: float) -> None:
    """One delivery attempt of a webhook (``webhooks.services.deliveries_record``):
    ``outcome`` a fixed word (``webhooks.sending.Outcome.kind``: ``delivered``, ``refused``,
    ``no_answer``), never the receiver's URL or answer; ``seconds`` the attempt's duration.
    Recorded by the worker process: they reach ``/metrics`` where the worker shares the
    web processes' ``PROMETHEUS_MULTIPROC_DIR`` (one machine); the deliveries' state gauges
    (``webhooks.metrics``) are read from the database by any web process."""
    WEBHOOK_DELIVERIES.labels(outcome).inc()
    WEBHOOK_DELIVERY_SECONDS.observe(seconds)
