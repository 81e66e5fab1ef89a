"""``GET /metrics``: the service's metrics in Prometheus' text format (or OpenMetrics, when
the scraper asks for it), for operators only (``metrics/access.py``).

A plain Django view, not a DRF one: no token authentication (the bearer token here is not
an access token), and no rate limit, which would need Redis: the metrics must answer while
Redis is down, when they matter most. The access check runs before any work.
"""

from collections.abc import Iterable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from prometheus_client import REGISTRY, CollectorRegistry, Metric, multiprocess
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from config.client import client_ip
from config.errors import error_response
from metrics.access import MetricsAccess, metrics_access


def metrics(request: HttpRequest) -> HttpResponse:
    access = metrics_access(
        client_address=client_ip(request), authorization=request.META.get("HTTP_AUTHORIZATION")
    )
    if access is MetricsAccess.NOT_CONFIGURED:
        return error_response(HTTPStatus.NOT_FOUND, "Not found")
    if access is MetricsAccess.ADDRESS_REFUSED:
        return error_response(HTTPStatus.FORBIDDEN, "Forbidden")
    if access is MetricsAccess.TOKEN_REFUSED:
        refused = error_response(HTTPStatus.UNAUTHORIZED, "Invalid or missing metrics token")
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    if request.method not in ("GET", "HEAD"):
        refused = error_response(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed")
        refused["Allow"] = "GET, HEAD"
        return refused
    encoder, content_type = choose_encoder(request.META.get("HTTP_ACCEPT", ""))
    return HttpResponse(encoder(metrics_registry()), content_type=content_type)


def metrics_registry() -> CollectorRegistry:
    """Every worker's counts added up (multiprocess mode), else this process's, and what
    the ``METRICS_COLLECTORS`` read at the scrape."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR is None:
        registry.register(_ThisProcess())
    else:
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    for path in settings.METRICS_COLLECTORS:
        registry.register(import_string(path)())
    return registry


class _ThisProcess(Collector):
    """prometheus_client's default registry (this process's metrics) as one collector."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()
