"""Sessions without HTTP: what a sign-in records, the live-session list
(``signin.selectors.sessions_live``) and revoking one (``signin.services.session_revoke``)."""

import itertools
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from signin import selectors, services, sign_in_cache
from signin.exceptions import SessionNotFound, TokenRejected
from signin.models import SignIn
from tests.proofs import timestamp_proof
from tests.signin.test_devices import CHROME_MAC, FIREFOX_WINDOWS
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


# A proof signs its millisecond: two sign-ins of one wallet in the same millisecond would
# sign the same message, and the second is a replay. Each default time is a new millisecond.
_MILLISECONDS = itertools.count()


def _sign_in(wallet: Wallet, now=None, *, user_agent=CHROME_MAC, country="DE", ip="203.0.113.7"):
    now = now or timezone.now() + timedelta(milliseconds=next(_MILLISECONDS))
    return services.wallet_sign_in(
        proof=timestamp_proof(wallet, now),
        ip_address=ip,
        user_agent=user_agent,
        country=country,
        now=now,
    )


def _database():
    """Every sign-in row, field by field, and the audit trail's length."""
    rows = {row.pk: model_to_dict(row) for row in SignIn.objects.all()}
    return rows, AuditEvent.objects.count()


def _revoke(result, session_id, *, current=None, now=None):
    return services.session_revoke(
        user=result.user,
        session_id=session_id,
        current_sign_in_id=current,
        ip_address="198.51.100.1",
        user_agent="revoker",
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
    new columns) and the audit event, as before them; and the webhooks outbox's event
    (issue 17: one statement more, tests/events/test_query_count.py)."""
    wallet = Wallet()
    _sign_in(wallet, timezone.now() - timedelta(seconds=5))
    with CaptureQueriesContext(connection) as queries:
        result = _sign_in(wallet)
    statements = _statements(queries.captured_queries)
    assert len(statements) == 5, statements
    table = connection.ops.quote_name(SignIn._meta.db_table)
    inserts = [sql for sql in statements if sql.startswith(f"INSERT INTO {table}")]
    assert len(inserts) == 1
    columns = inserts[0].split("VALUES")[0]
    assert '"wallet"' in columns and '"country"' in columns
    assert not result.created


# --- The live-session list ----------------------------------------------------------------------
def test_sessions_are_listed_newest_first_with_the_current_one_marked():
    wallet, start = Wallet(), timezone.now() - timedelta(minutes=10)
    first = _sign_in(wallet, start, user_agent=FIREFOX_WINDOWS, country=None, ip=None)
    second = _sign_in(wallet, start + timedelta(minutes=1))
    sessions = selectors.sessions_live(user=first.user, current_sign_in_id=first.sign_in.id)
    assert [s.id for s in sessions] == [second.sign_in.id, first.sign_in.id]
    assert [s.current for s in sessions] == [False, True]
    newest, oldest = sessions
    assert newest.wallet == wallet.address
    assert newest.country == "DE" and newest.ip_address == "203.0.113.7"
    assert newest.device == "Chrome on macOS"
    assert newest.created_at == newest.last_used_at == start + timedelta(minutes=1)
    assert newest.expires_at == newest.created_at + timedelta(days=30)
    assert oldest.country is None and oldest.ip_address is None
    assert oldest.device == "Firefox on Windows"


def test_revoked_ended_and_other_accounts_sessions_are_not_listed():
    wallet, now = Wallet(), timezone.now()
    live = _sign_in(wallet, now)
    revoked = _sign_in(wallet, now - timedelta(seconds=1))
    ended = _sign_in(wallet, now - timedelta(seconds=2))
    _sign_in(Wallet(), now)  # another account's
    SignIn.objects.filter(pk=revoked.sign_in.pk).update(revoked_at=now)
    SignIn.objects.filter(pk=ended.sign_in.pk).update(expires_at=now)
    sessions = selectors.sessions_live(user=live.user, current_sign_in_id=None, now=now)
    assert [s.id for s in sessions] == [live.sign_in.id]
    assert not sessions[0].current


def test_refresh_moves_last_used_at():
    wallet, start = Wallet(), timezone.now() - timedelta(minutes=5)
    result = _sign_in(wallet, start)
    later = start + timedelta(minutes=2)
    services.token_refresh(raw_refresh_token=result.tokens.refresh, now=later)
    (session,) = selectors.sessions_live(user=result.user, current_sign_in_id=None)
    assert session.created_at == start
    assert session.last_used_at == later


def test_listing_reads_the_account_sessions_in_one_query(django_assert_num_queries):
    wallet = Wallet()
    result = _sign_in(wallet)
    for _ in range(3):
        _sign_in(wallet)
    with django_assert_num_queries(1):
        assert len(selectors.sessions_live(user=result.user, current_sign_in_id=None)) == 4


# --- Revoking one session -----------------------------------------------------------------------
def test_revoking_another_session_revokes_it_alone_and_audits_it():
    wallet = Wallet()
    current, other = _sign_in(wallet), _sign_in(wallet)
    was_current = _revoke(current, other.sign_in.id, current=current.sign_in.id)
    assert was_current is False
    revoked = SignIn.objects.get(pk=other.sign_in.pk)
    assert revoked.revoked_at is not None and revoked.revoked_reason == "user"
    assert SignIn.objects.get(pk=current.sign_in.pk).revoked_at is None
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.actor_id == event.subject_id == current.user.pk
    assert event.ip_address == "198.51.100.1" and event.user_agent == "revoker"
    assert event.detail == {
        "scope": "one",
        "signInId": str(other.sign_in.id),
        "revoked": 1,
        "via": "api",
    }
    # Its refresh token is refused; the other session's still rotates.
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=other.tokens.refresh)
    services.token_refresh(raw_refresh_token=current.tokens.refresh)


def test_revoking_the_current_session_is_a_logout():
    wallet = Wallet()
    current, other = _sign_in(wallet), _sign_in(wallet)
    assert _revoke(current, str(current.sign_in.id), current=current.sign_in.id) is True
    assert SignIn.objects.get(pk=current.sign_in.pk).revoked_reason == "logout"
    assert SignIn.objects.get(pk=other.sign_in.pk).revoked_at is None
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.detail == {
        "scope": "current",
        "signInId": str(current.sign_in.id),
        "revoked": 1,
        "via": "api",
    }


def test_revoking_tells_the_sign_in_cache(monkeypatch):
    changed: list[uuid.UUID] = []
    monkeypatch.setattr(sign_in_cache, "account_changed", changed.append)
    wallet = Wallet()
    current, other = _sign_in(wallet), _sign_in(wallet)
    changed.clear()  # a returning sign-in tells it too (the last_login stamp)
    _revoke(current, other.sign_in.id, current=current.sign_in.id)
    assert changed == [current.user.pk]


@pytest.mark.parametrize(
    "which",
    ["unknown", "other account's", "revoked", "ended", "not a uuid", "empty", "uuid-ish"],
)
def test_not_one_of_the_callers_live_sessions_is_not_found_and_changes_nothing(which):
    wallet, now = Wallet(), timezone.now()
    caller = _sign_in(wallet, now)
    target = _sign_in(wallet, now - timedelta(seconds=1))
    foreign = _sign_in(Wallet(), now)
    if which == "revoked":
        SignIn.objects.filter(pk=target.sign_in.pk).update(revoked_at=now, revoked_reason="x")
    if which == "ended":
        SignIn.objects.filter(pk=target.sign_in.pk).update(expires_at=now)
    session_id = {
        "unknown": str(uuid.uuid4()),
        "other account's": str(foreign.sign_in.id),
        "revoked": str(target.sign_in.id),
        "ended": str(target.sign_in.id),
        "not a uuid": "not-a-uuid",
        "empty": "",
        "uuid-ish": str(target.sign_in.id) + "0",
    }[which]
    before = _database()
    with pytest.raises(SessionNotFound) as refused:
        _revoke(caller, session_id, current=caller.sign_in.id, now=now)
    assert refused.value.message == "Session not found"
    assert refused.value.status == 404
    assert _database() == before
