"""The worker's tasks (django-q2): the queue only wakes the worker; the outbox is the truth.

After a transaction that recorded events commits, ``dispatch_soon`` enqueues ``dispatch``
(one small message on the broker: Redis in production, the database on the embedded
default). The periodic schedule ``SWEEP_SCHEDULE`` (created by ``webhooks`` migration 0002)
runs ``sweep`` every minute: it reports the sessions that reached their end
(``session.revoked``, reason ``expired``), then dispatches, so events whose message was
lost (a worker killed mid-task, Redis restarted) and deliveries due for a retry are sent
all the same.
"""

import functools
import logging
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django_q.brokers import Broker, get_broker
from django_q.tasks import async_task

from signin.services import sessions_expired_record
from webhooks.services import deliveries_send_due, events_fan_out
from webhooks.subscriptions import subscriptions

logger = logging.getLogger(__name__)

DISPATCH = "webhooks.tasks.dispatch"
SWEEP = "webhooks.tasks.sweep"
SWEEP_SCHEDULE = "webhooks: expired sessions, events and retries"
# A run stops starting new attempts after this many seconds and hands over to a new run,
# well inside the queue's task timeout (Q_CLUSTER["timeout"]).
RUN_SECONDS = 120


class _Capture:
    """A stand-in broker that keeps the message ``async_task`` builds instead of sending it."""

    list_key = "capture"
    message = ""

    def enqueue(self, message: str) -> str:
        self.message = message
        return ""


@functools.cache
def _broker() -> Broker:
    # One broker (one Redis connection pool) per process, not one per enqueue.
    return get_broker()


@functools.cache
def _wake_up() -> str:
    """The wake-up message, built and signed once per process by django-q2's own
    ``async_task``: every wake-up is the same task (``dispatch``, no arguments, its result
    not kept), so a commit costs only the enqueue (one Redis ``RPUSH``), not the pickling
    and signing too."""
    capture = _Capture()
    async_task(
        DISPATCH, broker=capture, q_options={"task_name": "webhooks dispatch", "save": False}
    )
    return capture.message


def dispatch_soon(*, types: Iterable[str] | None = None, **kwargs: Any) -> None:
    """``events_committed``'s receiver: wake a worker, if an endpoint wants one of the
    events' ``types`` (None: wake it anyway). A broker that is down loses only the wake-up
    (the sweep sends the events within a minute), never the change."""
    if not settings.WEBHOOKS_DISPATCH_ON_COMMIT:
        return
    if types is not None and not subscriptions.wanted(types):
        return
    try:
        _broker().enqueue(_wake_up())
    except Exception:
        logger.warning("webhooks: could not enqueue a dispatch; the sweep will", exc_info=True)


def sweep() -> int:
    """The periodic task: report the sessions that expired since the last run, then
    ``dispatch``."""
    sessions_expired_record()
    return dispatch()


def dispatch() -> int:
    """Fan new events out to their endpoints, then send what is due until nothing is or the
    run's time is up (then another run is enqueued); returns the attempts made."""
    started = time.monotonic()
    sent = 0
    while True:
        events_fan_out()
        made = deliveries_send_due()
        sent += made
        if made == 0:
            return sent
        if time.monotonic() - started > RUN_SECONDS:
            dispatch_soon()
            return sent
