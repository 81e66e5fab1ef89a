"""The sign-in counter is shared by separate server processes: two gunicorn servers on one
database and cache (whatever this run uses: SQLite + database cache, or PostgreSQL + Redis)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection

from tests.wallets import Wallet

ROOT = Path(__file__).resolve().parents[2]
PORT_RANGE = range(18101, 18200)  # this project's test servers' ports, on loopback only


def _free_ports(count: int) -> list[int]:
    ports = []
    for port in PORT_RANGE:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    pytest.fail(f"no {count} free ports in {PORT_RANGE}")


def _database_url() -> str:
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path=f"/{name}").geturl()


def _request(port: int, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture
def two_servers():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "RATE_LIMIT_SIGN_IN_PER_ADDRESS": "3/d",
        "LOG_LEVEL": "WARNING",
    }
    if "REDIS_URL" in os.environ:
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    ports = _free_ports(2)
    servers = [
        subprocess.Popen(
            [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            # Polled: the server is another process, starting on the real clock; there is
            # no clock to inject, only its first answer to wait for (up to ~20 s).
            for _ in range(100):
                if server.poll() is not None:
                    pytest.fail(f"server on {port} exited: {server.communicate()[1].decode()}")
                try:
                    _request(port, "/health")
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"server on {port} did not start")
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_sign_in_counter(two_servers):
    cache.clear()
    first, second = two_servers
    results = [
        _request(port, "/auth/login", Wallet().login_body())
        for port in (first, second, first, second)
    ]
    statuses = [status for status, _ in results]
    assert statuses == [201, 201, 201, 429]
    assert [headers["x-ratelimit-remaining"] for _, headers in results] == ["2", "1", "0", "0"]
    assert results[-1][1]["x-ratelimit-limit"] == "3"
    assert int(results[-1][1]["Retry-After"]) >= 1
