"""Bounded waits on the backing services; backing-service errors outside views are 503.

The cache-outage policy of rate-limited endpoints (sign-in included) is tested with the
rate limits, in test_ratelimit.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import OperationalError
from django.test import RequestFactory

from config.errors import server_error

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "cache = dict(settings.CACHES['default'].get('OPTIONS', {}));"
    "retry = cache.pop('retry', None);"
    "print(json.dumps({'db': settings.DATABASES['default'].get('OPTIONS', {}), 'cache': cache,"
    "'retry': retry and [retry.get_retries(), [e.__name__ for e in retry._supported_errors]]}))"
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
    # Once, on a closed connection only: a timeout is not waited for twice.
    assert probed["retry"] == [1, ["ConnectionError"]]


def test_timeouts_are_settings():
    result = _settings_with(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DB_STATEMENT_TIMEOUT_MS="0",
        CACHE_SOCKET_TIMEOUT_SECONDS="1",
    )
    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert "options" not in probed["db"]
    assert probed["cache"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


def test_error_outside_views_naming_a_backing_service_is_503():
    request = RequestFactory().get("/auth/my-profile")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert json.loads(response.content)["message"] == "The database is unavailable"
    assert server_error(request).status_code == 500
