"""Several instances, one truth: what A decides, B enforces on its very next request."""

import threading

import pytest

from tests.system.harness import KeyPair, Reply, call, manage

pytestmark = pytest.mark.system


def sign_in(base: str, wallet: KeyPair) -> dict:
    reply = call(base, "POST", "/auth/login", wallet.login_body())
    assert reply.status == 201, reply.text
    return reply.body


def test_logout_on_a_is_401_on_b_at_once(instance_a, instance_b):
    session = sign_in(instance_a.base, KeyPair())
    token, refresh = session["token"], session["refreshToken"]
    assert call(instance_b.base, "GET", "/auth/my-profile", token=token).status == 200

    assert call(instance_a.base, "POST", "/auth/logout", token=token).status == 201

    profile = call(instance_b.base, "GET", "/auth/my-profile", token=token)
    assert profile.status == 401 and profile.is_contract_error
    refreshed = call(instance_b.base, "POST", "/auth/refresh", {"refreshToken": refresh})
    assert refreshed.status == 401 and refreshed.is_contract_error


def test_login_body_accepted_by_a_is_a_replay_on_b(instance_a, instance_b):
    body = KeyPair().login_body()
    assert call(instance_a.base, "POST", "/auth/login", body).status == 201

    replay = call(instance_b.base, "POST", "/auth/login", body)
    assert replay.status == 401 and replay.is_contract_error
    assert replay.body["message"] == "Signature has already been used"


def test_concurrent_first_sign_ins_on_a_and_b_make_one_account(instance_a, instance_b, postgres):
    for _ in range(5):  # a few rounds, each a real race between the two instances
        wallet = KeyPair()
        bodies = [wallet.login_body(), wallet.login_body()]
        barrier = threading.Barrier(2, timeout=10)
        replies: list[Reply | None] = [None, None]

        def send(index, base, body, barrier=barrier, replies=replies):
            barrier.wait()
            replies[index] = call(base, "POST", "/auth/login", body)

        threads = [
            threading.Thread(target=send, args=(0, instance_a.base, bodies[0])),
            threading.Thread(target=send, args=(1, instance_b.base, bodies[1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        answered = [reply for reply in replies if reply is not None]
        assert [reply.status for reply in answered] == [201, 201], [r.text for r in answered]
        assert answered[0].body["user"]["id"] == answered[1].body["user"]["id"]
        rows = postgres.query(
            "SELECT count(*) FROM accounts_user WHERE address = %s", (wallet.address,)
        )
        assert rows[0][0] == 1


def test_ban_made_on_as_side_is_enforced_by_b_on_the_next_request(instance_a, instance_b):
    wallet = KeyPair()
    token = sign_in(instance_a.base, wallet)["token"]
    for _ in range(2):  # the second is answered from the sign-in cache
        assert call(instance_b.base, "GET", "/auth/my-profile", token=token).status == 200

    manage(instance_a.env, "ban_user", wallet.address)  # the operator's command, A's side

    profile = call(instance_b.base, "GET", "/auth/my-profile", token=token)
    assert profile.status == 401 and profile.is_contract_error
    login = call(instance_b.base, "POST", "/auth/login", wallet.login_body())
    assert login.status == 403 and login.body["message"] == "Account is banned"


def test_role_change_made_on_as_side_is_seen_by_b_on_the_next_request(instance_a, instance_b):
    wallet = KeyPair()
    token = sign_in(instance_a.base, wallet)["token"]
    for _ in range(2):  # the second is answered from the sign-in cache
        profile = call(instance_b.base, "GET", "/auth/my-profile", token=token)
        assert profile.body["isAdmin"] is False

    manage(instance_a.env, "grant_role", wallet.address, "admin")
    assert call(instance_b.base, "GET", "/auth/my-profile", token=token).body["isAdmin"] is True

    manage(instance_a.env, "revoke_role", wallet.address)
    assert call(instance_b.base, "GET", "/auth/my-profile", token=token).body["isAdmin"] is False


def test_rate_limit_counters_are_shared_by_a_and_b(start_instance, redis_server):
    """The limit is reached by two instances together, not by each on its own."""
    strict = {"RATE_LIMIT_SIGN_IN_PER_ADDRESS": "4/m"}
    instance_a = start_instance("limited-a", workers=1, **strict)
    instance_b = start_instance("limited-b", workers=1, **strict)
    wallet = KeyPair()
    first = call(instance_a.base, "POST", "/auth/login", wallet.login_body())
    assert first.headers["x-ratelimit-limit"] == "4"
    limit = int(first.headers["x-ratelimit-limit"])
    accepted = 1 if first.status == 201 else 0
    limited = None
    for attempt in range(2 * limit + 2):  # per-instance counters would accept 2 * limit
        base = (instance_b, instance_a)[attempt % 2].base
        reply = call(base, "POST", "/auth/login", wallet.login_body())
        if reply.status == 429:
            limited = reply
            break
        assert reply.status == 201, reply.text
        accepted += 1
    assert limited is not None, f"no 429 after {accepted} sign-ins across A and B"
    assert accepted <= limit
    assert limited.is_contract_error and "retry-after" in limited.headers
    redis_server.stop()  # forget the counters: later tests start from an empty cache
    redis_server.start()
