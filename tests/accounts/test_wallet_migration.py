"""The wallet table's migrations (accounts 0009, 0010) on a database
made before them: every account with an address gets exactly one wallet, its primary, and
signs in with it as before; going back and forth again keeps working."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User, Wallet
from signin import services
from tests.proofs import timestamp_proof
from tests.wallets import Wallet as Keypair

# The last migration before the wallet table.
BEFORE = [("accounts", "0008_move_content_types")]


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest when None); the apps of the state reached."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_account_with_an_address_gets_exactly_one_primary_wallet():
    old_apps = _migrate(BEFORE)
    try:
        assert Wallet._meta.db_table not in connection.introspection.table_names()
        old_user = old_apps.get_model("accounts", "User")
        keypairs = [Keypair() for _ in range(3)]
        created = timezone.now() - timedelta(days=3)
        accounts = [
            old_user.objects.create(address=keypair.address, created_at=created, username=name)
            for keypair, name in zip(keypairs, ["alice", None, None], strict=True)
        ]
        staff = old_user.objects.create(username="staff_member", address=None)
    finally:
        _migrate()

    wallets = {wallet.user_id: wallet for wallet in Wallet.objects.all()}
    assert Wallet.objects.count() == len(accounts) == len(wallets)
    for keypair, account in zip(keypairs, accounts, strict=True):
        wallet = wallets[account.pk]
        assert (wallet.address, wallet.is_primary) == (keypair.address, True)
        assert wallet.linked_at == created
    assert staff.pk not in wallets
    # Each signs in to its own account, as before the migration.
    now = timezone.now()
    for keypair, account in zip(keypairs, accounts, strict=True):
        result = services.wallet_sign_in(
            proof=timestamp_proof(keypair, now), ip_address=None, user_agent="", now=now
        )
        assert (result.created, result.user.pk) == (False, account.pk)
    assert User.objects.count() == len(accounts) + 1


@pytest.mark.django_db(transaction=True)
def test_the_wallet_table_migrations_go_back_and_forth():
    _migrate()
    services.user_create_for_wallet(address=Keypair().address)
    _migrate(BEFORE)
    try:
        assert Wallet._meta.db_table not in connection.introspection.table_names()
        assert User.objects.count() == 1
    finally:
        _migrate()
    assert Wallet.objects.get().user == User.objects.get()
