"""accounts/statements.py: the hand-written statements agree with the ORM on both backends."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.models import Wallet as WalletRow
from signin.models import SignIn, UsedSignInProof
from signin.services import user_create_for_wallet
from signin.statements import (
    refresh_rotated,
    used_proofs_insert,
    user_signed_in_now,
)
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _orm_values(user: User) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_signed_in_now_stamps_and_returns_the_account_as_the_orm_reads_it():
    address = Wallet().address
    user = user_create_for_wallet(address=address, email="a@example.com", bio="hi")
    now = timezone.now()
    stamped = user_signed_in_now(address=address, now=now)
    fresh = User.objects.get(pk=user.pk)
    assert stamped is not None
    assert fresh.last_login == now and fresh.updated_at == now
    assert _orm_values(stamped) == _orm_values(fresh)
    assert not stamped._state.adding


def test_signed_in_now_finds_the_account_by_any_of_its_wallets():
    user = user_create_for_wallet(address=Wallet().address)
    linked = WalletRow.objects.create(address=Wallet().address, user=user)
    other = user_create_for_wallet(address=Wallet().address)
    now = timezone.now()
    stamped = user_signed_in_now(address=linked.address, now=now)
    assert stamped is not None
    assert (stamped.pk, stamped.address, stamped.last_login) == (user.pk, user.address, now)
    assert User.objects.get(pk=other.pk).last_login is None  # only that account is stamped


def test_signed_in_now_of_an_unknown_wallet_is_none():
    assert user_signed_in_now(address="nobody", now=timezone.now()) is None


def test_used_proofs_are_stored_as_the_orm_stores_them_and_refused_twice():
    expires_at = timezone.now() + timedelta(minutes=5)
    used_proofs_insert(keys=("sig:a", "nonce:b"), expires_at=expires_at)
    stored = UsedSignInProof.objects.order_by("key")
    assert [(p.key, p.expires_at) for p in stored] == [
        ("nonce:b", expires_at),
        ("sig:a", expires_at),
    ]
    # Compared in the database as the purge compares them.
    assert UsedSignInProof.objects.filter(expires_at__lt=expires_at).count() == 0
    assert UsedSignInProof.objects.filter(expires_at__lte=expires_at).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        used_proofs_insert(keys=("sig:c", "sig:a"), expires_at=expires_at)
    assert not UsedSignInProof.objects.filter(key="sig:c").exists()


@pytest.mark.parametrize(
    "case", ["current", "spent", "revoked", "banned", "other sign-in", "ended"]
)
def test_refresh_rotated_only_the_live_current_token_of_an_unbanned_account(case):
    user = user_create_for_wallet(address=Wallet().address, is_banned=case == "banned")
    other = user_create_for_wallet(address=Wallet().address)
    SignIn.objects.create(user=other, refresh_jti="other")
    revoked_at = timezone.now() if case == "revoked" else None
    now = timezone.now() + timedelta(seconds=5)
    expires_at = now if case == "ended" else now + timedelta(days=1)
    sign_in = SignIn.objects.create(
        user=user, refresh_jti="old", revoked_at=revoked_at, expires_at=expires_at
    )
    rotated_for = refresh_rotated(
        sign_in_id=SignIn.objects.get(user=other).pk if case == "other sign-in" else sign_in.pk,
        presented_jti="older" if case == "spent" else "old",
        new_jti="new",
        now=now,
    )
    stored = SignIn.objects.get(pk=sign_in.pk)
    assert rotated_for == ((user.pk, expires_at) if case == "current" else None)
    if rotated_for:
        assert (stored.refresh_jti, stored.last_used_at) == ("new", now)
    else:
        assert (stored.refresh_jti, stored.last_used_at) == ("old", sign_in.last_used_at)
