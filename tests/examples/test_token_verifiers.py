"""Clients nobody here wrote verify the live service's tokens (issue 16 (a) and (c)).

Node's jose (``createRemoteJWKSet`` + ``jwtVerify``, examples/jose-verify) accepts a fresh
access token and, after a key withdrawal, refuses it. The example resource server
(examples/resource_server.py), run as a subprocess against the live service, accepts a
token and refuses it within its poll period once the session logs out. The live service
is pytest-django's ``live_server`` (real HTTP on loopback), so this runs on both backends.

Without node/npm the jose test is skipped saying so, except in CI (``CI=true``), where it
fails: CI must never skip it silently.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import pytest
from django.conf import settings

from service_clients.services import service_client_create
from signing_keys import services
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = Path(settings.BASE_DIR) / "examples"
JOSE_DIR = EXAMPLES / "jose-verify"


def _http(method: str, url: str, *, token: str | None = None, body: dict | None = None):
    """(status, parsed JSON body) of one request; errors are answers, not exceptions."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    # http://127.0.0.1 only (the live server and the example).
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _login(base_url: str) -> str:
    status, body = _http("POST", f"{base_url}/auth/login", body=Wallet().login_body())
    assert status in (200, 201), body  # 201: the wallet's first sign-in made its account
    return body["token"]


# --- (a) Node's jose -------------------------------------------------------------------


@pytest.fixture(scope="session")
def jose_verify() -> Path:
    """examples/jose-verify with its locked dependencies installed (``npm ci``, once: kept
    in its git-ignored node_modules until package-lock.json changes)."""
    missing = [tool for tool in ("node", "npm") if not shutil.which(tool)]
    if missing:
        message = f"{' and '.join(missing)} not installed: the jose check needs Node 18+"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    installed = JOSE_DIR / "node_modules" / ".package-lock.json"
    lock = JOSE_DIR / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund", "--silent"],
            cwd=JOSE_DIR,
            check=True,
            timeout=300,
        )
    return JOSE_DIR / "verify.mjs"


def _jose(script: Path, base_url: str, token: str) -> subprocess.CompletedProcess:
    # A new process is a new createRemoteJWKSet: nothing cached, as a verifier after max-age.
    return subprocess.run(
        [
            shutil.which("node") or "node",
            str(script),
            f"{base_url}/.well-known/jwks.json",
            settings.SIMPLE_JWT["ISSUER"],
            settings.SIMPLE_JWT["AUDIENCE"],
            token,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_jose_verifies_live_tokens_and_refuses_them_after_withdrawal(live_server, jose_verify):
    token = _login(live_server.url)
    accepted = _jose(jose_verify, live_server.url, token)
    assert accepted.returncode == 0, accepted.stderr
    claims = json.loads(accepted.stdout)
    assert claims["iss"] == settings.SIMPLE_JWT["ISSUER"]
    assert claims["sid"] and claims["sub"]

    services.key_withdraw(kid=jwt.get_unverified_header(token)["kid"])
    refused = _jose(jose_verify, live_server.url, token)
    assert refused.returncode == 1
    assert "ERR_JWKS_NO_MATCHING_KEY" in refused.stderr
    # The next key takes over, and jose verifies its tokens.
    again = _jose(jose_verify, live_server.url, _login(live_server.url))
    assert again.returncode == 0, again.stderr


def test_jose_refuses_a_refresh_token_and_a_foreign_audience(live_server, jose_verify):
    status, body = _http("POST", f"{live_server.url}/auth/login", body=Wallet().login_body())
    assert status in (200, 201), body
    refresh = _jose(jose_verify, live_server.url, body["refreshToken"])
    assert refresh.returncode == 1  # HS256, typ JWT: no key of the set, not an access token
    wrong = subprocess.run(
        [
            shutil.which("node") or "node",
            str(jose_verify),
            f"{live_server.url}/.well-known/jwks.json",
            settings.SIMPLE_JWT["ISSUER"],
            "another-api",
            body["token"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 1
    assert "ERR_JWT_CLAIM_VALIDATION_FAILED" in wrong.stderr


# --- (c) the example resource server ---------------------------------------------------


@pytest.fixture
def resource_server(live_server, settings):
    """examples/resource_server.py polling every second, as a subprocess; its base URL.

    The feed shows a revocation once it is REVOCATION_FEED_SETTLE_SECONDS old (15 s by
    default): 1 s here, so that the wait stays short while still crossing the settle."""
    settings.REVOCATION_FEED_SETTLE_SECONDS = 1
    client = service_client_create(name="example resource server")
    env = {
        **os.environ,
        "AUTH_BASE_URL": live_server.url,
        "CLIENT_ID": client.client.client_id,
        "CLIENT_SECRET": client.secret,
        "POLL_SECONDS": "1",
        "PORT": "0",
    }
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "resource_server.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            pytest.fail(f"the example did not start: {''.join(output)}")
        assert first.startswith("listening on "), "".join(output)
        yield first.removeprefix("listening on ").strip()
    finally:
        process.kill()
        process.wait(timeout=10)
        if output:
            print("example output:", "".join(output), sep="\n")


def _wait_for(url: str, token: str, status: int, seconds: float) -> float:
    """Seconds until the example answers ``status`` for the token (fails after ``seconds``)."""
    start = time.monotonic()
    while True:
        answer, body = _http("GET", url, token=token)
        if answer == status:
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            pytest.fail(f"still {answer} {body} after {seconds} s, expected {status}")
        time.sleep(0.1)


def test_example_refuses_a_logged_out_session_within_its_poll_period(live_server, resource_server):
    token = _login(live_server.url)
    other = _login(live_server.url)
    # Accepted once its first poll of the feed has answered.
    _wait_for(f"{resource_server}/trades", token, 200, seconds=20)
    assert _http("GET", f"{resource_server}/trades")[0] == 401  # no token
    assert _http("GET", f"{resource_server}/trades", token=token + "x")[0] == 401

    status, _ = _http("POST", f"{live_server.url}/auth/logout", token=token)
    assert status == 201
    # Poll period (1 s) + settle (1 s), with room for a slow, shared machine.
    took = _wait_for(f"{resource_server}/trades", token, 401, seconds=15)
    assert took < 15
    # Another session of the service stays accepted.
    assert _http("GET", f"{resource_server}/trades", token=other)[0] == 200
