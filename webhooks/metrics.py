"""The webhooks' backlog as gauges for ``/metrics``, read from the database at each scrape:
true whichever process or machine runs the worker (the attempt counters are the worker's
own, ``metrics.instruments.webhook_delivery_observed``).

- ``webhook_deliveries_pending``: deliveries waiting for an attempt or a retry;
- ``webhook_delivery_lag_seconds``: how long the oldest due delivery has been due (0 when
  none is): above a minute, the worker is down or behind;
- ``webhook_endpoints_paused``: endpoints whose circuit is open.

Two index reads (the pending deliveries' partial index) and a count of the endpoints.
"""

import logging
from collections.abc import Iterator
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from metrics.instruments import service_error_observed
from webhooks.models import Delivery, DeliveryStatus, Endpoint

logger = logging.getLogger(__name__)


class DeliveryBacklogCollector(Collector):
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self._now or timezone.now()
        pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
        try:
            waiting = pending.count()
            oldest_due = pending.filter(next_attempt_at__lte=now).aggregate(
                oldest=Min("next_attempt_at")
            )["oldest"]
            paused = Endpoint.objects.filter(enabled=True, paused_at__isnull=False).count()
        except DatabaseError:
            service_error_observed(service="database", operation="metrics")
            logger.warning("webhook backlog not read for /metrics", exc_info=True)
            return
        yield GaugeMetricFamily(
            "webhook_deliveries_pending", "Webhook deliveries waiting to be sent.", value=waiting
        )
        yield GaugeMetricFamily(
            "webhook_delivery_lag_seconds",
            "How long the oldest due webhook delivery has been waiting (0: none is due).",
            value=(now - oldest_due).total_seconds() if oldest_due else 0.0,
        )
        yield GaugeMetricFamily(
            "webhook_endpoints_paused", "Webhook endpoints paused by their circuit.", value=paused
        )
