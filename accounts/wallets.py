"""An account's wallets: linking one by its proof, choosing the primary, unlinking.

Each function is a plain, keyword-only, typed function that can be tested without HTTP.
Every change locks the account's row first (changes of one account's wallets go one at a
time), tells the sign-in cache (a cached account row carries ``address``, the primary's),
and records its audit event, all in one transaction. The proof of a wallet to link is the
sign-in's own (``signin.flows``, ``signin.services``): the same body shapes, checks and
replay store, over a text that names the account.
"""

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.exceptions import (
    WalletNotFound,
    WalletProofInvalid,
    WalletTaken,
    WalletUnlinkRefused,
)
from accounts.models import User, Wallet
from accounts.services import user_lock, user_updated_record
from audit.models import AuditAction
from audit.services import audit_record
from events.models import EventType, SessionRevokedReason
from events.services import event_record
from signin import flows, sign_in_cache
from signin.exceptions import SignInFailed
from signin.models import SignIn
from signin.services import (
    SignInProof,
    link_purpose,
    proof_consume,
    proof_verify,
    sessions_revoke,
)

# Longer than any base58 Solana address: not one of anybody's wallets.
_MAX_ADDRESS_LENGTH = 64
UNLINKED_REASON = "wallet_unlinked"


@contextlib.contextmanager
def _proof_refusal_is_bad_input() -> Iterator[None]:
    """A refused link proof is the caller's bad input (400), with the sign-in's reason."""
    try:
        yield
    except SignInFailed as exc:
        raise WalletProofInvalid(exc.message) from None


def wallet_link_from_body(
    *,
    user: User,
    body: Any,
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> Wallet:
    """``POST /auth/wallets``: link the wallet that signed ``body`` to ``user``'s account.

    The body has either shape of ``POST /auth/login`` (DRF's ``ValidationError``, 400, when
    malformed); form A signs ``Link wallet to <site> account <account id>: <timestamp>``,
    form B's statement is ``Link this wallet to account <account id>``.

    Guarantees: the signature is the wallet's over this account's link text, fresh, else
    ``WalletProofInvalid`` (a proof made for another account links nothing); the proof is
    accepted once, in the sign-in proofs' replay store (a replay is ``WalletProofInvalid``);
    a wallet belongs to one account at most, decided by the database, so a wallet of any
    account (this one included) is ``WalletTaken``. A refusal writes nothing: the proof
    stays unspent. The wallet is linked as one that is not the primary.
    """
    data = flows.proof_input(body)
    now = now or timezone.now()
    with _proof_refusal_is_bad_input():
        proof = flows.proof_from_input(data, now=now, purpose=link_purpose(user.pk))
    return _wallet_link(
        user=user, proof=proof, ip_address=ip_address, user_agent=user_agent, now=now
    )


def _wallet_link(
    *, user: User, proof: SignInProof, ip_address: str | None, user_agent: str, now: datetime
) -> Wallet:
    """Link the wallet of a proof made for this account's link (``link_purpose``)."""
    with _proof_refusal_is_bad_input():
        proof_verify(proof)
    with transaction.atomic():
        with _proof_refusal_is_bad_input():
            proof_consume(proof)
        locked = user_lock(user)
        try:
            wallet = Wallet.objects.create(
                address=proof.address, user=locked, is_primary=False, linked_at=now
            )
        except IntegrityError:
            raise WalletTaken() from None
        sign_in_cache.account_changed(locked.pk)
        event_record(type=EventType.WALLET_LINKED, subject=locked, facts={"wallet": wallet.address})
        audit_record(
            action=AuditAction.WALLET_LINKED,
            actor=locked,
            subject=locked,
            ip_address=ip_address,
            user_agent=user_agent,
            detail={"address": wallet.address},
        )
    return wallet


def _own_wallet(user: User, address: str) -> Wallet:
    """The account's wallet ``address``; ``WalletNotFound`` for any other text, well-formed
    or not, so that a caller learns nothing of other accounts' wallets."""
    wallet = None
    if len(address) <= _MAX_ADDRESS_LENGTH:
        wallet = Wallet.objects.filter(user=user, address=address).first()
    if wallet is None:
        raise WalletNotFound()
    return wallet


def wallet_primary_set(
    *, user: User, address: str, ip_address: str | None = None, user_agent: str = ""
) -> User:
    """Make the account's wallet ``address`` its primary one: from then on the account's
    ``address``. Returns the account. ``WalletNotFound`` unless the wallet is the
    account's; already the primary: nothing changes."""
    with transaction.atomic():
        locked = user_lock(user)
        wallet = _own_wallet(locked, address)
        if wallet.is_primary:
            return locked
        previous = locked.address
        # One primary per account (the partial unique index): the old one stops first.
        Wallet.objects.filter(user=locked, is_primary=True).update(is_primary=False)
        Wallet.objects.filter(pk=wallet.pk).update(is_primary=True)
        locked.address = wallet.address
        locked.save(update_fields=["address", "updated_at"])
        sign_in_cache.account_changed(locked.pk)
        user_updated_record(user=locked, fields=["address"], via="api")
        audit_record(
            action=AuditAction.WALLET_PRIMARY_CHANGED,
            actor=locked,
            subject=locked,
            ip_address=ip_address,
            user_agent=user_agent,
            detail={"address": wallet.address, "previousAddress": previous},
        )
    return locked


def wallet_remove(
    *,
    user: User,
    address: str,
    event_reason: str = SessionRevokedReason.LOGOUT,
    now: datetime | None = None,
) -> int:
    """Unlink the wallet ``address`` from the account, whose row the caller has locked in its
    transaction, and revoke the sign-ins made with that wallet; returns how many. Records
    ``wallet.unlinked`` and each sign-in's ``session.revoked`` (``event_reason``: the
    account's own unlinking logs those sessions out; staff's is "staff").

    ``WalletNotFound`` unless the wallet is the account's; ``WalletUnlinkRefused`` for the
    primary wallet and for an account's only wallet. Audited by the caller (the account's
    own request, or staff).
    """
    wallet = _own_wallet(user, address)
    if not Wallet.objects.filter(user=user).exclude(pk=wallet.pk).exists():
        raise WalletUnlinkRefused("An account's only wallet cannot be unlinked")
    if wallet.is_primary:
        raise WalletUnlinkRefused()
    wallet.delete()
    sign_in_cache.account_changed(user.pk)
    event_record(type=EventType.WALLET_UNLINKED, subject=user, facts={"wallet": address})
    return sessions_revoke(
        user=user,
        sign_ins=SignIn.objects.filter(wallet=address),
        reason=UNLINKED_REASON,
        event_reason=event_reason,
        now=now or timezone.now(),
    )


def wallet_unlink(
    *, user: User, address: str, ip_address: str | None = None, user_agent: str = ""
) -> int:
    """``DELETE /auth/wallets/{address}``: the account unlinks one of its own wallets, as
    ``wallet_remove`` says; returns the sign-ins revoked."""
    with transaction.atomic():
        locked = user_lock(user)
        revoked = wallet_remove(user=locked, address=address)
        audit_record(
            action=AuditAction.WALLET_UNLINKED,
            actor=locked,
            subject=locked,
            ip_address=ip_address,
            user_agent=user_agent,
            detail={"address": address, "revoked": revoked},
        )
    return revoked
