"""PostgreSQL stops under load: 503 JSON, never a 500 or a hang; it comes back: recovery."""

import functools

import pytest

from tests.system.harness import (
    Load,
    call,
    healthy,
    integrity_problems,
    wait_until,
    write_outcome_problems,
)

pytestmark = pytest.mark.system


def test_database_outage_under_load(instance_a, instance_b, postgres):
    bases = [instance_a.base, instance_b.base]
    load = Load(bases, threads=4, max_requests=4000, max_seconds=120).start()
    try:
        load.wait_for(lambda: load.count(phase="before", ok=True) >= 20, seconds=30, what="load")

        postgres.stop("immediate")  # the server dies, as in a crash
        load.phase = "outage"
        for base in bases:
            health = call(base, "GET", "/health")
            assert health.status == 503, health.text
            assert health.body == {
                "status": "unavailable",
                "database": "unavailable",
                "cache": "ok",
            }
        load.wait_for(lambda: load.count(phase="outage", status=503) >= 20, seconds=30, what="503s")

        load.phase = "recovering"
        postgres.start()
        for base in bases:  # the same processes, not restarted
            wait_until(
                functools.partial(healthy, base),
                seconds=30,
                what=f"{base} to recover",
                step=0.1,
            )
        load.phase = "after"
        load.wait_for(lambda: load.count(phase="after", ok=True) >= 20, seconds=30, what="load")
    finally:
        load.stop()

    replies = load.replies
    # Every request got an HTTP answer (none hung past the client's timeout, none reset).
    assert [r.error for r in replies if r.status is None] == []
    # Never a 500 or a stack trace; every error is the contract's JSON.
    errors = [(r.status, r) for r in replies if r.status is not None and r.status >= 400]
    assert sorted({status for status, _ in errors if status >= 500}) == [503]
    assert [r.text for _, r in errors if not r.is_contract_error] == []
    # While the database was down, everything that needs it was 503 naming the database.
    outage = [r for r in replies if r.label.startswith("outage:")]
    assert outage and {r.status for r in outage} == {503}
    assert {r.body["message"] for r in outage} == {"The database is unavailable"}
    # Once it was back, everything worked again.
    after = [r for r in replies if r.label.startswith("after:")]
    assert after and {r.status for r in after} <= {200, 201}

    # No partial writes: each sign-in wrote its proof, account and sign-in row, or nothing;
    # each registration and deletion (in the load too) happened entirely or not at all.
    assert integrity_problems(postgres) == []
    assert {w.kind for w in load.writes} == {"register", "delete"}
    assert write_outcome_problems(postgres, load.writes, instance_b.base) == []
    # A sign-in answered 503 either wrote nothing (sending it again now succeeds) or, had
    # its commit landed before the crash, everything (then it is a replay of a sign-in).
    failed = [(body, reply) for reply, body, _ in load.login_bodies if reply.status == 503]
    assert failed
    for body, _ in failed[:30]:
        again = call(instance_a.base, "POST", "/auth/login", body)
        if again.status == 401:
            rows = postgres.query(
                "SELECT count(*) FROM accounts_signin s JOIN accounts_user u ON u.id = s.user_id"
                " WHERE u.address = %s",
                (body["address"],),
            )
            assert rows[0][0] == 1, again.text
        else:
            assert again.status == 201, again.text
    assert integrity_problems(postgres) == []
