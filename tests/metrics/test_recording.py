"""What the service counts: each kind of event moves its own series, with fixed labels."""

import time

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from config.errors import unexpected_error_response
from metrics import instruments
from signin.services import user_create_for_wallet
from tests.metrics.samples import sample
from tests.wallets import Wallet

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:18199/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def _requests(endpoint, method, status):
    return sample("http_requests_total", endpoint=endpoint, method=method, status=str(status))


def _login(body, client=None):
    return (client or APIClient()).post("/auth/login", body, format="json")


def _outcome(outcome):
    return sample("sign_ins_total", outcome=outcome)


@pytest.mark.django_db
def test_a_request_counts_under_its_route_name_and_status():
    before = _requests("health", "GET", 200)
    seconds_before = sample("http_request_duration_seconds_count", endpoint="health")
    assert Client().get("/health").status_code == 200
    assert Client().get("/health/").status_code == 200  # the same route
    assert _requests("health", "GET", 200) == before + 2
    assert sample("http_request_duration_seconds_count", endpoint="health") == seconds_before + 2


@pytest.mark.django_db
def test_a_request_to_a_route_with_a_parameter_counts_under_the_route_not_the_path():
    before = _requests("users-detail", "GET", 401)
    for name in ("nobody-1", "nobody-2", "nobody-3"):
        assert APIClient().get(f"/users/{name}").status_code == 401  # no token
    assert _requests("users-detail", "GET", 401) == before + 3


def test_paths_of_no_route_share_one_label():
    before = _requests(instruments.UNMATCHED, "GET", 404)
    for path in ("/nope", "/wp-admin.php", "/a/b/c"):
        assert Client().get(path).status_code == 404
    assert _requests(instruments.UNMATCHED, "GET", 404) == before + 3


def test_an_unknown_method_is_other_and_not_kept():
    before = _requests("health", instruments.OTHER_METHOD, 405)
    instruments.request_observed(endpoint="health", method="BREW", status=405, seconds=0.001)
    assert _requests("health", instruments.OTHER_METHOD, 405) == before + 1
    assert ("health", "BREW", 405) not in instruments._request_children


def test_latency_lands_in_its_bucket():
    bucket = {"endpoint": "test-latency", "le": "0.05"}
    below = {"endpoint": "test-latency", "le": "0.025"}
    before, before_below = (
        sample("http_request_duration_seconds_bucket", **bucket),
        sample("http_request_duration_seconds_bucket", **below),
    )
    instruments.request_observed(endpoint="test-latency", method="GET", status=200, seconds=0.03)
    assert sample("http_request_duration_seconds_bucket", **bucket) == before + 1
    assert sample("http_request_duration_seconds_bucket", **below) == before_below


@pytest.mark.django_db
def test_a_sign_in_counts_as_succeeded():
    before = _outcome("succeeded")
    assert _login(Wallet().login_body()).status_code == 201
    assert _outcome("succeeded") == before + 1


@pytest.mark.django_db
def test_refused_sign_ins_count_under_their_reason():
    wallet = Wallet()
    before = {
        reason: _outcome(reason)
        for reason in ("bad_signature", "replay", "stale", "bad_message", "invalid", "banned")
    }
    body = wallet.login_body()
    body["signature"] = Wallet().login_body(body["timestamp"])["signature"]
    assert _login(body).status_code == 401
    accepted = wallet.login_body()
    assert _login(accepted).status_code == 201
    assert _login(accepted).status_code == 401
    assert _login(wallet.login_body(int(time.time() * 1000) - 301_000)).status_code == 401
    assert _login(wallet.siws_body(domain="evil.example")).status_code == 401
    assert _login({"address": wallet.address}).status_code == 400
    banned = Wallet()
    user_create_for_wallet(address=banned.address, is_banned=True)
    assert _login(banned.login_body()).status_code == 403
    assert {reason: _outcome(reason) - count for reason, count in before.items()} == {
        "bad_signature": 1,
        "replay": 1,
        "stale": 1,
        "bad_message": 1,
        "invalid": 1,
        "banned": 1,
    }


@pytest.mark.django_db
def test_a_rate_limit_refusal_counts_under_its_scope_and_as_a_sign_in_outcome(settings):
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_address": "1/d"}
    refusals = sample("rate_limit_refusals_total", scope="sign_in_address")
    limited = _outcome("rate_limited")
    assert _login(Wallet().login_body()).status_code == 201
    assert _login(Wallet().login_body()).status_code == 429
    assert _login(Wallet().login_body()).status_code == 429
    assert sample("rate_limit_refusals_total", scope="sign_in_address") == refusals + 2
    assert _outcome("rate_limited") == limited + 2


@pytest.mark.django_db
def test_a_cache_error_counts_and_changes_nothing_else(settings):
    settings.CACHES = UNREACHABLE_CACHE
    before = sample("cache_errors_total", operation="rate_limit")
    response = _login(Wallet().login_body())
    assert response.status_code == 503  # fail closed, as before
    assert response.json()["message"] == "The cache is unavailable"
    assert sample("cache_errors_total", operation="rate_limit") == before + 1


def test_a_database_error_that_becomes_a_503_counts():
    before = sample("database_errors_total", operation="request")
    response = unexpected_error_response(
        RequestFactory().get("/auth/my-profile"), OperationalError("connection refused")
    )
    assert response.status_code == 503
    assert sample("database_errors_total", operation="request") == before + 1


def test_a_webhook_delivery_counts_by_outcome_with_its_duration():
    delivered = sample("webhook_deliveries_total", outcome="delivered")
    failed = sample("webhook_deliveries_total", outcome="failed")
    count = sample("webhook_delivery_seconds_count")
    total = sample("webhook_delivery_seconds_sum")
    instruments.webhook_delivery_observed(outcome="delivered", seconds=0.2)
    instruments.webhook_delivery_observed(outcome="failed", seconds=1.5)
    assert sample("webhook_deliveries_total", outcome="delivered") == delivered + 1
    assert sample("webhook_deliveries_total", outcome="failed") == failed + 1
    assert sample("webhook_delivery_seconds_count") == count + 2
    assert sample("webhook_delivery_seconds_sum") == pytest.approx(total + 1.7)


@pytest.mark.django_db
def test_a_per_account_limit_refusal_counts_once(settings, auth_client):
    """On Redis the sign-in look-up counts and refuses it (config.ratelimit.counted), on the
    database cache the throttle does: either way one refusal per refused request."""
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account": "1/d"}
    before = sample("rate_limit_refusals_total", scope="account")
    assert auth_client.get("/auth/my-profile").status_code == 200
    assert auth_client.get("/auth/my-profile").status_code == 429
    assert sample("rate_limit_refusals_total", scope="account") == before + 1
