"""Each process's key set: memory on the request path, the database every few seconds
(signing_keys/key_set.py); two caches here stand for two instances, with a clock injected."""

import pytest

from signing_keys import services
from signing_keys.key_set import KeySet, KeySetCache, SigningKeyInUse
from signing_keys.models import KeyState, SigningKey

pytestmark = pytest.mark.django_db


def _signing(keys: KeySet) -> SigningKeyInUse:
    assert keys.signing is not None
    return keys.signing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _instance(clock: Clock) -> KeySetCache:
    return KeySetCache(refresh_seconds=lambda: 5, clock=clock)


def test_the_first_use_makes_an_active_and_a_next_key():
    key_set = _instance(Clock()).current()
    states = dict(SigningKey.objects.values_list("kid", "state"))
    assert sorted(states.values()) == [KeyState.ACTIVE, KeyState.NEXT]
    assert set(key_set.published) == set(states)
    assert key_set.signing is not None and states[key_set.signing.kid] == KeyState.ACTIVE


def test_within_the_interval_the_key_set_is_memory_only(django_assert_num_queries):
    clock = Clock()
    instance = _instance(clock)
    first = instance.current()
    clock.now += 4.9
    with django_assert_num_queries(0):
        assert instance.current() is first


def test_another_instance_sees_a_withdrawal_within_the_interval():
    clock = Clock()
    other = _instance(clock)
    before = other.current()
    kid = _signing(before).kid
    services.key_withdraw(kid=kid)  # on "this" instance
    clock.now += 4.9
    assert other.current() is before  # not yet: memory
    clock.now += 0.1
    after = other.current()
    assert after is not before
    assert after.verifying_key(kid) is None
    assert _signing(after).kid != kid


def test_an_unchanged_database_keeps_the_same_key_set():
    clock = Clock()
    instance = _instance(clock)
    first = instance.current()
    clock.now += 10
    assert instance.current() is first  # same keys: same object, the verified tokens kept


def test_a_database_outage_keeps_the_last_key_set(monkeypatch):
    from django.db import OperationalError

    clock = Clock()
    instance = _instance(clock)
    first = instance.current()

    def down(now):
        raise OperationalError("down")

    monkeypatch.setattr("signing_keys.key_set._published_rows", down)
    clock.now += 10
    assert instance.current() is first
