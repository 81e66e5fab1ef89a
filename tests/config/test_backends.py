"""CI names the backends it means to test on; a run on other ones fails instead of passing."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.skipif("EXPECT_BACKENDS" not in os.environ, reason="only CI names its backends")
@pytest.mark.django_db
def test_running_on_the_expected_backends():
    database, cache_kind = os.environ["EXPECT_BACKENDS"].split(",")
    assert connection.vendor == {"postgresql": "postgresql", "sqlite3": "sqlite"}[database]
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend.endswith({"redis": "RedisCache", "db": "DatabaseCache"}[cache_kind])
    cache.set("ci-probe", 1)
    assert cache.get("ci-probe") == 1
