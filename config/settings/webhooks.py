"""Webhooks: how events are delivered, and the task queue (django-q2) whose worker does it.

The queue's broker is the shared Redis when REDIS_URL is set, else the database itself
(django-q2's ORM broker), so the embedded default (`make run`) delivers events with no
Redis or PostgreSQL. The outbox (``events``) is the truth; the queue only wakes the worker.
"""

from config.env import env_bool, env_int
from config.settings import environment

# Endpoints on private, loopback, link-local or reserved addresses (and plain http) are
# refused, at registration and again at each delivery after DNS resolution, unless this is
# on (local development and the tests, whose receivers listen on 127.0.0.1).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
# A delivery that has no 2xx answer within this many seconds has failed (connect included).
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
# At most this many bytes of a receiver's answer are read (and kept with the attempt).
WEBHOOKS_RESPONSE_BYTES = env_int("WEBHOOKS_RESPONSE_BYTES", 2048)
# After this many failed attempts in a row an endpoint is paused (its deliveries wait)
# until staff enable it again.
WEBHOOKS_CIRCUIT_FAILURES = env_int("WEBHOOKS_CIRCUIT_FAILURES", 20)
# Events older than this many days are removed by `manage.py purge_expired`, with their
# deliveries and attempts, unless a delivery of theirs is still pending.
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", 30)
# A committed change's events wake the worker at once (else the sweep sends them within a
# minute). The test settings turn it off: the suite runs the worker's steps itself.
WEBHOOKS_DISPATCH_ON_COMMIT = env_bool("WEBHOOKS_DISPATCH_ON_COMMIT", True)
# Each process reads which event types the enabled endpoints want at most this often: a
# committed change wakes the worker only for those (else the sweep sends within a minute).
WEBHOOKS_SUBSCRIPTIONS_REFRESH_SECONDS = env_int("WEBHOOKS_SUBSCRIPTIONS_REFRESH_SECONDS", 5)
# Requests one worker process has in flight at once (threads; the database stays on one).
WEBHOOKS_CONCURRENCY = env_int("WEBHOOKS_CONCURRENCY", 8)
# Worker processes of `manage.py worker` (each delivers one request at a time).
WEBHOOKS_WORKERS = env_int("WEBHOOKS_WORKERS", 2)

Q_CLUSTER: dict = {
    "name": "launchpad",
    "workers": WEBHOOKS_WORKERS,
    # A dispatch run stops itself well before this (webhooks.tasks); then it is killed.
    "timeout": 300,
    "retry": 360,
    # The outbox retries deliveries on its own schedule; the queue never runs a task twice.
    "max_attempts": 1,
    "ack_failures": True,
    # Keep only the last few results: the deliveries' own rows are the record.
    "save_limit": 50,
    # After downtime the sweep runs once, not once per missed minute.
    "catch_up": False,
    "label": "Task queue",
}
if environment.REDIS_URL:
    Q_CLUSTER["redis"] = environment.REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
