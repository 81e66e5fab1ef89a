"""Fixtures of the system suite: a private PostgreSQL and Redis, two gunicorn instances.

Everything is started once per session and stopped by its own PID in finalizers, failed
tests included. Tests that stop PostgreSQL or Redis get them started again afterwards by
``backing_services_up``. Missing prerequisites skip the suite locally, and fail it when
``SYSTEM_TESTS_REQUIRED=1`` (CI), so CI never passes without having run it.
"""

import functools
import os

import pytest

from tests.system.harness import (
    HTTP_PORT_BASE,
    CuttableProxy,
    Gunicorn,
    PrivatePostgres,
    PrivateRedis,
    Unavailable,
    app_env,
    healthy,
    migrate,
    wait_until,
)

REQUIRED = os.environ.get("SYSTEM_TESTS_REQUIRED") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"system tests are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres():
    try:
        server = PrivatePostgres()
    except Unavailable as exc:
        _unavailable(str(exc))
    try:
        server.start()
        server.create_database()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def redis_server():
    try:
        server = PrivateRedis()
    except Unavailable as exc:
        _unavailable(str(exc))
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def redis_proxy(redis_server):
    """A path to the private Redis that a test can cut (instances given its ``url()``)."""
    proxy = CuttableProxy(redis_server.port)
    proxy.restore()
    try:
        yield proxy
    finally:
        proxy.cut()


@pytest.fixture(scope="session")
def service_env(postgres, redis_server) -> dict[str, str]:
    env = app_env(database_url=postgres.url, redis_url=redis_server.url(0))
    migrate(env)
    return env


@pytest.fixture(scope="session")
def start_instance(service_env):
    """Start a gunicorn instance on the next free port of the range; stopped at the end."""
    started: list[Gunicorn] = []

    def _start(name: str, *, workers: int = 2, **extra_env: str) -> Gunicorn:
        instance = Gunicorn(
            name, HTTP_PORT_BASE + len(started), service_env | extra_env, workers=workers
        )
        started.append(instance)
        instance.start()
        return instance

    try:
        yield _start
    finally:
        for instance in started:
            instance.cleanup()


@pytest.fixture(scope="session")
def instance_a(start_instance) -> Gunicorn:
    return start_instance("a")


@pytest.fixture(scope="session")
def instance_b(start_instance) -> Gunicorn:
    return start_instance("b")


@pytest.fixture(autouse=True)
def backing_services_up(request):
    """After each test: PostgreSQL and Redis run again and the instances are healthy."""
    yield
    if "postgres" not in request.fixturenames:
        return
    postgres = request.getfixturevalue("postgres")
    redis_server = request.getfixturevalue("redis_server")
    postgres.ensure_running()
    redis_server.ensure_running()
    for name in ("instance_a", "instance_b"):
        if name in request.fixturenames:
            base = request.getfixturevalue(name).base
            wait_until(
                functools.partial(healthy, base),
                seconds=30,
                what=f"{base} healthy again",
                step=0.2,
            )
