"""The sign-in, refresh and revoke flows, exercised without HTTP."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.models import Wallet as WalletRow
from signin import services, solana, statements
from signin.exceptions import (
    AccountBanned,
    SignatureReplayed,
    SignInFailed,
    TokenRejected,
    TooManyNewAccounts,
)
from signin.models import SignIn, UsedSignInProof
from signin.services import user_create_for_wallet
from signin.siws import parse_siws_message
from tests.jwts import MALFORMED_CLAIMS, resigned
from tests.proofs import timestamp_proof
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _proof(wallet: Wallet, now, timestamp_ms: int | None = None):
    return timestamp_proof(wallet, now, timestamp_ms)


def _sign_in(proof, now=None):
    return services.wallet_sign_in(proof=proof, ip_address="203.0.113.9", user_agent="t", now=now)


def test_first_sign_in_creates_account_and_sign_in():
    wallet, now = Wallet(), timezone.now()
    result = _sign_in(_proof(wallet, now), now)
    assert result.created
    assert result.user.address == wallet.address
    assert result.user.username is None
    assert result.user.last_login == now
    assert not result.user.has_usable_password()
    sign_in = SignIn.objects.get(pk=result.sign_in.pk)
    assert sign_in.ip_address == "203.0.113.9"
    assert sign_in.refresh_jti
    assert result.tokens.expires_in == 900


def test_first_sign_in_that_loses_the_race_for_the_account_signs_into_the_winners(
    monkeypatch,
):
    """The other first sign-in of the wallet created the account between the stamp (which
    found none) and the insert: the insert fails, and the winner's account is stamped."""
    wallet, now = Wallet(), timezone.now()
    winner = user_create_for_wallet(address=wallet.address)
    stamp, calls = statements.user_signed_in_now, []

    def stamp_too_early_the_first_time(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else stamp(**kwargs)

    monkeypatch.setattr(services, "user_signed_in_now", stamp_too_early_the_first_time)
    result = _sign_in(_proof(wallet, now), now)
    assert not result.created
    assert result.user.pk == winner.pk
    assert User.objects.get(pk=winner.pk).last_login == now
    assert User.objects.count() == 1
    assert SignIn.objects.filter(user=winner).count() == 1
    assert len(calls) == 2


def test_second_sign_in_reuses_account():
    wallet, now = Wallet(), timezone.now()
    first = _sign_in(_proof(wallet, now))
    second = _sign_in(_proof(wallet, now, int(now.timestamp() * 1000) + 1))
    assert not second.created
    assert second.user.pk == first.user.pk
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "skew", [timedelta(minutes=5, seconds=1), -timedelta(minutes=5, seconds=1)]
)
def test_timestamp_outside_window_is_refused(skew):
    wallet, now = Wallet(), timezone.now()
    with pytest.raises(SignInFailed, match="window"):
        _proof(wallet, now, int((now + skew).timestamp() * 1000))


def test_timestamp_at_window_edge_is_accepted():
    wallet, now = Wallet(), timezone.now()
    proof = _proof(wallet, now, int((now - timedelta(minutes=4, seconds=59)).timestamp() * 1000))
    assert _sign_in(proof).created


def test_wrong_signature_is_refused_and_consumes_nothing():
    wallet, now = Wallet(), timezone.now()
    proof = _proof(wallet, now)
    forged = services.SignInProof(**{**proof.__dict__, "signature": Wallet().sign(proof.message)})
    with pytest.raises(SignInFailed):
        _sign_in(forged)
    assert not UsedSignInProof.objects.exists()
    assert not User.objects.exists()


def test_replayed_proof_is_refused():
    wallet, now = Wallet(), timezone.now()
    proof = _proof(wallet, now)
    _sign_in(proof)
    with pytest.raises(SignatureReplayed):
        _sign_in(proof)
    assert SignIn.objects.count() == 1


def _statements(captured) -> list[str]:
    """The statements a block ran, savepoints left out."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if "SAVEPOINT" not in query["sql"].upper()
    ]


@pytest.mark.parametrize("with_wallet", ["primary", "linked"])
def test_a_returning_sign_in_costs_one_statement_for_the_account(with_wallet):
    """Whichever of its wallets signs in, the account is found, read and stamped by one
    ``UPDATE ... RETURNING``: no round trip of its own for the wallet table."""
    primary, linked, now = Wallet(), Wallet(), timezone.now()
    user = _sign_in(_proof(primary, now), now).user
    WalletRow.objects.create(address=linked.address, user=user)
    keypair = primary if with_wallet == "primary" else linked
    with CaptureQueriesContext(connection) as captured:
        result = _sign_in(_proof(keypair, now, int(now.timestamp() * 1000) + 1), now)
    assert result.user.pk == user.pk and not result.created
    statements_run = _statements(captured)
    account_statements = [sql for sql in statements_run if User._meta.db_table in sql]
    assert len(account_statements) == 1
    assert account_statements[0].startswith("UPDATE")
    assert WalletRow._meta.db_table in account_statements[0]
    assert [sql for sql in statements_run if WalletRow._meta.db_table in sql] == account_statements
    # The used proof, the account, the sign-in, the event (outbox), the audit event.
    assert len(statements_run) == 5, statements_run


def test_banned_account_gets_no_tokens():
    wallet, now = Wallet(), timezone.now()
    user_create_for_wallet(address=wallet.address, is_banned=True)
    with pytest.raises(AccountBanned):
        _sign_in(_proof(wallet, now))
    assert not SignIn.objects.exists()


def _siws_proof(wallet, now, purpose=None, **kw):
    text = wallet.siws_message(issued_at=now, **kw)
    return services.proof_from_siws(
        message=parse_siws_message(text),
        text=text,
        signature=wallet.sign(text.encode()),
        now=now,
        purpose=purpose,
    )


def test_a_sign_in_refuses_a_siws_message_that_links_a_wallet():
    wallet, now = Wallet(), timezone.now()
    statement = f"Link this wallet to account {uuid.uuid4()}"
    with pytest.raises(SignInFailed, match="links a wallet"):
        _siws_proof(wallet, now, statement=statement)


def test_a_link_proof_is_over_the_accounts_own_text_and_statement(settings):
    """Form A signs ``Link wallet to <site> account <id>: <timestamp>``; form B must carry
    ``Link this wallet to account <id>`` exactly; neither is a sign-in's."""
    settings.SIGN_IN_SITE = "launch.example"
    wallet, now, account = Wallet(), timezone.now(), uuid.uuid4()
    purpose = services.link_purpose(account)
    timestamp_ms = int(now.timestamp() * 1000)
    signature = solana.decode_signature(wallet.link_body(account, timestamp_ms)["signature"])

    def form_a(purpose):
        return services.proof_from_timestamp(
            address=wallet.address,
            public_key=solana.decode_public_key(wallet.address),
            signature=signature,
            timestamp_ms=timestamp_ms,
            now=now,
            purpose=purpose,
        )

    linking = form_a(purpose)
    assert (
        linking.message
        == f"Link wallet to launch.example account {account}: {timestamp_ms}".encode()
    )
    services.proof_verify(linking)
    for other in (None, services.link_purpose(uuid.uuid4())):
        with pytest.raises(SignInFailed, match="Invalid signature"):
            services.proof_verify(form_a(other))
    proof = _siws_proof(wallet, now, purpose, statement=f"Link this wallet to account {account}")
    services.proof_verify(proof)
    for statement in (f"Link this wallet to account {uuid.uuid4()}", "Sign in to pump.fun", None):
        with pytest.raises(SignInFailed, match="statement must be"):
            _siws_proof(wallet, now, purpose, statement=statement)


def test_siws_sign_in():
    wallet, now = Wallet(), timezone.now()
    result = _sign_in(_siws_proof(wallet, now))
    assert result.user.address == wallet.address


def test_siws_nonce_is_single_use():
    wallet, now = Wallet(), timezone.now()
    _sign_in(_siws_proof(wallet, now, nonce="nonce12345"))
    # A different message (and so signature) with the same nonce is still a replay.
    with pytest.raises(SignatureReplayed):
        _sign_in(_siws_proof(wallet, now, nonce="nonce12345", statement="again"))


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"domain": "evil.example"}, "domain"),
        ({"extra": {"Chain ID": "devnet"}}, "chain"),
        ({"extra": {"Expiration Time": "2020-01-01T00:00:00Z"}}, "expired"),
        ({"extra": {"Not Before": "2999-01-01T00:00:00Z"}}, "not valid yet"),
    ],
)
def test_siws_message_checks(kw, error):
    with pytest.raises(SignInFailed, match=error):
        _siws_proof(Wallet(), timezone.now(), **kw)


@pytest.mark.parametrize(
    "uri",
    ["javascript:alert(1)", "https://evil.example", "http://pump.fun", "https://u@pump.fun", None],
)
def test_siws_uri_off_the_domain_fails_and_writes_nothing(uri):
    wallet, now = Wallet(), timezone.now()
    text = wallet.siws_message(issued_at=now, extra={"URI": uri or ""})
    if uri is None:
        text = text.replace("URI: \n", "")
    message = parse_siws_message(text)
    assert message.uri == uri
    with pytest.raises(SignInFailed, match="URI must be an https URL on the message's domain"):
        services.proof_from_siws(
            message=message, text=text, signature=wallet.sign(text.encode()), now=now
        )
    assert not UsedSignInProof.objects.exists()


def test_siws_stale_issued_at():
    wallet, now = Wallet(), timezone.now()
    text = wallet.siws_message(issued_at=now - timedelta(minutes=6))
    with pytest.raises(SignInFailed, match="Issued At"):
        services.proof_from_siws(
            message=parse_siws_message(text), text=text, signature=b"x" * 64, now=now
        )


def test_refresh_rotates_and_detects_reuse():
    wallet, now = Wallet(), timezone.now()
    result = _sign_in(_proof(wallet, now))
    rotated = services.token_refresh(raw_refresh_token=result.tokens.refresh)
    assert rotated.refresh != result.tokens.refresh
    again = services.token_refresh(raw_refresh_token=rotated.refresh)
    # The first refresh token was spent: presenting it revokes the whole family.
    with pytest.raises(TokenRejected, match="already been used"):
        services.token_refresh(raw_refresh_token=result.tokens.refresh)
    assert SignIn.objects.get().revoked_reason == "refresh_reuse"
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=again.refresh)


def test_refresh_token_naming_another_account_than_its_sign_in_is_refused():
    """Only the signing key could make one; refused like any other bad token."""
    from rest_framework_simplejwt.tokens import RefreshToken

    now = timezone.now()
    victim = _sign_in(_proof(Wallet(), now))
    other = _sign_in(_proof(Wallet(), now))
    forged = RefreshToken(victim.tokens.refresh)
    forged["sub"] = str(other.user.pk)
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=str(forged))
    assert not SignIn.objects.get(pk=victim.sign_in.pk).is_revoked


def test_access_token_is_not_a_refresh_token():
    result = _sign_in(_proof(Wallet(), timezone.now()))
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=result.tokens.access)


def test_revoke_scopes():
    wallet, now = Wallet(), timezone.now()
    base = int(now.timestamp() * 1000)
    results = [_sign_in(_proof(wallet, now, base + i)) for i in range(3)]
    user, current = results[0].user, results[0].sign_in.pk
    assert (
        services.sign_ins_revoke(
            user=user, current_sign_in_id=current, scope="others", reason="logout"
        )
        == 2
    )
    assert SignIn.objects.get(pk=current).revoked_at is None
    assert (
        services.sign_ins_revoke(
            user=user, current_sign_in_id=current, scope="current", reason="logout"
        )
        == 1
    )
    assert not SignIn.objects.filter(revoked_at__isnull=True).exists()


def test_new_accounts_per_address_are_capped_but_returning_wallets_are_not(settings):
    cache.clear()
    settings.NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR = 1
    now = timezone.now()
    first = Wallet()
    _sign_in(_proof(first, now))
    stranger = Wallet()
    with pytest.raises(TooManyNewAccounts) as refused:
        _sign_in(_proof(stranger, now))
    assert refused.value.status == 429
    assert 1 <= refused.value.retry_after <= 3600
    assert not User.objects.filter(address=stranger.address).exists()
    assert UsedSignInProof.objects.count() == 1  # the refused proof was not consumed
    _sign_in(_proof(first, now, int(now.timestamp() * 1000) + 1))  # returning: fine
    proof = _proof(stranger, now)
    other = services.wallet_sign_in(proof=proof, ip_address="198.51.100.1", user_agent="t")
    assert other.created


@pytest.mark.parametrize("changes", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS)
def test_refresh_token_with_a_malformed_claim_is_rejected_and_changes_nothing(changes):
    result = _sign_in(_proof(Wallet(), timezone.now()))
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=resigned(result.tokens.refresh, changes))
    assert SignIn.objects.get(pk=result.sign_in.pk).refresh_jti == result.sign_in.refresh_jti
