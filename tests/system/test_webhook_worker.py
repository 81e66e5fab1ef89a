"""The webhooks worker as deployed (``manage.py worker`` on PostgreSQL + Redis), killed
with SIGKILL in the middle of a burst of 1,000 events and started again: every event is
delivered at least once, none lost, and the receiver (which verifies every delivery with
the ``standardwebhooks`` reference library) counts as many distinct ids as events. And
stopped by SIGTERM, as a platform stops it: to every one of its processes at once, or to
the main one alone."""

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.deploy.live import procfile
from tests.system.harness import REPO, wait_until
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.system

EVENTS = 1000
# One account banned and unbanned 500 times: 1,000 changes, each its own transaction with
# its own event (user.banned, user.unbanned), each waking the worker after its commit.
BURST = f"""
from accounts.models import User
from backoffice import moderation
from signin.services import user_create_for_wallet
from tests.wallets import Wallet
user = user_create_for_wallet(address=Wallet().address)
for _ in range({EVENTS // 2}):
    moderation.user_ban(actor=None, user=user)
    moderation.user_unban(actor=None, user=user)
print(user.pk)
"""


def worker_command() -> list[str]:
    """The Procfile's ``worker:`` process, with this virtualenv's python."""
    words = shlex.split(procfile("worker"))
    return [sys.executable if word == "python" else word for word in words]


class Worker:
    """The Procfile's worker (``manage.py worker``) in a process group of its own (its
    master and its workers)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.log = Path(tempfile.mkstemp(prefix="system-qcluster-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                worker_command(),
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the whole group (pgid = the master's pid): the master and its workers,
        mid-task, with no chance to finish anything."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def running(self) -> bool:
        """Whether the cluster says it is running (its supervisor has started every process)."""
        return "running." in self.log.read_text()

    def exits_on(self, sig: int, *, group: bool, seconds: float) -> bool:
        """Send ``sig`` to the master alone or to every process of the group; whether the
        master exits within ``seconds`` (else it is left to ``stop``)."""
        assert self.process is not None
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        """SIGTERM to the master, which stops its own processes; SIGKILL if it does not."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        # Whatever of its group outlived the master.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_a_worker_killed_mid_burst_loses_no_event(service_env, postgres):
    env = service_env | {"WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1", "WEBHOOKS_WORKERS": "2"}
    receiver = Receiver().start()
    worker = Worker(env)
    subject = None
    try:
        added = _manage(env, "webhooks", "add", receiver.url, "--description", "system test")
        receiver.secret = added.split("secret:")[1].split()[0]
        worker.start()
        # The worker is up once a first event (not one of the burst's) has reached the receiver.
        _manage(env, "block_country", "TV")
        wait_until(lambda: len(receiver.ids()) == 1, seconds=120, what="the worker to start")
        (warm_up,) = receiver.ids()
        burst = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", BURST],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Mid-burst: some of its events delivered, the burst still writing.
        wait_until(lambda: len(receiver.ids()) > 20, seconds=120, what="first deliveries")
        assert burst.poll() is None, "the burst ended before the worker could be killed"
        worker.kill()
        delivered_before_restart = len(receiver.ids()) - 1
        stdout, stderr = burst.communicate(timeout=300)
        assert burst.returncode == 0, stderr
        subject = stdout.strip().splitlines()[-1]
        assert delivered_before_restart < EVENTS

        worker.start()
        # The wake-ups queued while it was down, the sweep (every minute) and the claims of
        # the killed worker (due again after a minute) bring every event.
        wait_until(lambda: len(receiver.ids()) > EVENTS, seconds=300, what="every event")

        event_ids = {
            f"msg_{row[0]}"
            for row in postgres.query(
                "SELECT id FROM events_event WHERE subject_uuid = %s", (subject,)
            )
        }
        assert len(event_ids) == EVENTS
        received = receiver.ids()
        del received[warm_up]
        assert set(received) == event_ids  # every event, nothing else
        assert len(received) == EVENTS  # distinct ids == events
        # Every whole request verified by standardwebhooks (the kill may cut one mid-body).
        assert receiver.rejected == 0
        duplicates = sum(received.values()) - EVENTS
        print(
            f"delivered before the kill: {delivered_before_restart}; duplicates {duplicates};"
            f" cut off by the kill: {receiver.incomplete}"
        )
    finally:
        worker.stop()
        receiver.stop()
        if subject is not None:
            # The burst's account never signed in: the suite's later integrity checks
            # (tests/system/harness.py) would count it as a half-done sign-in.
            _manage(
                env,
                "shell",
                "-c",
                f"from accounts.models import User; User.objects.filter(pk='{subject}').delete()",
            )


# Heroku gives a dyno's processes 30 s between its SIGTERM and its SIGKILL; a worker that is
# still there at the end of that was hanging, not finishing its work (it has none here).
GRACE_SECONDS = 30


@pytest.mark.parametrize("group", [True, False], ids=["every-process", "main-process"])
def test_a_sigterm_stops_the_worker(service_env, group):
    """Sent to every process at once (Heroku's dyno manager, ``kill -TERM -<pgid>``), it
    ends the worker without waiting for a SIGKILL (django-q2's own ``qcluster`` waits for
    ever on the supervisor the signal killed, five times in six here: three starts and stops
    catch it); to the main process alone, the cluster is stopped in order, as django-q2
    does: every process is told, and the cluster says it has stopped."""
    for _ in range(3 if group else 1):
        # At INFO: the cluster's "running" and "stopped" lines.
        worker = Worker(service_env | {"LOG_LEVEL": "INFO"})
        try:
            worker.start()
            wait_until(worker.running, seconds=120, what="the worker to start")
            assert worker.exits_on(signal.SIGTERM, group=group, seconds=GRACE_SECONDS), (
                "the worker did not exit on SIGTERM:\n" + worker.log.read_text()[-2000:]
            )
            log = worker.log.read_text()
            if group:
                assert "its processes got the same SIGTERM" in log
            else:
                assert "has stopped." in log
        finally:
            worker.stop()
