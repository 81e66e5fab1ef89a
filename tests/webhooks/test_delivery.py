"""The worker's steps, run in the test: fan-out, signed delivery to a real local receiver
that verifies with ``standardwebhooks``, retries on the schedule (injected clock), the
circuit, redirects, the read limit, replay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice import moderation
from events.models import Event, EventType
from events.services import event_record
from tests.events.flows import account
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint
from webhooks.services import (
    RETRY_DELAYS,
    deliveries_send_due,
    delivery_replay,
    endpoint_create,
    endpoint_enabled_set,
    endpoint_test,
    events_fan_out,
)
from webhooks.signing_secrets import secret_decrypt
from webhooks.tasks import dispatch

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def test_every_event_reaches_the_receiver_signed_with_its_stable_id(receiver, endpoint):
    user = account()  # user.created + session.created
    moderation.user_ban(actor=None, user=user)  # user.banned + session.revoked
    assert dispatch() == 4
    events = {event.message_id: event for event in Event.objects.all()}
    assert receiver.rejected == 0
    assert receiver.ids() == {message_id: 1 for message_id in events}
    for item in receiver.received:
        event = events[item.id]
        assert item.payload["type"] == event.type
        assert item.payload["data"]["id"] == str(user.pk)
        assert item.payload["timestamp"].endswith("Z")
        assert item.headers["content-type"] == "application/json"
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}
    attempt = DeliveryAttempt.objects.first()
    assert attempt is not None and attempt.succeeded and attempt.status_code == 204
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()


def test_an_endpoint_gets_only_the_types_it_wants_and_a_disabled_one_none(receiver, endpoint):
    bans = endpoint_create(actor=None, url=receiver.url, event_types=["user.banned"]).endpoint
    off = endpoint_create(actor=None, url=receiver.url).endpoint
    endpoint_enabled_set(actor=None, endpoint=off, enabled=False)
    moderation.user_ban(actor=None, user=account())
    events_fan_out()
    assert list(bans.deliveries.values_list("event__type", flat=True)) == ["user.banned"]
    assert endpoint.deliveries.count() == Event.objects.count() == 4
    assert not off.deliveries.exists()


def test_fan_out_twice_makes_one_delivery_per_event_and_endpoint(endpoint):
    account()
    events_fan_out()
    Event.objects.update(dispatched_at=None)  # as if a worker died before marking them
    events_fan_out()
    assert endpoint.deliveries.count() == 2


def test_a_failing_endpoint_is_retried_on_the_schedule_with_the_same_id(receiver, endpoint):
    receiver.status = 500
    event_record(type=EventType.USER_BANNED, subject=account())
    Event.objects.exclude(type=EventType.USER_BANNED).delete()
    clock = Clock()
    events_fan_out(now=clock.now)
    delivery = Delivery.objects.get()
    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        assert deliveries_send_due(clock=clock) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.next_attempt_at == clock.now + delay
        assert deliveries_send_due(clock=clock) == 0  # not due before its time
        clock.advance(delay)
    assert deliveries_send_due(clock=clock) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(RETRY_DELAYS) + 1
    total = sum(RETRY_DELAYS, timedelta())
    assert timedelta(days=2.5) < total < timedelta(days=3.5)  # about three days
    assert set(receiver.ids()) == {delivery.event.message_id}
    assert receiver.ids()[delivery.event.message_id] == len(RETRY_DELAYS) + 1


def test_the_circuit_pauses_a_dead_endpoint_and_enabling_resumes_it(receiver, endpoint, settings):
    settings.WEBHOOKS_CIRCUIT_FAILURES = 3
    receiver.status = 503
    for _ in range(2):
        event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    clock = Clock()
    events_fan_out(now=clock.now)
    assert deliveries_send_due(clock=clock) == 2
    endpoint.refresh_from_db()
    assert endpoint.state == "active" and endpoint.consecutive_failures == 2
    clock.advance(RETRY_DELAYS[0])
    assert deliveries_send_due(clock=clock) == 2  # the third and fourth failures in a row
    endpoint.refresh_from_db()
    assert endpoint.state == "paused" and endpoint.consecutive_failures == 4
    clock.advance(timedelta(days=1))
    assert deliveries_send_due(clock=clock) == 0  # its deliveries wait
    receiver.status = 200
    endpoint_enabled_set(actor=None, endpoint=endpoint, enabled=True)
    assert deliveries_send_due(clock=clock) == 2
    assert not Delivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).exists()
    endpoint.refresh_from_db()
    assert endpoint.state == "active" and endpoint.consecutive_failures == 0


def test_a_success_ends_the_run_of_failures(receiver, endpoint):
    receiver.status = 500
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    clock = Clock()
    events_fan_out(now=clock.now)
    assert deliveries_send_due(clock=clock) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    receiver.status = 200
    clock.advance(RETRY_DELAYS[0])
    assert deliveries_send_due(clock=clock) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_redirect_is_not_followed(receiver, endpoint):
    receiver.status = 302
    receiver.headers = {"location": "http://127.0.0.1:9/elsewhere"}
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    dispatch()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code == 302 and not attempt.succeeded
    assert receiver.requests == 1


def test_the_answer_is_read_only_to_the_limit(receiver, endpoint, settings):
    settings.WEBHOOKS_RESPONSE_BYTES = 100
    receiver.status = 200
    receiver.body = b"x" * 1_000_000
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    dispatch()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.succeeded
    assert attempt.response_excerpt == "x" * 100


def test_a_replay_sends_the_same_message_again(receiver, endpoint):
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    dispatch()
    delivery = Delivery.objects.get()
    delivery_replay(actor=None, delivery=delivery)
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    dispatch()
    assert receiver.ids() == {delivery.event.message_id: 2}
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_a_claimed_delivery_whose_worker_died_is_sent_after_the_claim_expires(receiver, endpoint):
    from webhooks.services import CLAIM_SECONDS, deliveries_claim, deliveries_due

    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    clock = Clock()
    events_fan_out(now=clock.now)
    due = deliveries_due(now=clock.now, limit=10)
    assert len(deliveries_claim(due=due, now=clock.now)) == 1  # ... and the worker is killed
    later = clock.now + timedelta(seconds=1)
    assert deliveries_claim(due=due, now=later) == []  # no second worker takes it
    assert deliveries_send_due(clock=clock) == 0
    clock.advance(timedelta(seconds=CLAIM_SECONDS))
    assert deliveries_send_due(clock=clock) == 1
    assert len(receiver.received) == 1


def test_the_secret_is_stored_encrypted(endpoint, receiver):
    stored = Endpoint.objects.get(pk=endpoint.pk).secret_encrypted
    assert receiver.secret.startswith("whsec_")
    assert receiver.secret not in stored
    assert receiver.secret.removeprefix("whsec_") not in stored
    assert secret_decrypt(stored) == receiver.secret


def test_a_test_message_is_verified_by_the_receiver(receiver, endpoint):
    outcome = endpoint_test(actor=None, endpoint=endpoint)
    assert outcome.succeeded
    (item,) = receiver.received
    assert (item.payload["type"], item.payload["data"]) == ("webhook.test", {})
    assert not Delivery.objects.exists()


def test_the_sweep_is_scheduled_every_minute():
    from django_q.models import Schedule

    from webhooks.tasks import SWEEP, SWEEP_SCHEDULE

    schedule = Schedule.objects.get(name=SWEEP_SCHEDULE)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (SWEEP, "I", 1)
    assert schedule.repeats < 0  # for ever


def test_an_endpoint_gets_no_event_recorded_before_it_was_registered(receiver):
    user = account()
    event_record(type=EventType.USER_BANNED, subject=user)  # before any endpoint
    later = endpoint_create(actor=None, url=receiver.url).endpoint
    event_record(type=EventType.USER_UNBANNED, subject=user)
    events_fan_out()
    assert [d.event.type for d in later.deliveries.all()] == [EventType.USER_UNBANNED]
    assert not Event.objects.filter(dispatched_at__isnull=True).exists()
