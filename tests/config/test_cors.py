"""CORS: the allowed origins get credentials and the rate-limit headers; others get nothing."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ALLOWED = "https://pump.fun"


def _preflight(origin: str):
    return Client().options(
        "/auth/login",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
    )


def test_preflight_from_an_allowed_origin_passes_with_credentials():
    response = _preflight(ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed_headers
    assert "authorization" in allowed_headers


def test_preflight_from_another_origin_gets_no_cors_headers():
    response = _preflight("https://evil.example")
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_responses_to_an_allowed_origin_expose_the_rate_limit_headers():
    response = Client().get("/auth/my-profile", HTTP_ORIGIN=ALLOWED)
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Access-Control-Allow-Credentials"] == "true"
    exposed = {
        name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")
    }
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"} <= (
        exposed
    )
    assert "x-ratelimit-limit" in response  # and they are there to read


def test_responses_to_another_origin_get_no_cors_headers():
    response = Client().get("/auth/my-profile", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Expose-Headers" not in response


def test_origins_come_from_the_setting(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://launch.example"]
    assert _preflight("https://launch.example")["Access-Control-Allow-Origin"] == (
        "https://launch.example"
    )
    assert "Access-Control-Allow-Origin" not in _preflight(ALLOWED)
