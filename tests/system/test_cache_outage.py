"""Redis stops: revocation still holds (the database decides), sign-in follows the policy,
replays stay refused; Redis comes back empty: recovery without a restart, and from its
first answer on no request fails, on any worker."""

import functools
import time

import pytest

from tests.system.harness import (
    KeyPair,
    Reply,
    call,
    integrity_problems,
    manage,
    until_every_worker_served,
    wait_until,
)

pytestmark = pytest.mark.system


def test_cache_outage_and_recovery(instance_a, instance_b, start_instance, redis_server, postgres):
    # An instance with the other policy: sign in on the database alone while Redis is down.
    lenient = start_instance("allow", workers=1, RATELIMIT_FAIL_OPEN="1")
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
        # Default policy (RATELIMIT_FAIL_OPEN off): requests that need a rate-limit counter
        # fail closed with 503 JSON naming the cache; a revoked token is never accepted.
        rejected = call(base, "GET", "/auth/my-profile", token=revoked["token"])
        assert rejected.status in (401, 503) and rejected.is_contract_error
        refused = call(base, "POST", "/auth/refresh", {"refreshToken": revoked["refreshToken"]})
        assert refused.status in (401, 503) and refused.is_contract_error
        closed = call(base, "POST", "/auth/login", KeyPair().login_body())
        assert closed.status == 503 and closed.is_contract_error
        assert closed.body["message"] == "The cache is unavailable"
    # Failing open, nothing is counted, so what is left is the database alone: revocation
    # is read from it, revoked tokens stay refused and live ones work.
    rejected = call(lenient.base, "GET", "/auth/my-profile", token=revoked["token"])
    assert rejected.status == 401 and rejected.is_contract_error
    refused = call(lenient.base, "POST", "/auth/refresh", {"refreshToken": revoked["refreshToken"]})
    assert refused.status == 401 and refused.is_contract_error
    assert call(lenient.base, "GET", "/auth/my-profile", token=live["token"]).status == 200

    # With RATELIMIT_FAIL_OPEN, sign-in works on the database alone, and still refuses every replay.
    replay = call(lenient.base, "POST", "/auth/login", used_body)
    assert replay.status == 401 and replay.body["message"] == "Signature has already been used"
    fresh_body = KeyPair().login_body()
    assert call(lenient.base, "POST", "/auth/login", fresh_body).status == 201
    assert call(a, "POST", "/auth/login", fresh_body).status in (401, 503)
    assert call(lenient.base, "POST", "/auth/login", fresh_body).status == 401

    redis_server.start()  # a new, empty Redis: as after a FLUSHALL

    # Once it answers, no request fails: not even each worker's first, which finds its held
    # connection closed (the same processes, not restarted). The reads go on until every
    # worker has served one (config/cache.py retries it on a new connection).
    recovery = until_every_worker_served(
        [instance_a, instance_b, lenient],
        redis_server.port,
        lambda base: call(base, "GET", "/auth/my-profile", token=live["token"]),
    )
    assert [reply.status for reply in recovery if reply.status != 200] == []

    for base in (a, b, lenient.base):
        assert call(base, "GET", "/health").status == 200
    for base in (a, b):
        assert call(base, "GET", "/auth/my-profile", token=revoked["token"]).status == 401
        assert call(base, "GET", "/auth/my-profile", token=live["token"]).status == 200
        assert call(base, "POST", "/auth/login", used_body).status == 401
        assert call(base, "POST", "/auth/login", KeyPair().login_body()).status == 201
    rotated = call(b, "POST", "/auth/refresh", {"refreshToken": live["refreshToken"]})
    assert rotated.status == 200
    assert integrity_problems(postgres) == []


def test_no_request_fails_after_a_redis_restart(instance_a, instance_b, redis_server):
    """Redis restarts between two requests: each worker's held connection is closed, which
    it finds out only by using it. Sign-ins (which fail closed without their rate-limit
    counters) go on until every worker has served one: each must succeed."""
    instances = [instance_a, instance_b]
    token = call(instance_a.base, "POST", "/auth/login", KeyPair().login_body()).body["token"]
    before = until_every_worker_served(
        instances,
        redis_server.port,
        lambda base: call(base, "GET", "/auth/my-profile", token=token),
    )
    assert {reply.status for reply in before} == {200}

    redis_server.stop()
    redis_server.start()

    after = until_every_worker_served(
        instances,
        redis_server.port,
        lambda base: call(base, "POST", "/auth/login", KeyPair().login_body()),
    )
    assert [reply.status for reply in after if reply.status != 201] == []


def test_a_ban_made_while_redis_is_cut_off_holds_within_a_second_of_its_return(
    start_instance, redis_proxy
):
    """The operator bans while the path to Redis is cut: the banned account's entry in
    Redis outlives the cut, and nothing told Redis of the ban."""
    cut_a = start_instance("cut-a", REDIS_URL=redis_proxy.url())
    cut_b = start_instance("cut-b", REDIS_URL=redis_proxy.url())
    instances = [cut_a, cut_b]
    wallet = KeyPair()
    token = call(cut_a.base, "POST", "/auth/login", wallet.login_body()).body["token"]
    cached = until_every_worker_served(
        instances,
        redis_proxy.port,
        lambda base: call(base, "GET", "/auth/my-profile", token=token),
    )
    assert {reply.status for reply in cached} == {200}

    redis_proxy.cut()
    manage(cut_a.env, "ban_user", wallet.address)
    for instance in instances:  # the database decides; the rate limits fail closed
        assert call(instance.base, "GET", "/auth/my-profile", token=token).status in (401, 503)

    redis_proxy.restore()
    restored = time.monotonic()

    def read(base: str) -> tuple[float, Reply]:
        sent = time.monotonic() - restored
        return sent, call(base, "GET", "/auth/my-profile", token=token)

    def refused(base: str) -> bool:
        replies.append(read(base))
        return replies[-1][1].status == 401

    # Every worker's first requests since the cut, then each instance until it refuses.
    replies = until_every_worker_served(instances, redis_proxy.port, read)
    for instance in instances:
        wait_until(
            functools.partial(refused, instance.base),
            seconds=3,
            what=f"{instance.name} to refuse the banned account's token",
            step=0.05,
        )
    # A stale 200 would be allowed in the first second; a failure never.
    late_or_failed = [
        (round(sent, 3), reply.status)
        for sent, reply in replies
        if reply.status != 401 and (sent >= 1 or reply.status != 200)
    ]
    assert late_or_failed == []
