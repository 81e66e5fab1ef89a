"""Every existing account with an address gets that address as its primary wallet.

One ``INSERT ... SELECT`` (no rows through Python: a million accounts take seconds), with
the table and column names of the models as they are at this migration. Going back needs
nothing: the previous migration's reversal drops the wallet table.
"""

from django.db import migrations


def primary_wallets_from_addresses(apps, schema_editor):
    user_model = apps.get_model("accounts", "User")
    wallet_model = apps.get_model("accounts", "Wallet")
    quote = schema_editor.connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    sql = (
        f"INSERT INTO {quote(wallet_model._meta.db_table)} "  # noqa: S608
        f"({column(wallet_model, 'address')}, {column(wallet_model, 'user')}, "
        f"{column(wallet_model, 'is_primary')}, {column(wallet_model, 'linked_at')}) "
        f"SELECT u.{column(user_model, 'address')}, u.{column(user_model, 'id')}, %s, "
        f"u.{column(user_model, 'created_at')} FROM {quote(user_model._meta.db_table)} u "
        f"WHERE u.{column(user_model, 'address')} IS NOT NULL "
        f"AND u.{column(user_model, 'address')} <> ''"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, [True])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_wallet")]

    operations = [
        migrations.RunPython(primary_wallets_from_addresses, migrations.RunPython.noop),
    ]
