"""The benchmark's data (bench/prepare.py): every account it makes has its primary wallet,
so that the large database holds as many wallets as accounts and returning sign-ins find
their account through the wallet table."""

import json

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts.models import User, Wallet
from bench import prepare
from signin import flows
from signin.statements import user_signed_in_now


@pytest.mark.django_db(transaction=True)
def test_seed_gives_every_seeded_account_its_primary_wallet_in_bulk():
    if connection.vendor != "postgresql":
        pytest.skip("seeding uses PostgreSQL's generate_series (CI's PostgreSQL pass runs this)")
    prepare.seed(users=20, revoked=5)
    prepare.seed(users=30, revoked=5)  # tops up: the new accounts get theirs, none twice
    seeded = User.objects.filter(address__startswith=prepare.SEED_PREFIX)
    assert seeded.count() == 30
    assert Wallet.objects.filter(user__in=seeded, is_primary=True).count() == 30
    assert Wallet.objects.count() == 30
    assert not Wallet.objects.exclude(address=F("user__address")).exists()
    assert not Wallet.objects.exclude(linked_at=F("user__created_at")).exists()
    one = seeded.first()
    assert one is not None and one.address is not None
    stamped = user_signed_in_now(address=one.address, now=timezone.now())
    assert stamped is not None and stamped.pk == one.pk


@pytest.mark.django_db
def test_returning_login_bodies_sign_in_to_the_accounts_made_for_them(tmp_path):
    out = tmp_path / "bodies.jsonl"
    prepare.login_bodies(count=4, wallets=2, first=False, out=out)
    assert Wallet.objects.filter(is_primary=True).count() == User.objects.count() == 2
    for line in out.read_text().splitlines():
        result = flows.login(body=json.loads(line), ip_address=None, user_agent="bench")
        assert not result.created
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_token_owners_have_their_primary_wallet(tmp_path):
    prepare.access_tokens(count=2, out=tmp_path / "tokens.txt")
    prepare.refresh_bodies(count=2, out=tmp_path / "bodies.jsonl")
    assert Wallet.objects.filter(is_primary=True).count() == User.objects.count() == 2


@pytest.mark.django_db
def test_the_webhook_endpoint_wants_every_event_so_a_sign_in_wakes_the_worker(tmp_path):
    from events.models import EventType
    from webhooks.subscriptions import subscriptions

    prepare.webhook_endpoint()
    subscriptions.invalidate()
    try:
        assert subscriptions.wanted([EventType.SESSION_CREATED])
    finally:
        subscriptions.invalidate()  # the next test reads its own endpoints
