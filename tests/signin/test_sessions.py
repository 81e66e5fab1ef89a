"""Sessions without HTTP: what a sign-in records."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signin import services
from signin.models import SignIn
from tests.proofs import timestamp_proof
from tests.signin.test_devices import CHROME_MAC
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _sign_in(wallet: Wallet, now=None, *, user_agent=CHROME_MAC, country="DE", ip="203.0.113.7"):
    now = now or timezone.now()
    return services.wallet_sign_in(
        proof=timestamp_proof(wallet, now),
        ip_address=ip,
        user_agent=user_agent,
        country=country,
        now=now,
    )


# --- What a sign-in records -------------------------------------------------------------------
def test_a_sign_in_records_wallet_address_country_and_agent():
    wallet = Wallet()
    result = _sign_in(wallet)
    row = SignIn.objects.get(pk=result.sign_in.pk)
    assert row.wallet == wallet.address
    assert row.ip_address == "203.0.113.7"
    assert row.country == "DE"
    assert row.user_agent == CHROME_MAC


def test_an_unknown_country_is_recorded_empty():
    result = _sign_in(Wallet(), country=None)
    assert SignIn.objects.get(pk=result.sign_in.pk).country == ""


def _statements(queries) -> list[str]:
    """The statements that did work, without the transaction's own (BEGIN, COMMIT,
    savepoints), which differ between the backends."""
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
    return [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(control)]


@pytest.mark.django_db(transaction=True)
def test_a_returning_sign_in_records_them_in_its_one_insert_and_no_more_statements():
    """The gate: the wallet and country cost no statement of their own. A returning
    sign-in is the used proof's INSERT, the account's stamp, the sign-in's INSERT (with the
    new columns) and the audit event, as before them."""
    wallet = Wallet()
    _sign_in(wallet, timezone.now() - timedelta(seconds=5))
    with CaptureQueriesContext(connection) as queries:
        result = _sign_in(wallet)
    statements = _statements(queries.captured_queries)
    assert len(statements) == 4, statements
    table = connection.ops.quote_name(SignIn._meta.db_table)
    inserts = [sql for sql in statements if sql.startswith(f"INSERT INTO {table}")]
    assert len(inserts) == 1
    columns = inserts[0].split("VALUES")[0]
    assert '"wallet"' in columns and '"country"' in columns
    assert not result.created
