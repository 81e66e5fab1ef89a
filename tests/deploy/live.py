"""The production start command, run for real: the Procfile's release and web processes.

Used by the tests of this folder. It needs PostgreSQL and Redis (``DATABASE_URL`` and
``REDIS_URL`` as in CI's PostgreSQL pass); it makes a fresh database of its own next to the
one named there, and drops it afterwards.
"""

import contextlib
import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from gunicorn.app.wsgiapp import WSGIApplication

from tests.generous_limits import GENEROUS_RATE_LIMITS

REPO = Path(__file__).resolve().parents[2]
PORTS = range(18200, 18300)
START_TIMEOUT = 60  # seconds for migrations + workers to come up


def backends_or_skip_reason() -> str | None:
    """None when PostgreSQL + Redis are configured, else why the live tests cannot run."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "the production start needs PostgreSQL: set DATABASE_URL=postgres://..."
    if not redis_url.startswith(("redis://", "rediss://")):
        return "the production start needs Redis: set REDIS_URL=redis://..."
    return None


def backends_or_skip() -> None:
    """Skips the calling test, saying why, without PostgreSQL + Redis; CI's PostgreSQL pass
    (EXPECT_BACKENDS names postgresql) must never skip a live test, so there it fails."""
    reason = backends_or_skip_reason()
    if reason is not None:
        if "postgresql" in os.environ.get("EXPECT_BACKENDS", ""):
            pytest.fail(f"CI's PostgreSQL pass must run the production start: {reason}")
        pytest.skip(reason)


def procfile(process: str) -> str:
    for line in (REPO / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return command.strip()
    raise LookupError(f"no {process}: process in the Procfile")


def platform_env(port: int = 5000) -> dict[str, str]:
    """What the platform gives a new app's processes: app.json's set values, and ``PORT``."""
    app = json.loads((REPO / "app.json").read_text())
    return {name: spec["value"] for name, spec in app["env"].items() if "value" in spec} | {
        "PORT": str(port)
    }


def gunicorn_settings(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Every gunicorn setting as gunicorn resolves a command line (its words, ``gunicorn``
    first) in exactly this environment, from the repository's root; nothing is started."""
    with (
        contextlib.chdir(REPO),
        mock.patch.dict(os.environ, env, clear=True),
        mock.patch.object(sys, "argv", command),
    ):
        application = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")
    config = application.cfg
    assert config is not None  # WSGIApplication loads it in its constructor
    return {name: setting.value for name, setting in config.settings.items()}


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18200-18299")


def _admin_url(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class LiveServer:
    base_url: str
    log_path: Path
    process: subprocess.Popen
    database: str
    admin_database_url: str
    extra_headers: dict = field(default_factory=lambda: {"X-Forwarded-Proto": "https"})

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict | None = None,
        *,
        https: bool = True,
    ) -> tuple[int, dict, bytes]:
        """One HTTP request; ``https`` sends what the platform's router adds for TLS."""
        all_headers = dict(self.extra_headers if https else {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers |= headers or {}
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base_url + path, data=data, method=method, headers=all_headers
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        with psycopg.connect(self.admin_database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start(workdir: Path, extra_env: dict[str, str] | None = None) -> LiveServer:
    """Build (collectstatic), release (the Procfile's release:) and run web: on a fresh DB;
    ``extra_env``: settings of the test's own, over the platform's."""
    database_url = os.environ["DATABASE_URL"]
    base_name = urlsplit(database_url).path.lstrip("/") or "postgres"
    database = f"{base_name}_live_{os.getpid()}"
    admin_database_url = _admin_url(database_url, "postgres")
    with psycopg.connect(admin_database_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "SCHEMATHESIS"))
    }
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SIGNING_KEYS_SECRET": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIGN_IN_SITE": "pump.fun",
        "SIGN_IN_DOMAINS": "pump.fun",
        # The requests come as from the platform's router, which says the client used https.
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": _admin_url(database_url, database),
        "REDIS_URL": os.environ["REDIS_URL"],
        "STATIC_ROOT": str(workdir / "staticfiles"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
        **GENEROUS_RATE_LIMITS,
        **(extra_env or {}),
    }
    log_path = workdir / "server.log"
    with log_path.open("ab") as log:
        # The build step Heroku's Python buildpack runs, then the release phase.
        for command in (
            "python manage.py collectstatic --noinput",
            procfile("release"),
        ):
            subprocess.run(  # noqa: S602 - the Procfile's own shell command
                command, shell=True, cwd=REPO, env=env, stdout=log, stderr=log, check=True
            )
        process = subprocess.Popen(
            ["bash", "-c", "exec " + procfile("web")],  # noqa: S607 - the Procfile via bash
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        log_path=log_path,
        process=process,
        database=database,
        admin_database_url=admin_database_url,
    )
    deadline = time.monotonic() + START_TIMEOUT
    for _ in range(START_TIMEOUT * 4):
        if process.poll() is not None or time.monotonic() > deadline:
            break
        try:
            if server.request("GET", "/health")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(
        f"gunicorn did not come up ({shlex.quote(procfile('web'))}):\n{server.logs()[-4000:]}"
    )
