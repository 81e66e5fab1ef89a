"""Introspection, revocation and the revocation feed as services, without HTTP."""

import uuid
from datetime import timedelta
from typing import Any

import base58
import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from accounts.services import user_delete
from audit.models import AuditAction, AuditEvent
from signin import oauth
from signin.models import DeletedSignIn, SignIn
from signin.services import SignInResult, proof_from_timestamp, wallet_sign_in
from signin.tokens import AccessToken
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _signed_in(wallet: Wallet | None = None) -> SignInResult:
    wallet = wallet or Wallet()
    now = timezone.now()
    body = wallet.login_body()
    proof = proof_from_timestamp(
        address=wallet.address,
        public_key=bytes(wallet.key.verify_key),
        signature=base58.b58decode(body["signature"]),
        timestamp_ms=body["timestamp"],
        now=now,
    )
    return wallet_sign_in(proof=proof, ip_address="203.0.113.7", user_agent="test")


def test_live_access_token_is_active_with_its_claims():
    result = _signed_in()
    answer = oauth.token_introspect(raw_token=result.tokens.access)
    token = AccessToken(result.tokens.access)  # type: ignore[arg-type]
    assert answer == {
        "active": True,
        "sub": str(result.user.pk),
        "sid": str(result.sign_in.pk),
        "wallet": result.sign_in.wallet,
        "exp": token["exp"],
        "iat": token["iat"],
        "client_id": settings.JWT_CLIENT_ID,
        "token_type": "access_token",
    }


def test_current_refresh_token_is_active_a_spent_one_not():
    result = _signed_in()
    answer = oauth.token_introspect(raw_token=result.tokens.refresh)
    assert answer["active"] is True and answer["token_type"] == "refresh_token"
    SignIn.objects.filter(pk=result.sign_in.pk).update(refresh_jti="f" * 32)
    assert oauth.token_introspect(raw_token=result.tokens.refresh) == {"active": False}


def test_token_client_id_claim_is_reported(settings):
    settings.JWT_CLIENT_ID = "trading-web"
    result = _signed_in()
    assert oauth.token_introspect(raw_token=result.tokens.access)["client_id"] == "trading-web"


@pytest.mark.parametrize(
    "raw",
    ["", "garbage", "a.b.c", "ü" * 50, "\ud800", "eyJhbGciOiJub25lIn0.e30.", "." * 3000],
)
def test_garbage_is_inactive(raw):
    assert oauth.token_introspect(raw_token=raw) == {"active": False}


def test_revoked_expired_foreign_and_banned_are_inactive():
    revoked, expired, foreign, banned = (_signed_in() for _ in range(4))
    SignIn.objects.filter(pk=revoked.sign_in.pk).update(revoked_at=timezone.now())
    assert oauth.token_introspect(raw_token=revoked.tokens.access) == {"active": False}
    token = AccessToken(expired.tokens.access)  # type: ignore[arg-type]
    token.set_exp(from_time=timezone.now() - timedelta(hours=1), lifetime=timedelta(seconds=1))
    assert oauth.token_introspect(raw_token=str(token)) == {"active": False}
    claims = jwt.decode(foreign.tokens.access, options={"verify_signature": False})
    forged = jwt.encode(claims, "another-service-key-long-enough-12345", algorithm="HS256")
    assert oauth.token_introspect(raw_token=forged) == {"active": False}
    User.objects.filter(pk=banned.user.pk).update(is_banned=True)
    assert oauth.token_introspect(raw_token=banned.tokens.access) == {"active": False}
    assert oauth.token_introspect(raw_token=banned.tokens.refresh) == {"active": False}


def test_session_past_its_end_is_inactive():
    result = _signed_in()
    SignIn.objects.filter(pk=result.sign_in.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert oauth.token_introspect(raw_token=result.tokens.access) == {"active": False}


def test_holder_revokes_its_own_token_and_it_is_audited():
    result = _signed_in()
    assert oauth.token_revoke(
        raw_token=result.tokens.refresh,
        holder=result.user,
        client_id=None,
        ip_address=None,
        user_agent="",
    )
    row = SignIn.objects.get(pk=result.sign_in.pk)
    assert row.revoked_at is not None and row.revoked_reason == oauth.REVOKED_BY_TOKEN
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert event.detail["signInId"] == str(result.sign_in.pk)
    assert event.actor_id == result.user.pk
    assert oauth.token_introspect(raw_token=result.tokens.access) == {"active": False}


def test_holder_cannot_revoke_another_accounts_token():
    mine, theirs = _signed_in(), _signed_in()
    assert not oauth.token_revoke(
        raw_token=theirs.tokens.access,
        holder=mine.user,
        client_id=None,
        ip_address=None,
        user_agent="",
    )
    assert SignIn.objects.get(pk=theirs.sign_in.pk).revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).exists()


def test_client_revokes_any_token_garbage_changes_nothing():
    result = _signed_in()
    args: dict[str, Any] = {
        "holder": None,
        "client_id": "svc_x",
        "ip_address": None,
        "user_agent": "",
    }
    assert not oauth.token_revoke(raw_token="garbage", **args)
    assert SignIn.objects.filter(revoked_at__isnull=False).count() == 0
    assert oauth.token_revoke(raw_token=result.tokens.access, **args)
    assert SignIn.objects.get(pk=result.sign_in.pk).revoked_at is not None
    assert not oauth.token_revoke(raw_token=result.tokens.access, **args)  # already revoked


# --- The feed --------------------------------------------------------------------------------
SETTLE = timedelta(seconds=settings.REVOCATION_FEED_SETTLE_SECONDS)


def _revoke(result: SignInResult, at) -> None:
    SignIn.objects.filter(pk=result.sign_in.pk).update(revoked_at=at, revoked_reason="logout")


def _sids(page: oauth.RevocationsPage) -> list[str]:
    return [str(row.sign_in_id) for row in page.revocations]


def test_feed_without_cursor_starts_one_access_token_lifetime_back():
    now = timezone.now()
    old, recent = _signed_in(), _signed_in()
    _revoke(old, now - settings.ACCESS_TOKEN_LIFETIME - timedelta(seconds=1))
    _revoke(recent, now - settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=1))
    page = oauth.revocations_page(cursor=None, now=now)
    assert _sids(page) == [str(recent.sign_in.pk)]
    assert page.revocations[0].user_id == recent.user.pk


def test_feed_pages_in_order_without_repeats_or_misses():
    now = timezone.now()
    results = [_signed_in() for _ in range(5)]
    same_moment = now - timedelta(minutes=1)
    for result in results:  # one moment for all: the id orders them
        _revoke(result, same_moment)
    expected = sorted(str(r.sign_in.pk) for r in results)
    first = oauth.revocations_page(cursor=None, now=now, limit=2)
    second = oauth.revocations_page(cursor=first.cursor, now=now, limit=2)
    third = oauth.revocations_page(cursor=second.cursor, now=now, limit=2)
    assert first.has_more and second.has_more and not third.has_more
    assert _sids(first) + _sids(second) + _sids(third) == expected
    assert oauth.revocations_page(cursor=third.cursor, now=now).revocations == []


def test_revocations_between_polls_are_seen_once():
    now = timezone.now()
    a, b, c = _signed_in(), _signed_in(), _signed_in()
    _revoke(a, now - SETTLE - timedelta(seconds=10))
    first = oauth.revocations_page(cursor=None, now=now)
    assert _sids(first) == [str(a.sign_in.pk)]
    # Stamped just before the first poll but committed after it: not yet settled then.
    _revoke(b, now - timedelta(seconds=1))
    _revoke(c, now + timedelta(seconds=2))
    later = now + SETTLE + timedelta(seconds=5)
    second = oauth.revocations_page(cursor=first.cursor, now=later)
    assert _sids(second) == [str(b.sign_in.pk), str(c.sign_in.pk)]  # by revoked_at
    third = oauth.revocations_page(cursor=second.cursor, now=later + SETTLE)
    assert third.revocations == []


def test_unsettled_revocation_waits_for_the_settle_time():
    now = timezone.now()
    result = _signed_in()
    _revoke(result, now - SETTLE + timedelta(seconds=1))
    assert oauth.revocations_page(cursor=None, now=now).revocations == []
    assert len(oauth.revocations_page(cursor=None, now=now + SETTLE).revocations) == 1


@pytest.mark.parametrize(
    "cursor", ["", "x", "!!!", "bm9wZQ", "MjAyNi0wMS0wMXxub3QtYS11dWlk", "MjAyNnx4"]
)
def test_bad_cursor_is_refused(cursor):
    with pytest.raises(oauth.InvalidCursor):
        oauth.revocations_page(cursor=cursor)


def test_naive_time_cursor_is_refused():
    cursor = oauth.cursor_encode(oauth.Position(timezone.now().replace(tzinfo=None), uuid.uuid4()))
    with pytest.raises(oauth.InvalidCursor):
        oauth.revocations_page(cursor=cursor)


def test_deleted_accounts_live_sessions_stay_in_the_feed():
    live = _signed_in()
    user_delete(user=live.user)
    assert not SignIn.objects.filter(pk=live.sign_in.pk).exists()
    kept = DeletedSignIn.objects.get(pk=live.sign_in.pk)
    assert kept.user_id == live.user.pk
    page = oauth.revocations_page(cursor=None, now=timezone.now() + SETTLE)
    assert [(str(r.sign_in_id), r.reason) for r in page.revocations] == [
        (str(live.sign_in.pk), "deletion")
    ]


def test_purge_removes_deleted_accounts_sign_ins_once_ended():
    from backoffice.housekeeping import records_purge

    live = _signed_in()
    user_delete(user=live.user)
    assert records_purge().sign_ins == 0
    assert DeletedSignIn.objects.count() == 1
    later = timezone.now() + settings.SESSION_LIFETIME + timedelta(seconds=1)
    assert records_purge(now=later, dry_run=True).sign_ins == 1
    records_purge(now=later)
    assert DeletedSignIn.objects.count() == 0
