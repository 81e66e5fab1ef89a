"""Webhook delivery throughput: events per second that one worker process delivers to a
local receiver (which verifies each with ``standardwebhooks``).

    .venv/bin/python bench/webhook_throughput.py --database-url postgres://... --redis-url redis://...

``bench/run.py`` calls ``measure`` with the service's environment and prints the line. The
events are recorded first, with the worker stopped (``events_record``, 100 a transaction);
then ``manage.py worker`` starts with one worker process and the rate is taken from the
first delivery received to the last, so the worker's start-up is not counted.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.webhooks.receiver import Receiver  # noqa: E402

PYTHON = sys.executable

RECORD = """
from django.db import transaction
from events.models import EventType
from events.services import NewEvent, events_record
for _ in range({batches}):
    with transaction.atomic():
        events_record(
            NewEvent(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={{"code": "TV"}})
            for _ in range(100)
        )
"""


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout


def _stop(worker: subprocess.Popen) -> None:
    """SIGTERM to the cluster's master (it stops its own processes), then its group."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)
    # Whatever of its group outlived the master.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)


def measure(env: dict[str, str], events: int = 2000, timeout: float = 300) -> str:
    """Deliver ``events`` with one worker; returns the report's line."""
    env = env | {"WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1", "WEBHOOKS_WORKERS": "1"}
    receiver = Receiver().start()
    endpoint_id = None
    worker = None
    try:
        added = _manage(env, "webhooks", "add", receiver.url, "--description", "benchmark")
        receiver.secret = added.split("secret:")[1].split()[0]
        endpoint_id = added.split("endpoint_id:")[1].split()[0]
        _manage(env, "shell", "-c", RECORD.format(batches=events // 100))
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        first = None
        while len(receiver.received) < events and time.monotonic() < deadline:
            if first is None and receiver.received:
                first = time.monotonic()
            time.sleep(0.05)
        last = time.monotonic()
        delivered = len(receiver.ids())
        if first is None or delivered < events:
            return f"webhooks: only {delivered} of {events} events delivered in {timeout:.0f} s"
        rate = (delivered - 1) / max(last - first, 1e-6)
        return (
            f"webhooks: one worker delivered {delivered} events at {rate:,.0f} events/s to a"
            f" local receiver (verified: {delivered - receiver.rejected}, rejected:"
            f" {receiver.rejected})"
        )
    finally:
        if worker is not None:
            _stop(worker)
        if endpoint_id is not None:
            _manage(env, "webhooks", "disable", endpoint_id)
        receiver.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", help="the broker (default: the database)")
    parser.add_argument("--events", type=int, default=2000)
    opts = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": opts.database_url, "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    if opts.redis_url:
        env["REDIS_URL"] = opts.redis_url
    _manage(env, "migrate", "--noinput", "-v0")
    print(measure(env, events=opts.events), flush=True)


if __name__ == "__main__":
    main()
