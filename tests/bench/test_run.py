"""The benchmark runs the service as it ships: the Procfile's ``web:`` process, of whose
configuration only the listening address and the worker count change."""

import json
import shlex

import pytest

from bench import run as bench
from tests.deploy.live import REPO, gunicorn_settings, platform_env, procfile


def _changed(shipped: dict, measured: dict) -> set[str]:
    # A hook defined in gunicorn.conf.py is a new function each time the file is read.
    def same(a: object, b: object) -> bool:
        return getattr(a, "__code__", a) == getattr(b, "__code__", b)

    return {name for name, value in shipped.items() if not same(measured[name], value)}


def test_the_service_is_the_procfile_web_process_listening_on_the_benchmark_port(monkeypatch):
    # Nothing of the calling shell reaches the configuration measured.
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "1000")
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--max-requests 1000")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    command = bench.server_command()
    assert command == shlex.split(procfile("web"))
    env = bench.service_env() | bench.gunicorn_overrides(bench.SERVICE_PORT)

    measured = gunicorn_settings(command, env)

    assert _changed(gunicorn_settings(command, platform_env()), measured) <= {"bind", "workers"}
    assert measured["bind"] == [f"127.0.0.1:{bench.SERVICE_PORT}"]
    assert measured["workers"] == bench.WORKERS


def test_the_service_logs_at_the_production_level_and_format():
    app_env = json.loads((REPO / "app.json").read_text())["env"]
    env = bench.service_env()
    assert env["DJANGO_ENV"] == "production"
    for name in ("LOG_LEVEL", "LOG_FORMAT"):
        assert env[name] == app_env[name]["value"]


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA", "HS256"])
def test_the_service_signs_access_tokens_with_the_chosen_algorithm(algorithm):
    """``--algorithm``: the sign-in figure with ES256 (the default) and with EdDSA."""
    env = bench.service_env(algorithm)
    assert env["JWT_ALGORITHM"] == algorithm
    assert len(env["SIGNING_KEYS_SECRET"]) >= 32  # production starts
    assert bench.service_env()["JWT_ALGORITHM"] == "ES256"


@pytest.mark.parametrize("module", ["ceiling.wsgi", "stock.wsgi"])
def test_a_reference_runs_under_the_same_configuration(module):
    env = bench.inherited_env() | bench.gunicorn_overrides(bench.CEILING_PORT)
    service = gunicorn_settings(bench.server_command(), env)
    reference = gunicorn_settings(bench.server_command(module), env)
    assert _changed(service, reference) == {"default_proc_name", "pythonpath"}
    assert reference["default_proc_name"] == module
