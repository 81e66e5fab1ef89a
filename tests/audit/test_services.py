"""The audit trail: what each event records, append-only, and scrubbing on deletion."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts import exceptions, services
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record, audit_scrub_user
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

UA: dict[str, Any] = {"HTTP_USER_AGENT": "pytest-browser/1.0"}


def _login(wallet: Wallet, body: dict | None = None):
    return APIClient().post("/auth/login", body or wallet.login_body(), format="json", **UA)


def test_successful_sign_in_is_recorded():
    wallet = Wallet()
    assert _login(wallet).status_code == 201
    user = User.objects.get(address=wallet.address)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_SUCCEEDED)
    assert event.actor == user and event.subject == user
    assert event.actor_uuid == user.pk and event.subject_uuid == user.pk
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "pytest-browser/1.0"
    assert event.detail == {"signInId": str(user.sign_ins.get().pk), "newAccount": True}


def test_failed_sign_ins_are_recorded_with_reason_although_rolled_back():
    wallet = Wallet()
    body = wallet.login_body()
    body["signature"] = Wallet().login_body(body["timestamp"])["signature"]
    assert _login(wallet, body).status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.detail == {"reason": "Invalid signature", "address": wallet.address}
    assert event.subject is None and event.ip_address == "127.0.0.1"

    replayed = wallet.login_body()
    assert _login(wallet, replayed).status_code == 201
    assert _login(wallet, replayed).status_code == 401
    last = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).latest("created_at", "id")
    assert last.detail["reason"] == "Signature has already been used"
    assert last.subject == User.objects.get(address=wallet.address)

    stale = wallet.login_body(timestamp_ms=1_000)
    assert _login(wallet, stale).status_code == 401
    last = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).latest("created_at", "id")
    assert last.detail["reason"] == "Timestamp is outside the allowed window"


def test_banned_sign_in_is_recorded_as_failure():
    wallet = Wallet()
    user_create_for_wallet(address=wallet.address, is_banned=True)
    assert _login(wallet).status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.detail["reason"] == "Account is banned"
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_SUCCEEDED).exists()


def test_logout_is_recorded(auth_client, wallet):
    assert auth_client.post("/auth/logout?scope=global", **UA).status_code == 201
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == User.objects.get(address=wallet.address)
    assert event.detail == {"scope": "global", "revoked": 1}
    assert event.user_agent == "pytest-browser/1.0"


def test_refresh_reuse_is_recorded(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    client = APIClient()
    assert (
        client.post(
            "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
        ).status_code
        == 401
    )
    event = AuditEvent.objects.get(action=AuditAction.REFRESH_REUSED)
    assert event.subject == User.objects.get(address=wallet.address)
    assert event.detail["reason"] == "refresh_reuse"
    # A normal refresh is not an event worth an entry.
    assert AuditEvent.objects.filter(action__startswith="sign_in.refresh").count() == 1


def test_events_are_append_only(user):
    event = audit_record(action=AuditAction.ADMIN_ACTION, subject=user, detail={"x": 1})
    event.detail = {"x": 2}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(action="made.up")


def test_scrub_keeps_events_and_uuid_but_removes_personal_data():
    wallet = Wallet()
    bad = wallet.login_body()
    bad["signature"] = Wallet().login_body(bad["timestamp"])["signature"]
    _login(wallet, bad)  # failure before the account exists: only its address links it
    _login(wallet)
    user = User.objects.get(address=wallet.address)
    other = audit_record(
        action=AuditAction.ADMIN_ACTION, ip_address="10.0.0.9", user_agent="x", detail={"a": 1}
    )
    user_id = user.pk

    assert audit_scrub_user(user_id) == 2
    user.delete()

    # The first sign-in made the signing keys too (``signing_key.created``): not this account's.
    events = AuditEvent.objects.exclude(pk=other.pk).exclude(action__startswith="signing_key.")
    assert events.count() == 2
    for event in events:
        assert event.ip_address is None and event.user_agent == ""
        assert "address" not in event.detail
    success = events.get(action=AuditAction.SIGN_IN_SUCCEEDED)
    assert success.subject is None and success.subject_uuid == user_id
    assert events.get(action=AuditAction.SIGN_IN_FAILED).detail == {"reason": "Invalid signature"}
    other.refresh_from_db()
    assert other.ip_address == "10.0.0.9"  # someone else's event is untouched


def test_registration_is_recorded_with_client_address(auth_client, wallet):
    response = auth_client.post("/users/register", {"username": "alice"}, format="json", **UA)
    assert response.status_code == 201
    user = User.objects.get(address=wallet.address)
    event = AuditEvent.objects.get(action=AuditAction.USER_REGISTERED)
    assert event.actor == user and event.subject == user
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "pytest-browser/1.0"
    assert event.detail == {"username": "alice"}


def test_refused_registration_is_not_recorded(auth_client, wallet):
    user_create_for_wallet(address=Wallet().address, username="alice")
    response = auth_client.post("/users/register", {"username": "ALICE"}, format="json", **UA)
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action=AuditAction.USER_REGISTERED).exists()


def test_deletion_is_recorded_and_the_trail_kept_without_personal_data(auth_client, wallet):
    bad = wallet.login_body()
    bad["signature"] = Wallet().login_body(bad["timestamp"])["signature"]
    assert _login(wallet, bad).status_code == 401  # names the account only by its address
    assert (
        auth_client.post("/users/register", {"username": "alice"}, format="json", **UA)
    ).status_code == 201
    user = User.objects.get(address=wallet.address)
    user_id = user.pk
    assert auth_client.delete("/users", **UA).status_code == 200

    assert not User.objects.filter(pk=user_id).exists()
    deleted = AuditEvent.objects.get(action=AuditAction.USER_DELETED)
    assert deleted.actor_uuid == user_id and deleted.subject_uuid == user_id
    assert deleted.actor is None and deleted.subject is None
    events = AuditEvent.objects.filter(
        action__in=[
            AuditAction.SIGN_IN_SUCCEEDED,
            AuditAction.SIGN_IN_FAILED,
            AuditAction.USER_REGISTERED,
            AuditAction.USER_DELETED,
        ]
    )
    assert sorted(events.values_list("action", flat=True)) == sorted(
        [
            AuditAction.SIGN_IN_FAILED,
            AuditAction.SIGN_IN_SUCCEEDED,
            AuditAction.USER_REGISTERED,
            AuditAction.USER_DELETED,
        ]
    )
    for event in events:
        assert event.ip_address is None and event.user_agent == ""
        assert not {"address", "username", "email"} & set(event.detail)
        assert wallet.address not in str(event.detail)
    assert events.get(action=AuditAction.USER_REGISTERED).subject_uuid == user_id


def test_refused_deletion_writes_no_event_and_scrubs_nothing(super_admin):
    audit_record(
        action=AuditAction.ADMIN_ACTION, actor=super_admin, ip_address="10.0.0.1", user_agent="u"
    )
    with pytest.raises(exceptions.LastSuperAdmin):
        services.user_delete(user=super_admin)
    assert not AuditEvent.objects.filter(action=AuditAction.USER_DELETED).exists()
    assert AuditEvent.objects.get(action=AuditAction.ADMIN_ACTION).ip_address == "10.0.0.1"
