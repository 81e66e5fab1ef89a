"""``manage.py worker``: the task worker (the Procfile's ``worker:``), django-q2's
``qcluster`` stopped promptly however the platform signals it.

django-q2 (1.11) leaves SIGTERM at its default action in the cluster's supervising process
(its sentinel) and every process that one starts. A platform that sends SIGTERM to every
process of the worker at once (Heroku's dyno manager on each stop and daily restart,
``kill -TERM -<pgid>``) kills them all outright, and ``qcluster``'s main process, whose
stop wakes the sentinel through a multiprocessing Event, then waits for a wake-up the dead
sentinel never acknowledges: until the platform's SIGKILL, at the end of its grace period.
Here the main process first gives the sentinel a moment to die of the same signal; when it
has, nothing is left to stop and the worker exits at once. A SIGTERM to the main process
alone (``docker stop``, ``kill <pid>``) or a Ctrl-C still stops the cluster as django-q2
does: the running tasks finish first. A delivery cut off by the signal is sent again by
the next worker, with the same ``webhook-id`` (at least once, docs/api.md).
"""

import logging
import os
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django_q.cluster import Cluster

logger = logging.getLogger("django-q")

# Long enough for processes signalled together to be gone (the default action ends them
# as soon as they are scheduled), short enough not to matter when only this one was.
SIGNALLED_TOGETHER_SECONDS = 0.5


def _ended(process: BaseProcess) -> bool:
    """Whether ``process`` has ended. ``is_alive()`` alone can say it has not when it has:
    this handler may run between the interrupted wait that reaped it and that wait storing
    the result, and a second wait finds no child to reap."""
    if not process.is_alive() or process.pid is None:
        return True
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    return False


def _ends_within(process: BaseProcess, seconds: float) -> bool:
    """Whether ``process`` has ended, or does within ``seconds`` (polled: ``join`` returns
    once the process closes its pipe, a moment before it can be reaped)."""
    deadline = time.monotonic() + seconds
    while not _ended(process):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


class PromptlyStoppedCluster(Cluster):
    """django-q2's cluster, whose SIGTERM does not wait on a sentinel the signal killed."""

    def sig_handler(self, signum: int, frame: FrameType | None) -> None:
        sentinel = self.sentinel
        if (
            signum == signal.SIGTERM
            and sentinel is not None
            and _ends_within(sentinel, SIGNALLED_TOGETHER_SECONDS)
        ):
            logger.info("Q Cluster %s stopped: its processes got the same SIGTERM", self.name)
            self.start_event = self.stop_event = None
            return
        super().sig_handler(signum, frame)


class Command(BaseCommand):
    help = "Run the task worker (django-q2's cluster): webhook deliveries and schedules."

    def handle(self, *args: Any, **options: Any) -> None:
        PromptlyStoppedCluster().start()
        # The main process returns here; it waits for the cluster's processes on its way
        # out, where a signal finds it (multiprocessing joins its children at exit).
