"""Wallet sign-in, token refresh and sign-out: the flows the account views call.

Each function is a plain, keyword-only, typed function that can be tested without HTTP.
The clock is injected (``now``) where time decides the outcome.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import solana
from accounts.exceptions import (
    AccountBanned,
    BackingServiceUnavailable,
    SignatureReplayed,
    SignInFailed,
    TokenRejected,
)
from accounts.models import SignIn, UsedSignInProof, User
from accounts.siws import SiwsMessage
from accounts.tokens import TokenPair, token_pair_issue, token_sign_in_id, token_user_id


@dataclass(frozen=True)
class SignInProof:
    """What a wallet signed, checked for freshness but not yet for its signature."""

    address: str
    public_key: bytes
    message: bytes
    signature: bytes
    # Keys that may each be accepted once, and until when they would be fresh.
    replay_keys: tuple[str, ...]
    fresh_until: datetime


@dataclass(frozen=True)
class SignInResult:
    user: User
    sign_in: SignIn
    tokens: TokenPair
    created: bool


class RevokeScope:
    CURRENT = "current"
    OTHERS = "others"
    GLOBAL = "global"
    ALL = (CURRENT, OTHERS, GLOBAL)


def _signature_key(signature: bytes) -> str:
    return "sig:" + hashlib.sha256(signature).hexdigest()


def pumpfun_message(timestamp_ms: int) -> bytes:
    return f"{settings.SIGN_IN_MESSAGE_PREFIX} {settings.SIGN_IN_SITE}: {timestamp_ms}".encode()


def proof_from_timestamp(
    *, address: str, public_key: bytes, signature: bytes, timestamp_ms: int, now: datetime
) -> SignInProof:
    """pump.fun's form: the wallet signed ``Sign in to <site>: <timestamp>``."""
    window = settings.SIGN_IN_WINDOW
    # Compared in milliseconds first: a far-off timestamp may not fit in a datetime.
    if abs(now.timestamp() * 1000 - timestamp_ms) > window.total_seconds() * 1000:
        raise SignInFailed("Timestamp is outside the allowed window")
    signed_at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return SignInProof(
        address=address,
        public_key=public_key,
        message=pumpfun_message(timestamp_ms),
        signature=signature,
        replay_keys=(_signature_key(signature),),
        fresh_until=signed_at + window,
    )


def proof_from_siws(
    *, message: SiwsMessage, text: str, signature: bytes, now: datetime
) -> SignInProof:
    """Sign In With Solana: check domain, chain, times; the nonce may be used once."""
    if message.domain not in settings.SIGN_IN_DOMAINS:
        raise SignInFailed("Message domain is not allowed")
    if message.chain_id is not None and message.chain_id not in settings.SIWS_CHAIN_IDS:
        raise SignInFailed("Message chain is not allowed")
    if message.version is not None and message.version != "1":
        raise SignInFailed("Message version is not supported")
    window = settings.SIGN_IN_WINDOW
    if abs(now - message.issued_at) > window:
        raise SignInFailed("Issued At is outside the allowed window")
    if message.expiration_time is not None and message.expiration_time <= now:
        raise SignInFailed("Message has expired")
    if message.not_before is not None and message.not_before > now:
        raise SignInFailed("Message is not valid yet")
    try:
        public_key = solana.decode_public_key(message.address)
    except solana.EncodingError:
        raise SignInFailed("Message address is not a Solana address") from None
    fresh_until = message.issued_at + window
    if message.expiration_time is not None:
        fresh_until = min(fresh_until, message.expiration_time)
    return SignInProof(
        address=message.address,
        public_key=public_key,
        message=text.encode(),
        signature=signature,
        replay_keys=(_signature_key(signature), f"nonce:{message.nonce}"),
        fresh_until=fresh_until,
    )


def _proof_consume(proof: SignInProof) -> None:
    """Record the proof's keys; a key recorded before means a replay (on any instance)."""
    try:
        with transaction.atomic():
            UsedSignInProof.objects.bulk_create(
                [
                    UsedSignInProof(key=key, expires_at=proof.fresh_until)
                    for key in proof.replay_keys
                ]
            )
    except IntegrityError:
        raise SignatureReplayed() from None


def _user_get_or_create(address: str) -> tuple[User, bool]:
    # get_or_create retries the read when a concurrent sign-in inserted the row first,
    # so two first sign-ins of one wallet end with one account.
    # Wallet accounts have no password: an unusable one keeps them out of the admin sign-in.
    return User.objects.get_or_create(address=address, defaults={"password": make_password(None)})


CACHE_PROBE_KEY = "sign-in:cache-probe"


def sign_in_cache_check() -> None:
    """Refuse sign-in (503) while the cache is down, unless the policy allows it.

    The cache holds the rate-limit counters; signing in without them would be unthrottled.
    ``SIGN_IN_WHEN_CACHE_DOWN=allow`` trades that for availability; replays stay refused
    either way, since used proofs are recorded in the database.
    """
    if settings.SIGN_IN_WHEN_CACHE_DOWN == "allow":
        return
    # Imported here: config.errors imports this app's exceptions.
    from config.errors import service_unavailable_part

    try:
        cache.get(CACHE_PROBE_KEY)
    except Exception as exc:
        part = service_unavailable_part(exc)
        if part is None:
            raise
        raise BackingServiceUnavailable(f"The {part} is unavailable") from exc


def wallet_sign_in(
    *,
    proof: SignInProof,
    ip_address: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> SignInResult:
    """Verify the signature, consume the proof, get or create the account, open a sign-in.

    Guarantees: a proof is accepted at most once across all processes; a banned account
    gets no tokens; the account, the sign-in row and the used proof are written together
    (one transaction: an interruption writes all or nothing); while the cache is down the
    ``SIGN_IN_WHEN_CACHE_DOWN`` policy applies.
    """
    now = now or timezone.now()
    sign_in_cache_check()
    if not solana.verify_message(proof.public_key, proof.message, proof.signature):
        raise SignInFailed()
    with transaction.atomic():
        _proof_consume(proof)
        user, created = _user_get_or_create(proof.address)
        if user.is_banned:
            raise AccountBanned()
        user.last_login = now
        user.save(update_fields=["last_login", "updated_at"])
        sign_in = SignIn(
            user=user,
            created_at=now,
            last_used_at=now,
            ip_address=ip_address,
            user_agent=user_agent[:255],
        )
        tokens = token_pair_issue(sign_in)
        sign_in.save(force_insert=True)
    return SignInResult(user=user, sign_in=sign_in, tokens=tokens, created=created)


def token_refresh(*, raw_refresh_token: str, now: datetime | None = None) -> TokenPair:
    """Rotate a refresh token: the presented one is spent, a new pair is issued.

    Presenting a refresh token that was already spent revokes its whole sign-in (reuse
    detection: the token was stolen, or the client is confused) and is refused.
    """
    now = now or timezone.now()
    try:
        refresh = RefreshToken(raw_refresh_token)
    except TokenError:
        raise TokenRejected() from None
    sign_in_id, user_id = token_sign_in_id(refresh), token_user_id(refresh)
    if sign_in_id is None or user_id is None:
        raise TokenRejected()
    reused = False
    with transaction.atomic():
        sign_in = (
            SignIn.objects.select_for_update()
            .select_related("user")
            .filter(pk=sign_in_id, user_id=user_id)
            .first()
        )
        if sign_in is None or sign_in.is_revoked or sign_in.user.is_banned:
            raise TokenRejected()
        if sign_in.refresh_jti != str(refresh["jti"]):
            sign_in.revoked_at = now
            sign_in.revoked_reason = "refresh_reuse"
            sign_in.save(update_fields=["revoked_at", "revoked_reason"])
            reused = True
        else:
            tokens = token_pair_issue(sign_in)
            sign_in.last_used_at = now
            sign_in.save(update_fields=["refresh_jti", "last_used_at"])
    if reused:
        raise TokenRejected("Refresh token has already been used; the sign-in is revoked")
    return tokens


def sign_ins_revoke(
    *,
    user: User,
    current_sign_in_id: uuid.UUID | None,
    scope: str,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Revoke the current sign-in, every other one, or all of them; returns how many."""
    now = now or timezone.now()
    active = SignIn.objects.filter(user=user, revoked_at__isnull=True)
    if scope == RevokeScope.CURRENT:
        active = active.filter(pk=current_sign_in_id)
    elif scope == RevokeScope.OTHERS:
        active = active.exclude(pk=current_sign_in_id)
    elif scope != RevokeScope.GLOBAL:
        raise ValueError(f"unknown scope {scope!r}")
    return active.update(revoked_at=now, revoked_reason=reason)


def sign_in_get_active(*, sign_in_id: uuid.UUID, user_id: uuid.UUID) -> SignIn | None:
    """The unrevoked sign-in with its user, as the database says now."""
    return (
        SignIn.objects.select_related("user")
        .filter(pk=sign_in_id, user_id=user_id, revoked_at__isnull=True)
        .first()
    )
