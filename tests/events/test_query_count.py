"""The gate of issue 17: a sign-in with events costs one database statement more than
without (the outbox row; a first sign-in's two events are one INSERT), and waking the
worker after the commit costs none on the Redis broker (one INSERT on the database broker
of the embedded default)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from signin import services as signin_services
from tests.events.flows import sign_in
from tests.wallets import Wallet
from webhooks import tasks
from webhooks.services import endpoint_create
from webhooks.subscriptions import subscriptions

CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def _statements(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(CONTROL)
    ]


def _cost(keypair: Wallet) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        sign_in(keypair, timezone.now())
    return _statements(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("first", [True, False], ids=["first sign-in", "returning"])
def test_a_sign_in_costs_one_statement_more_with_events(monkeypatch, first):
    with_events, without_events = Wallet(), Wallet()
    sign_in()  # the signing key is read once per process, before either is measured
    if not first:
        sign_in(with_events)
        sign_in(without_events)
    cost = _cost(with_events)
    monkeypatch.setattr(signin_services, "events_record", lambda events: [])
    before = _cost(without_events)
    assert len(cost) == len(before) + 1, (cost, before)
    extra = [sql for sql in cost if Event._meta.db_table in sql]
    assert len(extra) == 1 and extra[0].startswith("INSERT")


def _endpoint_wanting(event_types: list[str]) -> None:
    """An enabled endpoint for ``event_types``, its name resolved without DNS."""
    endpoint_create(
        actor=None,
        url="https://hooks.example/in",
        event_types=event_types,
        resolve=lambda host, port: ["93.184.215.14"],
    )


@pytest.mark.django_db(transaction=True)
def test_waking_the_worker_after_the_commit_costs_no_statement_on_redis(settings_override):
    keypair = Wallet()
    sign_in(keypair)
    _endpoint_wanting(["session.created"])
    subscriptions.wanted(())  # the endpoints read before the measured sign-in
    broker = tasks._broker()
    broker.purge_queue()
    try:
        with CaptureQueriesContext(connection) as captured:
            sign_in(keypair)
        queue_statements = [sql for sql in _statements(captured) if "django_q" in sql]
        on_redis = "redis" in settings.Q_CLUSTER
        assert len(queue_statements) == (0 if on_redis else 1), queue_statements
        assert broker.queue_size() == 1  # the wake-up is on the broker
    finally:
        broker.purge_queue()


@pytest.mark.django_db(transaction=True)
def test_no_wake_up_for_events_no_endpoint_wants(settings_override):
    keypair = Wallet()
    sign_in(keypair)
    _endpoint_wanting(["user.banned"])
    broker = tasks._broker()
    broker.purge_queue()
    try:
        sign_in(keypair)  # session.created: nobody subscribed
        assert broker.queue_size() == 0
        assert Event.objects.filter(type="session.created").count() == 2  # still recorded
    finally:
        broker.purge_queue()


@pytest.fixture
def settings_override(settings):
    settings.WEBHOOKS_DISPATCH_ON_COMMIT = True
    return settings
