"""Bounded waits on the backing services, and the cache-outage policy of sign-in."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts import services
from accounts.exceptions import BackingServiceUnavailable
from config.errors import server_error

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'db': settings.DATABASES['default'].get('OPTIONS', {}),"
    "'cache': settings.CACHES['default'].get('OPTIONS', {}),"
    "'policy': settings.SIGN_IN_WHEN_CACHE_DOWN}))"
)


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_postgres_and_redis_waits_are_bounded():
    result = _settings_with(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert probed["db"]["connect_timeout"] == 5
    assert probed["db"]["options"] == "-c statement_timeout=10000"
    assert probed["db"]["keepalives"] == 1
    assert probed["cache"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    assert probed["policy"] == "reject"


def test_timeouts_are_settings():
    result = _settings_with(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DB_STATEMENT_TIMEOUT_MS="0",
        CACHE_SOCKET_TIMEOUT_SECONDS="1",
        SIGN_IN_WHEN_CACHE_DOWN="allow",
    )
    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert "options" not in probed["db"]
    assert probed["cache"] == {"socket_connect_timeout": 1, "socket_timeout": 1}
    assert probed["policy"] == "allow"


def test_unknown_cache_outage_policy_is_refused():
    result = _settings_with(SIGN_IN_WHEN_CACHE_DOWN="maybe")
    assert result.returncode != 0
    assert "SIGN_IN_WHEN_CACHE_DOWN" in result.stderr


def _cache_down():
    return mock.patch.object(services.cache, "get", side_effect=RedisConnectionError("down"))


def test_sign_in_fails_closed_while_the_cache_is_down(settings):
    settings.SIGN_IN_WHEN_CACHE_DOWN = "reject"
    with _cache_down(), pytest.raises(BackingServiceUnavailable) as raised:
        services.sign_in_cache_check()
    assert raised.value.status == 503
    assert raised.value.message == "The cache is unavailable"


def test_sign_in_may_be_allowed_while_the_cache_is_down(settings):
    settings.SIGN_IN_WHEN_CACHE_DOWN = "allow"
    with _cache_down():
        services.sign_in_cache_check()


@pytest.mark.django_db
def test_login_while_the_cache_is_down_is_503_json(api_client, wallet, settings):
    settings.SIGN_IN_WHEN_CACHE_DOWN = "reject"
    with _cache_down():
        response = api_client.post("/auth/login", wallet.login_body(), format="json")
    assert response.status_code == 503
    assert response.json() == {
        "statusCode": 503,
        "message": "The cache is unavailable",
        "error": "Service Unavailable",
    }
    assert not services.UsedSignInProof.objects.exists()


def test_error_outside_views_naming_a_backing_service_is_503():
    request = RequestFactory().get("/auth/my-profile")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert json.loads(response.content)["message"] == "The database is unavailable"
    assert server_error(request).status_code == 500
