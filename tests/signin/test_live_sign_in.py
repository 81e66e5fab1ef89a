"""The live-sign-in read behind every sign-in cache miss (signin/authentication.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from signin.authentication import user_of_live_sign_in
from signin.models import SignIn
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def test_the_account_of_a_live_sign_in_and_none_once_revoked_or_ended():
    now = timezone.now()
    user = User.objects.create(address=Wallet().address)
    sign_in = SignIn.objects.create(user=user, refresh_jti="j", expires_at=now + timedelta(1))
    live = user_of_live_sign_in(sign_in_id=sign_in.pk, user_id=sign_in.user_id, now=now)
    assert live is not None
    assert live == User.objects.get(pk=sign_in.user_id)
    # Another account's id with this sign-in: none.
    other = User.objects.create(address=Wallet().address)
    assert user_of_live_sign_in(sign_in_id=sign_in.pk, user_id=other.pk, now=now) is None
    # At its end: none.
    ended = now + timedelta(1)
    assert user_of_live_sign_in(sign_in_id=sign_in.pk, user_id=user.pk, now=ended) is None
    sign_in.revoked_at = timezone.now()
    sign_in.save()
    assert user_of_live_sign_in(sign_in_id=sign_in.pk, user_id=user.pk, now=now) is None
