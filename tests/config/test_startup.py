"""What a start says: the backends really configured, and one line (not a traceback) when
DATABASE_URL names a database its server does not have, for manage.py and gunicorn."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import OperationalError

from config.startup import exit_if_database_missing

ROOT = Path(__file__).resolve().parents[2]
_BACKENDS = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "LOG_FORMAT")
_SQLITE = ROOT / "db.sqlite3"
# Nothing listens on port 1: importing the application must not connect to either.
_POSTGRESQL_URL = "postgres://u@127.0.0.1:1/db"
_REDIS_URL = "redis://127.0.0.1:1/0"


def _run(command: list[str], timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _BACKENDS}
    return subprocess.run(
        command,
        cwd=ROOT,
        env=clean | {"LOG_FORMAT": "plain", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "warning"),
    [
        (
            {},
            f"Running on the embedded default: SQLite ({_SQLITE}) with the database cache;"
            " set DATABASE_URL and REDIS_URL for production.",
        ),
        (
            {"REDIS_URL": _REDIS_URL},
            f"Running on SQLite ({_SQLITE}) with the Redis cache; set DATABASE_URL for production.",
        ),
        (
            {"DATABASE_URL": _POSTGRESQL_URL},
            "Running on PostgreSQL with the database cache; set REDIS_URL for production.",
        ),
        ({"DATABASE_URL": _POSTGRESQL_URL, "REDIS_URL": _REDIS_URL}, None),
    ],
)
def test_the_start_warns_of_what_is_really_configured(env, warning):
    result = _run([sys.executable, "-c", "import config.wsgi"], **env)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if " WARNING config " in line]
    assert [line.split(" WARNING config ", 1)[1] for line in warnings] == (
        [warning] if warning else []
    )
    assert "Database backend:" in result.stdout


def test_a_missing_database_is_one_line_naming_the_fix(monkeypatch):
    for key, value in {"HOST": "db.internal", "PORT": 5433, "USER": "auth"}.items():
        monkeypatch.setitem(settings.DATABASES["default"], key, value)
    refused = OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
        'database "auth_prod" does not exist'
    )
    with pytest.raises(SystemExit) as exit_:
        exit_if_database_missing(refused)
    assert exit_.value.code == (
        'DATABASE_URL names the database "auth_prod", which its server does not have: create'
        " it (createdb -h db.internal -p 5433 -U auth auth_prod) or set DATABASE_URL to one"
        " that exists."
    )


def test_other_database_errors_are_left_alone():
    exit_if_database_missing(OperationalError("connection refused"))  # returns: caller raises


@pytest.fixture
def missing_database_url() -> str:
    """DATABASE_URL's PostgreSQL server with a database name it does not have.

    Skips without PostgreSQL; CI's PostgreSQL pass (EXPECT_BACKENDS names postgresql) must
    never skip it, so there it fails instead.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        reason = "needs a PostgreSQL server: set DATABASE_URL=postgres://..."
        if "postgresql" in os.environ.get("EXPECT_BACKENDS", ""):
            pytest.fail(f"CI's PostgreSQL pass must run this: {reason}")
        pytest.skip(reason)
    return urlsplit(url)._replace(path=f"/no_such_database_{os.getpid()}").geturl()


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "migrate", "--noinput"],
        [sys.executable, "manage.py", "runserver", "127.0.0.1:0"],  # with its autoreloader
        # The Procfile's web process, as a platform starts it.
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-c", "gunicorn.conf.py"],
    ],
    ids=["migrate", "runserver", "gunicorn"],
)
def test_a_missing_database_stops_the_start_in_one_line(command, missing_database_url):
    name = urlsplit(missing_database_url).path.lstrip("/")
    result = _run(command, DATABASE_URL=missing_database_url, HOST="127.0.0.1", PORT="0")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f'DATABASE_URL names the database "{name}", which its server')
    assert "(createdb -h " in last and f" {name}) or set DATABASE_URL" in last
