"""Tests of what only the production backends have: Redis's own scripts and connections.

Skipped on the embedded default (SQLite and the database cache, what `make test` runs
without services); CI's PostgreSQL + Redis pass runs them, and there `EXPECT_BACKENDS`
fails the run if Redis is not what the settings use (tests/config/test_backends.py), so
they never skip silently in CI.
"""

import os

import pytest


def redis_only(why: str) -> pytest.MarkDecorator:
    """Skip without ``REDIS_URL``; ``why`` says what of Redis the test needs."""
    return pytest.mark.skipif(
        "REDIS_URL" not in os.environ, reason=f"{why}; CI's PostgreSQL + Redis pass runs this"
    )
