import pytest

from tests.deploy import live


@pytest.fixture(scope="session")
def production_server(tmp_path_factory):
    """The production start command on PostgreSQL + Redis, over real HTTP on loopback.

    Skips, saying why, without PostgreSQL + Redis; CI's PostgreSQL pass (EXPECT_BACKENDS
    names postgresql) must never skip it, so there a missing backend fails instead.
    """
    live.backends_or_skip()
    server = live.start(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
