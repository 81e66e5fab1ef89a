"""What the webhooks tell operators through /metrics: each attempt by outcome (the
worker's counters) and the backlog read from the database at the scrape."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from events.models import EventType
from events.services import event_record
from tests.events.flows import account
from tests.metrics.samples import sample
from webhooks.models import Delivery, Endpoint
from webhooks.services import deliveries_send_due, events_fan_out

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-webhooks-test-0123456789"
BACKLOG = {
    "webhook_deliveries_pending",
    "webhook_delivery_lag_seconds",
    "webhook_endpoints_paused",
}


def _scraped(settings) -> dict[str, float]:
    settings.METRICS_BEARER_TOKEN = TOKEN
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if family.name in BACKLOG
    }


def test_each_attempt_counts_by_outcome(receiver, endpoint):
    delivered = sample("webhook_deliveries_total", outcome="delivered")
    refused = sample("webhook_deliveries_total", outcome="refused")
    timed = sample("webhook_delivery_seconds_count")
    event_record(type=EventType.USER_BANNED, subject=account())
    events_fan_out()
    sent = deliveries_send_due()
    assert sample("webhook_deliveries_total", outcome="delivered") == delivered + sent
    receiver.status = 500
    event_record(type=EventType.USER_UNBANNED, subject=account())
    events_fan_out()
    failed = deliveries_send_due()
    assert failed >= 1
    assert sample("webhook_deliveries_total", outcome="refused") == refused + failed
    assert sample("webhook_delivery_seconds_count") == timed + sent + failed


def test_the_backlog_is_read_from_the_database_at_each_scrape(settings, endpoint):
    assert _scraped(settings) == {
        "webhook_deliveries_pending": 0,
        "webhook_delivery_lag_seconds": 0,
        "webhook_endpoints_paused": 0,
    }
    event_record(type=EventType.USER_BANNED, subject=account())
    events_fan_out()
    pending = Delivery.objects.count()
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    Endpoint.objects.update(paused_at=timezone.now())
    scraped = _scraped(settings)
    assert scraped["webhook_deliveries_pending"] == pending >= 1
    assert scraped["webhook_delivery_lag_seconds"] >= 300
    assert scraped["webhook_endpoints_paused"] == 1
