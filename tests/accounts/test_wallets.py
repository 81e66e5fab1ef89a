"""An account's wallets (accounts/wallets.py), exercised without HTTP: linking by proof, the
primary wallet, unlinking; sign-in, bans, deletion and public profiles across wallets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts import selectors, services, wallets
from accounts.exceptions import (
    UserNotFound,
    WalletNotFound,
    WalletProofInvalid,
    WalletTaken,
    WalletUnlinkRefused,
)
from accounts.models import User, Wallet
from audit.models import AuditAction, AuditEvent
from backoffice import moderation
from signin import services as signin_services
from signin import statements
from signin.exceptions import AccountBanned, SignInFailed
from signin.flows import login
from signin.models import SignIn
from tests.db_state import db_state
from tests.proofs import timestamp_proof
from tests.wallets import Wallet as Keypair

pytestmark = pytest.mark.django_db


def _sign_in(keypair: Keypair, now=None) -> signin_services.SignInResult:
    now = now or timezone.now()
    return signin_services.wallet_sign_in(
        proof=timestamp_proof(keypair, now), ip_address="203.0.113.9", user_agent="t", now=now
    )


def _link(user: User, keypair: Keypair, body: dict | None = None, now=None) -> Wallet:
    return wallets.wallet_link_from_body(
        user=user,
        body=body if body is not None else keypair.link_body(user.pk),
        ip_address="203.0.113.9",
        user_agent="t",
        now=now,
    )


@pytest.fixture
def account() -> tuple[User, Keypair]:
    """An account made by a first sign-in, and its (primary) wallet's keypair."""
    keypair = Keypair()
    return _sign_in(keypair).user, keypair


# --- Linking ------------------------------------------------------------------------------


def test_a_first_sign_in_makes_the_wallet_the_accounts_primary(account):
    user, keypair = account
    (wallet,) = Wallet.objects.filter(user=user)
    assert (wallet.address, wallet.is_primary) == (keypair.address, True)
    assert wallet.linked_at == user.created_at
    assert wallet.caip10 == f"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{keypair.address}"


@pytest.mark.parametrize("form", ["A", "B"])
def test_link_adds_a_wallet_that_is_not_the_primary(account, form):
    user, primary = account
    other = Keypair()
    body = other.link_body(user.pk) if form == "A" else other.link_siws_body(user.pk)
    now = timezone.now()
    wallet = _link(user, other, body, now=now)
    assert (wallet.address, wallet.user_id, wallet.is_primary) == (other.address, user.pk, False)
    assert wallet.linked_at == now
    assert User.objects.get(pk=user.pk).address == primary.address
    event = AuditEvent.objects.get(action=AuditAction.WALLET_LINKED)
    assert (event.actor_id, event.subject_id) == (user.pk, user.pk)
    assert event.detail == {"address": other.address}
    assert event.ip_address == "203.0.113.9"


def test_signing_in_with_a_linked_wallet_signs_in_to_the_account(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    result = _sign_in(linked)
    assert not result.created
    assert result.user.pk == user.pk
    assert result.user.address == primary.address  # the account's address is the primary's
    assert User.objects.count() == 1


def test_a_linked_wallet_cannot_sign_in_with_a_link_proof_nor_link_with_a_sign_in_proof(account):
    user, _primary = account
    other = Keypair()
    # A sign-in's text is not a link's ...
    with pytest.raises(WalletProofInvalid, match="Invalid signature"):
        _link(user, other, other.login_body())
    # ... and a link's SIWS statement signs nobody in.
    with pytest.raises(SignInFailed, match="links a wallet"):
        login(body=other.link_siws_body(user.pk), ip_address=None, user_agent="")
    assert not Wallet.objects.filter(address=other.address).exists()


def _refused(call, error, match: str | None = None) -> None:
    """``call`` raises ``error`` and the database is as it was."""
    before = db_state()
    with pytest.raises(error, match=match):
        call()
    assert db_state() == before


def test_a_proof_for_another_account_links_nothing(account):
    user, _primary = account
    stranger = _sign_in(Keypair()).user
    other = Keypair()
    for body in (other.link_body(stranger.pk), other.link_siws_body(stranger.pk)):
        _refused(lambda body=body: _link(user, other, body), WalletProofInvalid)


def test_a_replayed_link_proof_links_nothing(account):
    user, _primary = account
    other = Keypair()
    body = other.link_body(user.pk)
    _link(user, other, body)
    Wallet.objects.filter(address=other.address).delete()
    _refused(lambda: _link(user, other, body), WalletProofInvalid, "already been used")


def test_a_link_proof_is_single_use_in_the_sign_in_proofs_store(account):
    """A nonce used by a sign-in cannot link, as it could not sign in again."""
    user, _primary = account
    other = Keypair()
    assert login(body=other.siws_body(nonce="sharednonce1"), ip_address=None, user_agent="")
    body = other.link_siws_body(user.pk, nonce="sharednonce1")
    _refused(lambda: _link(user, other, body), WalletProofInvalid, "already been used")


def test_a_stale_or_forged_link_proof_links_nothing(account):
    user, _primary = account
    other = Keypair()
    stale = other.link_body(
        user.pk, int((timezone.now() - timedelta(minutes=6)).timestamp() * 1000)
    )
    _refused(lambda: _link(user, other, stale), WalletProofInvalid, "outside the allowed window")
    forged = other.link_body(user.pk) | {"address": Keypair().address}
    _refused(lambda: _link(user, other, forged), WalletProofInvalid, "Invalid signature")


def test_a_malformed_link_body_is_a_validation_error(account):
    user, _primary = account
    _refused(lambda: _link(user, Keypair(), {"address": "x", "signature": "y"}), ValidationError)


def test_linking_a_wallet_of_any_account_is_refused_without_saying_whose(account):
    user, primary = account
    taken = Keypair()
    _sign_in(taken)  # another account's primary
    messages = []
    for keypair in (primary, taken):
        before = db_state()
        with pytest.raises(WalletTaken) as refused:
            _link(user, keypair)
        assert db_state() == before
        messages.append(refused.value.message)
    assert messages == ["Wallet is already linked to an account"] * 2


def test_a_wallet_linked_between_the_stamp_and_the_insert_signs_in_to_its_account(
    account, monkeypatch
):
    """The race of a first sign-in with a link of the same wallet: the wallet table decides,
    and the sign-in goes to the account the wallet was linked to."""
    user, _primary = account
    linked = Keypair()
    stamp, calls = statements.user_signed_in_now, []

    def link_meanwhile(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            _link(user, linked)
            return None
        return stamp(**kwargs)

    monkeypatch.setattr(signin_services, "user_signed_in_now", link_meanwhile)
    result = _sign_in(linked)
    assert (result.created, result.user.pk) == (False, user.pk)
    assert User.objects.count() == 1


# --- The primary wallet ---------------------------------------------------------------------


def test_a_new_primary_is_the_accounts_address(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    result = wallets.wallet_primary_set(user=user, address=linked.address, ip_address="203.0.113.9")
    stored = User.objects.get(pk=user.pk)
    assert result.address == stored.address == linked.address
    assert dict(Wallet.objects.filter(user=user).values_list("address", "is_primary")) == {
        primary.address: False,
        linked.address: True,
    }
    event = AuditEvent.objects.get(action=AuditAction.WALLET_PRIMARY_CHANGED)
    assert event.detail == {"address": linked.address, "previousAddress": primary.address}
    # Both still sign in to the account.
    assert _sign_in(primary).user.pk == _sign_in(linked).user.pk == user.pk


def test_making_the_primary_primary_again_changes_nothing(account):
    user, primary = account
    before = db_state()
    assert wallets.wallet_primary_set(user=user, address=primary.address).pk == user.pk
    assert db_state() == before


@pytest.mark.parametrize("whose", ["another account's", "unknown", "not an address", "too long"])
def test_only_the_accounts_own_wallet_can_become_primary(account, whose):
    user, _primary = account
    address = {
        "another account's": str(_sign_in(Keypair()).user.address),
        "unknown": Keypair().address,
        "not an address": "not-an-address",
        "too long": "1" * 500,
    }[whose]
    _refused(
        lambda: wallets.wallet_primary_set(user=user, address=address),
        WalletNotFound,
        "Wallet not found",
    )


# --- Unlinking ------------------------------------------------------------------------------


def test_unlinking_removes_the_wallet_and_revokes_only_its_sessions(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    with_linked = _sign_in(linked).sign_in
    with_primary = _sign_in(primary).sign_in
    revoked = wallets.wallet_unlink(user=user, address=linked.address, ip_address="203.0.113.9")
    assert revoked == 1
    assert list(Wallet.objects.filter(user=user).values_list("address", flat=True)) == [
        primary.address
    ]
    assert SignIn.objects.get(pk=with_linked.pk).revoked_reason == wallets.UNLINKED_REASON
    assert SignIn.objects.get(pk=with_primary.pk).revoked_at is None
    event = AuditEvent.objects.get(action=AuditAction.WALLET_UNLINKED)
    assert (event.actor_id, event.detail) == (user.pk, {"address": linked.address, "revoked": 1})
    # The wallet is free again: it signs in to a new, empty account.
    again = _sign_in(linked)
    assert again.created and again.user.pk != user.pk


def test_the_primary_and_the_only_wallet_stay_linked(account):
    user, primary = account
    _refused(
        lambda: wallets.wallet_unlink(user=user, address=primary.address),
        WalletUnlinkRefused,
        "only wallet",
    )
    _link(user, Keypair())
    _refused(
        lambda: wallets.wallet_unlink(user=user, address=primary.address),
        WalletUnlinkRefused,
        "primary wallet cannot be unlinked",
    )


@pytest.mark.parametrize("whose", ["another account's", "unknown", "not an address"])
def test_only_the_accounts_own_wallet_can_be_unlinked(account, whose):
    user, _primary = account
    _link(user, Keypair())
    stranger = _sign_in(Keypair()).user
    stranger_linked = Keypair()
    _link(stranger, stranger_linked)
    address = {
        "another account's": stranger_linked.address,
        "unknown": Keypair().address,
        "not an address": "0OIl",
    }[whose]
    _refused(lambda: wallets.wallet_unlink(user=user, address=address), WalletNotFound, "not found")


def test_the_list_shows_the_primary_first_and_when_each_wallet_last_signed_in(account):
    user, primary = account
    linked, never = Keypair(), Keypair()
    _link(user, linked)
    _link(user, never)
    signed_in_at = timezone.now() + timedelta(seconds=5)
    _sign_in(linked, now=signed_in_at)
    listed = selectors.wallets_list(user=user)
    assert [(w.address, w.is_primary) for w in listed] == [
        (primary.address, True),
        (linked.address, False),
        (never.address, False),
    ]
    first_sign_in = SignIn.objects.filter(user=user).earliest("created_at")
    # The selector's annotation, which the model's type does not know.
    last_sign_ins = [wallet.last_sign_in_at for wallet in listed]  # type: ignore[attr-defined]
    assert last_sign_ins == [first_sign_in.created_at, signed_in_at, None]


# --- Bans, deletion, public profiles across wallets -------------------------------------------


def test_a_banned_account_signs_in_with_none_of_its_wallets(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    moderation.user_ban(actor=None, user=user)
    for keypair in (primary, linked):
        with pytest.raises(AccountBanned):
            _sign_in(keypair)
    assert User.objects.count() == 1


def test_deleting_an_account_frees_every_wallet(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    services.user_delete(user=user)
    assert not Wallet.objects.exists()
    for keypair in (primary, linked):
        fresh = _sign_in(keypair)
        assert fresh.created and fresh.user.pk != user.pk and fresh.user.username is None


def test_deleting_an_account_scrubs_failed_sign_ins_naming_any_of_its_wallets(account):
    user, _primary = account
    linked = Keypair()
    _link(user, linked)
    signin_services.sign_in_failure_record(
        address=linked.address, reason="bad", ip_address="203.0.113.9", user_agent="t"
    )
    services.user_delete(user=user)
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert "address" not in failed.detail and failed.ip_address is None


def test_a_public_profile_is_found_by_any_wallet(account):
    user, primary = account
    linked = Keypair()
    _link(user, linked)
    for identifier in (str(user.pk), primary.address, linked.address):
        assert selectors.user_get_public(identifier=identifier).pk == user.pk
    wallets.wallet_unlink(user=user, address=linked.address)
    with pytest.raises(UserNotFound):
        selectors.user_get_public(identifier=linked.address)
