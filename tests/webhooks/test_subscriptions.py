"""Which event types wake the worker (webhooks/subscriptions.py), with a clock injected."""

import pytest
from django.db import DatabaseError

from webhooks.models import Endpoint
from webhooks.services import endpoint_create, endpoint_enabled_set
from webhooks.subscriptions import Subscriptions

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _endpoint(event_types):
    return endpoint_create(
        actor=None,
        url="https://hooks.example/in",
        event_types=event_types,
        resolve=lambda host, port: ["93.184.215.14"],
    ).endpoint


def test_only_the_types_an_enabled_endpoint_wants(settings):
    settings.WEBHOOKS_SUBSCRIPTIONS_REFRESH_SECONDS = 5
    clock = Clock()
    known = Subscriptions(clock=clock)
    assert not known.wanted(["session.created"])  # no endpoint at all
    endpoint = _endpoint(["user.banned"])
    assert not known.wanted(["session.created"])  # read less than the interval ago
    clock.now += 5
    assert known.wanted(["session.created", "user.banned"])
    assert not known.wanted(["session.created"])
    endpoint_enabled_set(actor=None, endpoint=endpoint, enabled=False)
    known.invalidate()
    assert not known.wanted(["user.banned"])


def test_an_endpoint_without_types_wants_every_type():
    known = Subscriptions(clock=Clock())
    _endpoint([])
    assert known.wanted(["session.created"])
    assert known.wanted(["jurisdiction.blocked"])


def test_unsure_when_the_database_does_not_answer(monkeypatch):
    def fail(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(Endpoint.objects, "filter", fail)
    assert Subscriptions(clock=Clock()).wanted(["session.created"])
