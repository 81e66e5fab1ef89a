"""The Procfile's web process with production settings, checked over real HTTP."""

import json
import os
import re
from pathlib import Path

import pytest

from tests.wallets import Wallet

pytestmark = pytest.mark.live


def test_health_answers_with_both_backends(production_server):
    status, headers, body = production_server.request("GET", "/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_to_https(production_server):
    status, headers, _ = production_server.request("GET", "/health", https=False)
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_wallet_sign_in_then_profile(production_server):
    wallet = Wallet()
    status, headers, body = production_server.request(
        "POST", "/auth/login", wallet.login_body(site="pump.fun")
    )
    assert status == 201, body
    signed_in = json.loads(body)
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    status, _, body = production_server.request(
        "GET", "/auth/my-profile", headers={"Authorization": f"Bearer {signed_in['token']}"}
    )
    assert status == 200
    assert json.loads(body)["address"] == wallet.address
    # The token travelled in a header and a body: it is in no log line.
    assert signed_in["token"] not in production_server.logs()
    assert signed_in["refreshToken"] not in production_server.logs()


def test_admin_static_file_is_served_compressed_and_hashed(production_server):
    status, _, body = production_server.request("GET", "/admin/login/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the admin page links a hashed stylesheet"
    path = stylesheet.group(1).decode()
    status, headers, css = production_server.request(
        "GET", path, headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert css[:2] == b"\x1f\x8b"


def test_api_docs_and_schema_are_served_without_a_cdn(production_server):
    status, _, body = production_server.request("GET", "/api/docs")
    assert status == 200
    assert b"swagger-ui" in body
    assert not re.search(rb'(src|href)="https?://', body), "no asset from a CDN"
    status, _headers, body = production_server.request("GET", "/api/schema")
    assert status == 200
    assert json.loads(body)["openapi"].startswith("3.")


def test_one_json_log_line_per_request_with_the_request_id(production_server):
    status, headers, _ = production_server.request(
        "GET", "/auth/my-profile", headers={"X-Request-ID": "deploy-test-42"}
    )
    assert status == 401
    assert headers["X-Request-ID"] == "deploy-test-42"
    lines = [
        json.loads(line)
        for line in production_server.logs().splitlines()
        if "deploy-test-42" in line
    ]
    access = [line for line in lines if line["logger"] == "access"]
    assert len(access) == 1
    assert access[0] | {"duration_ms": 0, "time": ""} == access[0] | {
        "duration_ms": 0,
        "time": "",
        "method": "GET",
        "path": "/auth/my-profile",
        "status": 401,
        "user_id": None,
        "client_ip": "127.0.0.1",
        "request_id": "deploy-test-42",
    }


def _tcp_states(pid: int) -> list[str]:
    """The state of each TCP socket the process holds ("0A": listening, "01": connected)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        match = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd))
        if match:
            inodes.add(match.group(1))
    states = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                states.append(fields[3])
    return states


def test_the_master_loads_the_application_once_and_holds_no_connection(production_server):
    """Preloaded: the workers are forks of a master that imported the project, so nothing
    the import opened may be a connection the forks would share."""
    status, _, _ = production_server.request("GET", "/health")  # the workers are connected
    assert status == 200
    # The database and Redis are reached over TCP here; the master only listens.
    assert _tcp_states(production_server.process.pid) == ["0A"]
    # config/wsgi.py logs the backends when it is imported: once, by the master.
    assert production_server.logs().count('"message": "Database backend:') == 1
