"""A worker killed with SIGKILL mid-load: the master replaces it, nothing else is hurt."""

import pytest

from tests.system.harness import Load, integrity_problems, wait_until, write_outcome_problems

pytestmark = pytest.mark.system


def test_worker_killed_mid_load(start_instance, postgres):
    instance = start_instance("crash", workers=3)
    load = Load([instance.base], threads=4, max_requests=3000, max_seconds=90).start()
    try:
        load.wait_for(lambda: load.count(phase="before", ok=True) >= 30, seconds=30, what="load")
        workers = instance.worker_pids()
        victim = workers[0]
        instance.kill_worker(victim)
        load.phase = "after"
        wait_until(
            lambda: victim not in instance.worker_pids() and len(instance.worker_pids()) == 3,
            seconds=30,
            what="the master to replace the killed worker",
        )
        replacement = set(instance.worker_pids()) - set(workers)
        assert len(replacement) == 1
        load.wait_for(lambda: load.count(phase="after", ok=True) >= 60, seconds=30, what="load")
    finally:
        load.stop()

    replies = load.replies
    # Only the one request the killed (sync, one-at-a-time) worker was serving may be lost.
    lost = [r for r in replies if r.status is None]
    assert len(lost) <= 1, [r.error for r in lost]
    answered = [r for r in replies if r.status is not None]
    assert {r.status for r in answered} <= {200, 201}, {r.status for r in answered}
    assert instance.process.poll() is None  # the master itself is fine
    # A sign-in, registration or deletion cut off mid-transaction was rolled back entirely.
    assert integrity_problems(postgres) == []
    assert {w.kind for w in load.writes} == {"register", "delete"}
    assert write_outcome_problems(postgres, load.writes, instance.base) == []
