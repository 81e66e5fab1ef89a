"""The migration that gives sign-ins their wallet and country: existing sign-ins get their
account's wallet (each was made by the account's one wallet) and no country."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from signin.models import SignIn
from tests.wallets import Wallet

BEFORE = [("signin", "0001_initial")]
AFTER = [("signin", "0002_sign_in_wallet_country")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_sign_ins_get_their_accounts_wallet_and_no_country():
    old_apps = _migrate(BEFORE)
    OldUser = old_apps.get_model("accounts", "User")
    OldSignIn = old_apps.get_model("signin", "SignIn")
    alice, bob = Wallet().address, Wallet().address
    alice_rows = [
        OldSignIn.objects.create(user=OldUser.objects.create(address=alice), refresh_jti="a")
    ]
    alice_rows.append(OldSignIn.objects.create(user=alice_rows[0].user, refresh_jti="b"))
    bob_row = OldSignIn.objects.create(
        user=OldUser.objects.create(address=bob), refresh_jti="c", ip_address="203.0.113.7"
    )
    # A staff account (createsuperuser) has no wallet; a sign-in row of it keeps none.
    staff_row = OldSignIn.objects.create(
        user=OldUser.objects.create(username="staff", address=None), refresh_jti="d"
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    wallets = dict(SignIn.objects.values_list("pk", "wallet"))
    assert wallets == {
        alice_rows[0].pk: alice,
        alice_rows[1].pk: alice,
        bob_row.pk: bob,
        staff_row.pk: "",
    }
    assert set(SignIn.objects.values_list("country", flat=True)) == {""}
    assert SignIn.objects.get(pk=bob_row.pk).ip_address == "203.0.113.7"


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses():
    _migrate(BEFORE)
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), SignIn._meta.db_table
        )
    }
    assert "wallet" not in columns and "country" not in columns
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
