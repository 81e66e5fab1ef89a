"""Redis stops: revocation still holds (the database decides), sign-in follows the policy,
replays stay refused; Redis comes back empty: recovery without a restart."""

import pytest

from tests.system.harness import KeyPair, call, integrity_problems, wait_until

pytestmark = pytest.mark.system


def test_cache_outage_and_recovery(instance_a, instance_b, start_instance, redis_server, postgres):
    # An instance with the other policy: sign in on the database alone while Redis is down.
    lenient = start_instance("allow", workers=1, SIGN_IN_WHEN_CACHE_DOWN="allow")
    a, b = instance_a.base, instance_b.base

    revoked = call(a, "POST", "/auth/login", KeyPair().login_body()).body
    live = call(a, "POST", "/auth/login", KeyPair().login_body()).body
    assert call(a, "POST", "/auth/logout", token=revoked["token"]).status == 201
    used_body = KeyPair().login_body()
    assert call(a, "POST", "/auth/login", used_body).status == 201

    redis_server.stop()

    for base in (a, b, lenient.base):
        health = call(base, "GET", "/health")
        assert health.status == 503
        assert health.body == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
    for base in (a, b):
        # Revocation is read from the database: a revoked token is never accepted.
        rejected = call(base, "GET", "/auth/my-profile", token=revoked["token"])
        assert rejected.status == 401 and rejected.is_contract_error
        refused = call(base, "POST", "/auth/refresh", {"refreshToken": revoked["refreshToken"]})
        assert refused.status == 401 and refused.is_contract_error
        # A live token still works: nothing on this path needs the cache.
        assert call(base, "GET", "/auth/my-profile", token=live["token"]).status == 200
        # Default policy: sign-in fails closed, with 503 JSON naming the cache.
        closed = call(base, "POST", "/auth/login", KeyPair().login_body())
        assert closed.status == 503 and closed.is_contract_error
        assert closed.body["message"] == "The cache is unavailable"

    # The "allow" policy signs in on the database alone, and still refuses every replay.
    replay = call(lenient.base, "POST", "/auth/login", used_body)
    assert replay.status == 401 and replay.body["message"] == "Signature has already been used"
    fresh_body = KeyPair().login_body()
    assert call(lenient.base, "POST", "/auth/login", fresh_body).status == 201
    assert call(a, "POST", "/auth/login", fresh_body).status in (401, 503)
    assert call(lenient.base, "POST", "/auth/login", fresh_body).status == 401

    redis_server.start()  # a new, empty Redis: as after a FLUSHALL

    for base in (a, b, lenient.base):  # the same processes, not restarted
        wait_until(
            lambda base=base: call(base, "GET", "/health").status == 200,
            seconds=30,
            what=f"{base} to recover",
        )

    for base in (a, b):
        assert call(base, "GET", "/auth/my-profile", token=revoked["token"]).status == 401
        assert call(base, "GET", "/auth/my-profile", token=live["token"]).status == 200
        assert call(base, "POST", "/auth/login", used_body).status == 401
        assert call(base, "POST", "/auth/login", KeyPair().login_body()).status == 201
    rotated = call(b, "POST", "/auth/refresh", {"refreshToken": live["refreshToken"]})
    assert rotated.status == 200
    assert integrity_problems(postgres) == []
