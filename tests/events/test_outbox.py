"""The outbox: each change's events are written in its transaction, or not at all."""

import pytest
from django.db import transaction

from backoffice import moderation
from events.models import Event, EventType
from events.services import NewEvent, event_record, events_record
from tests.events.flows import account

pytestmark = pytest.mark.django_db


def test_a_committed_change_has_its_event():
    user = account()
    moderation.user_ban(actor=None, user=user, reason="spam")
    event = Event.objects.get(type=EventType.USER_BANNED)
    assert event.subject_uuid == user.pk
    assert event.data["id"] == str(user.pk)
    assert event.dispatched_at is None


def test_a_rolled_back_change_leaves_no_event():
    user = account()
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.user_ban(actor=None, user=user, reason="spam")
        assert Event.objects.filter(type=EventType.USER_BANNED).exists()
        raise RuntimeError("the change fails after its event was written")
    user.refresh_from_db()
    assert not user.is_banned
    assert not Event.objects.filter(type=EventType.USER_BANNED).exists()


def test_a_refused_change_leaves_no_event():
    """A flow that refuses (here: the last super-admin's demotion) writes no event."""
    from accounts.exceptions import LastSuperAdmin
    from accounts.models import Role

    user = account()
    moderation.user_role_set(actor=None, user=user, role=Role.SUPER_ADMIN)
    before = Event.objects.count()
    with pytest.raises(LastSuperAdmin):
        moderation.user_role_set(actor=None, user=user, role=Role.USER)
    assert Event.objects.count() == before


def test_several_events_are_one_insert(django_assert_num_queries):
    user = account()
    with django_assert_num_queries(1):
        events_record(
            [
                NewEvent(type=EventType.USER_UPDATED, subject=user),
                NewEvent(type=EventType.USER_BANNED, subject=user),
            ]
        )


def test_an_unknown_type_or_a_secret_key_is_refused():
    user = account()
    with pytest.raises(ValueError, match="unknown event type"):
        event_record(type="user.hacked", subject=user)
    for key in ("email", "token", "refreshToken", "signature"):
        with pytest.raises(ValueError, match="may not carry"):
            event_record(type=EventType.USER_UPDATED, subject=user, facts={key: "x"})
    assert not Event.objects.filter(type=EventType.USER_UPDATED).exists()


def test_the_event_is_the_one_the_receiver_deduplicates_by():
    user = account()
    event = Event.objects.filter(subject_uuid=user.pk).first()
    assert event is not None
    assert event.message_id == f"msg_{event.pk}"


def test_old_events_are_purged_unless_a_delivery_waits_for_them(settings):
    from datetime import timedelta

    from django.utils import timezone

    from backoffice.housekeeping import records_purge
    from webhooks.models import Delivery, DeliveryStatus, Endpoint

    old = timezone.now() - timedelta(days=settings.EVENTS_RETENTION_DAYS + 1)
    endpoint = Endpoint.objects.create(url="https://hooks.example.com/", secret_encrypted="x")
    delivered, waiting, recent = (
        event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": code})
        for code in ("TV", "NR", "KP")
    )
    Event.objects.filter(pk__in=[delivered.pk, waiting.pk]).update(created_at=old)
    Delivery.objects.create(endpoint=endpoint, event=delivered, status=DeliveryStatus.SUCCEEDED)
    Delivery.objects.create(endpoint=endpoint, event=waiting)
    assert records_purge(dry_run=True).events == 1
    assert records_purge().events == 1
    assert set(Event.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert Delivery.objects.get().event_id == waiting.pk
