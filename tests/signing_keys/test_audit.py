"""Every change of the signing keys is in the audit trail, written with the change."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from signing_keys import key_set, services
from signing_keys.models import KeyState, SigningKey

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _kid(state: str) -> str:
    return SigningKey.objects.get(state=state).kid


def _no_private_material(events: list[AuditEvent]) -> None:
    stored = {key.private_key_encrypted for key in SigningKey.objects.all()} - {""}
    for event in events:
        text = json.dumps(event.detail)
        assert "PRIVATE" not in text and "gAAAA" not in text  # no PEM, no Fernet token
        assert not any(secret in text for secret in stored)
        assert "d" not in event.detail  # a JWK's private member


def test_ensure_by_the_command_records_each_key_it_makes():
    call_command("signing_keys", "ensure", stdout=StringIO())
    created = _events(AuditAction.SIGNING_KEY_CREATED)
    assert [event.detail for event in created] == [
        {"via": "command", "kid": _kid(KeyState.ACTIVE), "alg": "ES256", "state": "active"},
        {"via": "command", "kid": _kid(KeyState.NEXT), "alg": "ES256", "state": "next"},
    ]
    assert all(event.actor is None and event.subject is None for event in created)
    call_command("signing_keys", "ensure", stdout=StringIO())  # nothing to make: no event
    assert len(_events(AuditAction.SIGNING_KEY_CREATED)) == 2


def test_keys_made_on_first_use_are_recorded_as_automatic():
    key_set.current()
    assert {event.detail["via"] for event in _events(AuditAction.SIGNING_KEY_CREATED)} == {
        "automatic"
    }


def test_rotate_records_the_rotation_and_the_new_next_key():
    key_set.current()
    active, upcoming = _kid(KeyState.ACTIVE), _kid(KeyState.NEXT)
    call_command("signing_keys", "rotate", "--force", stdout=StringIO())
    [rotated] = _events(AuditAction.SIGNING_KEY_ROTATED)
    published = _kid(KeyState.NEXT)
    retire_after = SigningKey.objects.get(kid=active).retire_after
    assert retire_after is not None and rotated.actor is None
    assert rotated.detail == {
        "via": "command",
        "kid": upcoming,
        "alg": "ES256",
        "retired": active,
        "retireAfter": retire_after.isoformat(),
        "published": published,
        "forced": True,
    }
    assert _events(AuditAction.SIGNING_KEY_CREATED)[-1].detail == {
        "via": "command",
        "kid": published,
        "alg": "ES256",
        "state": "next",
    }
    _no_private_material(list(AuditEvent.objects.all()))


def test_a_refused_rotation_records_nothing():
    key_set.current()
    before = AuditEvent.objects.count()
    with pytest.raises(services.RotationTooSoon):
        services.key_rotate()
    assert AuditEvent.objects.count() == before


def test_withdrawing_the_signing_key_records_the_withdrawal_and_its_replacement():
    key_set.current()
    active, upcoming = _kid(KeyState.ACTIVE), _kid(KeyState.NEXT)
    call_command("signing_keys", "withdraw", active, stdout=StringIO())
    [withdrawn] = _events(AuditAction.SIGNING_KEY_WITHDRAWN)
    assert withdrawn.actor is None
    assert withdrawn.detail == {
        "via": "command",
        "kid": active,
        "alg": "ES256",
        "previousState": "active",
    }
    # The next key signs from then on, and a new next key is made: both recorded.
    [promoted] = _events(AuditAction.SIGNING_KEY_ROTATED)
    assert promoted.detail == {
        "via": "command",
        "kid": upcoming,
        "alg": "ES256",
        "retired": None,
        "reason": "no active key",
    }
    assert _events(AuditAction.SIGNING_KEY_CREATED)[-1].detail["kid"] == _kid(KeyState.NEXT)
    _no_private_material(list(AuditEvent.objects.all()))


def test_purge_records_each_deleted_key():
    key_set.current()
    now = timezone.now()
    first = services.key_rotate(now=now, force=True).retired
    second = services.key_rotate(now=now, force=True).retired
    SigningKey.objects.filter(kid__in=[first, second]).update(
        retire_after=now - timedelta(seconds=1)
    )
    call_command("signing_keys", "purge", stdout=StringIO())
    purged = _events(AuditAction.SIGNING_KEY_PURGED)
    assert first is not None and second is not None
    assert sorted(event.detail["kid"] for event in purged) == sorted([first, second])
    assert all(event.detail["via"] == "command" and event.actor is None for event in purged)
    call_command("signing_keys", "purge", stdout=StringIO())  # nothing left: no event
    assert len(_events(AuditAction.SIGNING_KEY_PURGED)) == 2


@pytest.mark.django_db(transaction=True)
def test_the_event_is_written_in_the_same_transaction_as_the_change():
    key_set.current()
    active = _kid(KeyState.ACTIVE)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.key_withdraw(kid=active)
        assert _events(AuditAction.SIGNING_KEY_WITHDRAWN)
        raise Abort
    assert _kid(KeyState.ACTIVE) == active
    assert not _events(AuditAction.SIGNING_KEY_WITHDRAWN)
    assert not _events(AuditAction.SIGNING_KEY_ROTATED)
    key_set.key_sets.invalidate()
