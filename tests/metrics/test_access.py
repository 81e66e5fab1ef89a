"""Who may read /metrics: nobody by default; a bearer token, an allow-list, or both."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from metrics.access import MetricsAccess, metrics_access
from tests.metrics.samples import sample

# A scrape reads the webhooks' backlog from the database (METRICS_COLLECTORS).
pytestmark = pytest.mark.django_db

TOKEN = "m3trics-scrape-token-0f-a-real-deployment"


@pytest.fixture
def token(settings):
    settings.METRICS_BEARER_TOKEN = TOKEN


def _allow(settings, *networks):
    import ipaddress

    settings.METRICS_ALLOWED_IPS = tuple(ipaddress.ip_network(n) for n in networks)


def _get(**headers):
    return Client().get("/metrics", **headers)


def test_with_nothing_configured_metrics_are_not_there():
    response = _get(HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "Not found", "error": "Not Found"}


def test_a_missing_or_wrong_token_is_401_in_the_error_shape(token):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = _get(**headers)
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "message": "Invalid or missing metrics token",
            "error": "Unauthorized",
        }
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


@pytest.mark.django_db
def test_the_token_reads_the_metrics_in_prometheus_format(token):
    Client().get("/health")
    response = _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response["Cache-Control"] == "no-store"
    families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
    assert {
        "http_requests",
        "http_request_duration_seconds",
        "sign_ins",
        "rate_limit_refusals",
        "cache_errors",
        "database_errors",
        "webhook_deliveries",
        "webhook_delivery_seconds",
    } <= set(families)
    health = [
        s
        for s in families["http_requests"].samples
        if s.name == "http_requests_total" and s.labels["endpoint"] == "health"
    ]
    assert health and health[0].labels == {"endpoint": "health", "method": "GET", "status": "200"}


def test_openmetrics_when_the_scraper_asks_for_it(token):
    response = _get(
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_ACCEPT="application/openmetrics-text"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.endswith(b"# EOF\n")


def test_an_allowed_address_reads_without_a_token(settings):
    _allow(settings, "127.0.0.0/8")  # the test client's REMOTE_ADDR is 127.0.0.1
    assert _get().status_code == 200


def test_an_address_outside_the_allow_list_is_403(settings):
    _allow(settings, "10.0.0.0/8", "2001:db8::/32")
    response = _get()
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"


def test_the_allow_list_uses_the_client_address_rule(settings):
    """Behind one trusted proxy, the address it forwarded decides, not the proxy's."""
    settings.TRUSTED_PROXY_COUNT = 1
    _allow(settings, "203.0.113.0/24")
    assert _get(HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    assert _get(HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 403


def test_with_both_set_a_scrape_needs_both(settings, token):
    _allow(settings, "127.0.0.1/32")
    assert _get().status_code == 401
    assert _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    _allow(settings, "10.0.0.0/8")
    assert _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 403


def test_only_get_and_head(token):
    response = Client().post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_scrapes_are_not_rate_limited(settings, token):
    """The scrape must answer while Redis is down, and rate limits need it."""
    settings.RATE_LIMITS = {scope: "1/d" for scope in settings.RATE_LIMITS}
    for _ in range(3):
        response = _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response


def test_a_scrape_is_counted_under_one_label(token):
    before = sample("http_requests_total", endpoint="metrics", method="GET", status="200")
    _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    _get(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", QUERY_STRING="x=1")
    assert sample("http_requests_total", endpoint="metrics", method="GET", status="200") == (
        before + 2
    )


@pytest.mark.parametrize(
    ("authorization", "granted"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        (f"Bearer  {TOKEN} ", True),
        (f"Bearer {TOKEN}x", False),
        (f"Basic {TOKEN}", False),
        ("Bearer", False),
        (None, False),
    ],
)
def test_the_bearer_token_check(settings, authorization, granted):
    settings.METRICS_BEARER_TOKEN = TOKEN
    access = metrics_access(client_address="192.0.2.1", authorization=authorization)
    assert access is (MetricsAccess.GRANTED if granted else MetricsAccess.TOKEN_REFUSED)


def test_an_address_that_is_not_one_is_refused(settings):
    _allow(settings, "0.0.0.0/0")
    access = metrics_access(client_address="", authorization=None)
    assert access is MetricsAccess.ADDRESS_REFUSED
