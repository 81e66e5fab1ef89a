"""Every flow records its event of the contract (one test per type), and no event carries
a token, a signature or an email address."""

import json
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from accounts import services as account_services
from accounts import wallets
from accounts.models import Role
from accounts.models import Wallet as WalletRow
from backoffice import moderation
from events.models import Event, EventType, SessionRevokedReason
from permissions import jurisdictions
from signin import services as signin_services
from signin.exceptions import TokenRejected
from signin.oauth import token_revoke
from tests.events.flows import account, sign_in
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {"id", "address", "username", "bio", "profileImage", "createdAt"}


def _events(type_: str, user=None) -> list[Event]:
    found = Event.objects.filter(type=type_).order_by("id")
    if user is not None:
        found = found.filter(subject_uuid=user.pk)
    return list(found)


def _one(type_: str, user=None) -> Event:
    events = _events(type_, user)
    assert len(events) == 1, events
    return events[0]


def _revoked_reasons(user) -> list[str]:
    return [event.data["reason"] for event in _events(EventType.SESSION_REVOKED, user)]


def test_first_sign_in_records_user_created_and_session_created():
    result = sign_in()
    created = _one(EventType.USER_CREATED, result.user)
    session = _one(EventType.SESSION_CREATED, result.user)
    assert set(created.data) >= PROFILE_KEYS
    assert created.data["address"] == result.user.address
    assert session.data["sessionId"] == str(result.sign_in.id)
    assert session.data["wallet"] == result.user.address


def test_returning_sign_in_records_session_created_only():
    keypair = Wallet()
    user = sign_in(keypair).user
    sign_in(keypair)
    assert len(_events(EventType.SESSION_CREATED, user)) == 2
    assert len(_events(EventType.USER_CREATED, user)) == 1


def test_registration_records_user_registered():
    user = account()
    account_services.user_register(user=user, username="eventful", email="me@example.com")
    event = _one(EventType.USER_REGISTERED, user)
    assert event.data["username"] == "eventful"


def test_profile_update_records_user_updated_with_the_fields_not_their_values():
    user = account()
    account_services.profile_update(user=user, bio="gm", email="me@example.com")
    event = _one(EventType.USER_UPDATED, user)
    assert event.data["changedFields"] == ["bio", "email"]
    assert event.data["bio"] == "gm"
    assert event.data["via"] == "api"


def test_staff_edit_records_user_updated():
    user = account()
    user.bio = "edited"
    moderation.user_fields_save(user=user, fields=["bio"])
    assert _one(EventType.USER_UPDATED, user).data["via"] == "staff"


def test_deletion_records_user_deleted_and_its_sessions_revoked():
    result = sign_in()
    user = result.user
    user_id = user.pk
    account_services.user_delete(user=user)
    deleted = Event.objects.get(type=EventType.USER_DELETED, subject_uuid=user_id)
    assert deleted.data["id"] == str(user_id)
    revoked = Event.objects.get(type=EventType.SESSION_REVOKED, subject_uuid=user_id)
    assert revoked.data == {
        **revoked.data,
        "sessionId": str(result.sign_in.id),
        "reason": SessionRevokedReason.DELETION,
    }


def test_ban_records_user_banned_and_its_sessions_revoked_for_the_ban():
    user = account()
    moderation.user_ban(actor=None, user=user, reason="spam")
    _one(EventType.USER_BANNED, user)
    assert _revoked_reasons(user) == [SessionRevokedReason.BAN]


def test_unban_records_user_unbanned():
    user = account()
    moderation.user_ban(actor=None, user=user)
    moderation.user_unban(actor=None, user=user)
    _one(EventType.USER_UNBANNED, user)


def test_role_change_records_user_role_changed():
    user = account()
    moderation.user_role_set(actor=None, user=user, role=Role.ADMIN)
    event = _one(EventType.USER_ROLE_CHANGED, user)
    assert (event.data["from"], event.data["to"]) == (Role.USER, Role.ADMIN)


def test_logout_records_session_revoked_logout():
    result = sign_in()
    signin_services.sign_out(
        user=result.user,
        current_sign_in_id=result.sign_in.id,
        scope=signin_services.RevokeScope.CURRENT,
        ip_address=None,
        user_agent="",
    )
    event = _one(EventType.SESSION_REVOKED, result.user)
    assert event.data["sessionId"] == str(result.sign_in.id)
    assert event.data["reason"] == SessionRevokedReason.LOGOUT


def test_ending_another_session_records_session_revoked_logout():
    keypair = Wallet()
    first, second = sign_in(keypair), sign_in(keypair)
    signin_services.session_revoke(
        user=first.user,
        session_id=first.sign_in.id,
        current_sign_in_id=second.sign_in.id,
        ip_address=None,
        user_agent="",
    )
    assert _revoked_reasons(first.user) == [SessionRevokedReason.LOGOUT]


def test_refresh_token_reuse_records_session_revoked_reuse():
    result = sign_in()
    signin_services.token_refresh(raw_refresh_token=result.tokens.refresh)
    with pytest.raises(TokenRejected):
        signin_services.token_refresh(raw_refresh_token=result.tokens.refresh)
    assert _revoked_reasons(result.user) == [SessionRevokedReason.REUSE]


def test_staff_revocations_record_session_revoked_staff():
    keypair = Wallet()
    first, second = sign_in(keypair), sign_in(keypair)
    moderation.sign_in_revoke(actor=None, sign_in=first.sign_in)
    moderation.sign_ins_revoke_all(actor=None, user=first.user)
    events = _events(EventType.SESSION_REVOKED, first.user)
    assert [(e.data["sessionId"], e.data["reason"]) for e in events] == [
        (str(first.sign_in.id), SessionRevokedReason.STAFF),
        (str(second.sign_in.id), SessionRevokedReason.STAFF),
    ]


def test_oauth_revocation_by_the_holder_records_session_revoked_logout():
    result = sign_in()
    token_revoke(
        raw_token=result.tokens.refresh,
        holder=result.user,
        client_id=None,
        ip_address=None,
        user_agent="",
    )
    assert _revoked_reasons(result.user) == [SessionRevokedReason.LOGOUT]


def test_linking_a_wallet_records_wallet_linked():
    user, linked = account(), Wallet()
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    assert _one(EventType.WALLET_LINKED, user).data["wallet"] == linked.address


def test_changing_the_primary_wallet_records_user_updated():
    user, other = account(), Wallet()
    WalletRow.objects.create(address=other.address, user=user)
    wallets.wallet_primary_set(user=user, address=other.address)
    event = _one(EventType.USER_UPDATED, user)
    assert event.data["address"] == other.address
    assert event.data["changedFields"] == ["address"]


@pytest.mark.parametrize("by_staff", [False, True])
def test_unlinking_a_wallet_records_wallet_unlinked_and_its_sessions_revoked(by_staff):
    user, other = account(), Wallet()
    WalletRow.objects.create(address=other.address, user=user)
    session = sign_in(other)
    if by_staff:
        moderation.wallet_unlink(actor=None, wallet=WalletRow.objects.get(address=other.address))
    else:
        wallets.wallet_unlink(user=user, address=other.address)
    assert _one(EventType.WALLET_UNLINKED, user).data["wallet"] == other.address
    revoked = _one(EventType.SESSION_REVOKED, user)
    assert revoked.data["sessionId"] == str(session.sign_in.id)
    expected = SessionRevokedReason.STAFF if by_staff else SessionRevokedReason.LOGOUT
    assert revoked.data["reason"] == expected


def test_blocking_and_unblocking_a_country_record_their_events():
    jurisdictions.jurisdiction_block(actor=None, code="tv", reason="sanctions")
    blocked = _one(EventType.JURISDICTION_BLOCKED)
    assert blocked.subject_uuid is None
    assert blocked.data == {"code": "TV", "reason": "sanctions"}
    jurisdictions.jurisdiction_unblock(actor=None, code="TV")
    assert _one(EventType.JURISDICTION_UNBLOCKED).data == {"code": "TV"}


def test_a_country_code_change_is_unblocked_then_blocked():
    row, _ = jurisdictions.jurisdiction_block(actor=None, code="TV")
    row.code = "NR"
    jurisdictions.jurisdiction_save(actor=None, jurisdiction=row)
    assert [e.data["code"] for e in _events(EventType.JURISDICTION_UNBLOCKED)] == ["TV"]
    assert [e.data["code"] for e in _events(EventType.JURISDICTION_BLOCKED)] == ["TV", "NR"]


def test_every_type_of_the_contract_is_covered_here():
    """A new type added to EventType needs its flow and its test above."""
    source = Path(__file__).read_text()
    for type_ in EventType:
        assert f"EventType.{type_.name}" in source, type_


def test_no_event_carries_a_token_a_signature_or_an_email_address():
    """Every flow above in one account's life; then no event's data holds a secret."""
    keypair, linked = Wallet(), Wallet()
    email = f"{uuid.uuid4().hex}@example.com"
    first = sign_in(keypair)
    user = first.user
    account_services.user_register(user=user, username="secretive", email=email)
    account_services.profile_update(user=user, email=email, bio="x")
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    second = sign_in(linked)
    pair = signin_services.token_refresh(raw_refresh_token=second.tokens.refresh)
    with pytest.raises(TokenRejected):
        signin_services.token_refresh(raw_refresh_token=second.tokens.refresh)
    moderation.user_role_set(actor=None, user=user, role=Role.ADMIN)
    moderation.user_ban(actor=None, user=user)
    moderation.user_unban(actor=None, user=user)
    with transaction.atomic():
        account_services.user_delete(user=user)
    secrets = {
        email,
        first.tokens.access,
        first.tokens.refresh,
        second.tokens.access,
        second.tokens.refresh,
        pair.access,
        pair.refresh,
        keypair.login_body()["signature"],
    }
    everything = json.dumps([event.data for event in Event.objects.all()])
    assert Event.objects.count() >= 10
    for secret in secrets:
        assert secret not in everything
    assert "@" not in everything
    for event in Event.objects.all():
        assert not {"email", "token", "accessToken", "refreshToken", "signature"} & set(event.data)


def test_a_session_that_reaches_its_end_is_reported_once_as_expired():
    from datetime import timedelta

    from django.utils import timezone

    from signin.services import sessions_expired_record

    start = timezone.now()
    assert sessions_expired_record(now=start) == 0  # the first report starts the cursor
    ending, revoked = sign_in(now=start), sign_in(now=start)
    moderation.sign_in_revoke(actor=None, sign_in=revoked.sign_in)
    end = ending.sign_in.expires_at
    assert sessions_expired_record(now=end - timedelta(seconds=1)) == 0
    assert sessions_expired_record(now=end + timedelta(seconds=1)) == 1
    assert sessions_expired_record(now=end + timedelta(minutes=1)) == 0
    event = _one(EventType.SESSION_REVOKED, ending.user)
    assert event.data["sessionId"] == str(ending.sign_in.id)
    assert event.data["reason"] == SessionRevokedReason.EXPIRED
    assert _revoked_reasons(revoked.user) == [SessionRevokedReason.STAFF]
