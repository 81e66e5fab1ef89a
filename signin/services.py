"""Wallet sign-in, token refresh and sign-out: the flows the sign-in views call.

Each function is a plain, keyword-only, typed function that can be tested without HTTP.
The clock is injected (``now``) where time decides the outcome.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError

from accounts.models import User, Wallet
from audit.models import AuditAction
from audit.services import audit_record
from config.ratelimit import rate_limit_value_hit
from events.models import Cursor, EventType, SessionRevokedReason
from events.services import NewEvent, events_record
from metrics.instruments import rate_limit_refused
from signin import sign_in_cache, solana
from signin.exceptions import (
    AccountBanned,
    SessionNotFound,
    SignatureReplayed,
    SignInFailed,
    TokenRejected,
    TooManyNewAccounts,
)
from signin.models import SignIn
from signin.siws import SiwsMessage, uri_is_on_domain
from signin.statements import refresh_rotated, used_proofs_insert, user_signed_in_now
from signin.tokens import (
    WALLET_CLAIM,
    RefreshToken,
    TokenPair,
    signing_key_ready,
    token_id_new,
    token_pair_issue,
    token_sign_in_id,
    token_user_id,
)


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
class ProofPurpose:
    """What a proof other than a sign-in's is for: form A signs ``<form_a_prefix>: <timestamp>``
    and form B's message must carry ``statement`` exactly. (A sign-in's proof is the
    purpose ``None``: form A signs ``Sign in to <site>: <timestamp>``, and form B may carry any
    statement but another purpose's.)"""

    form_a_prefix: str
    statement: str


# Form B statements that no sign-in accepts: a wallet that signed one meant to link itself.
LINK_STATEMENT_PREFIX = "Link this wallet to account "


def link_purpose(account_id: uuid.UUID) -> ProofPurpose:
    """Linking a wallet to the account ``account_id``: the proof names the account, so it
    links to no other."""
    return ProofPurpose(
        form_a_prefix=f"Link wallet to {settings.SIGN_IN_SITE} account {account_id}",
        statement=f"{LINK_STATEMENT_PREFIX}{account_id}",
    )


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
    *,
    address: str,
    public_key: bytes,
    signature: bytes,
    timestamp_ms: int,
    now: datetime,
    purpose: ProofPurpose | None = None,
) -> SignInProof:
    """pump.fun's form: the wallet signed ``Sign in to <site>: <timestamp>`` (or, for
    another ``purpose``, ``<its prefix>: <timestamp>``)."""
    window = settings.SIGN_IN_WINDOW
    # Compared in milliseconds first: a far-off timestamp may not fit in a datetime.
    if abs(now.timestamp() * 1000 - timestamp_ms) > window.total_seconds() * 1000:
        raise SignInFailed("Timestamp is outside the allowed window", reason="stale")
    signed_at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    return SignInProof(
        address=address,
        public_key=public_key,
        message=pumpfun_message(timestamp_ms)
        if purpose is None
        else f"{purpose.form_a_prefix}: {timestamp_ms}".encode(),
        signature=signature,
        replay_keys=(_signature_key(signature),),
        fresh_until=signed_at + window,
    )


def proof_from_siws(
    *,
    message: SiwsMessage,
    text: str,
    signature: bytes,
    now: datetime,
    purpose: ProofPurpose | None = None,
) -> SignInProof:
    """Sign In With Solana: check domain, URI, chain, times and the statement (exactly the
    ``purpose``'s; for a sign-in, none of a link's); the nonce may be used once."""
    if message.domain not in settings.SIGN_IN_DOMAINS:
        raise SignInFailed("Message domain is not allowed", reason="bad_message")
    if message.uri is None or not uri_is_on_domain(message.uri, message.domain):
        raise SignInFailed(
            "Message URI must be an https URL on the message's domain", reason="bad_message"
        )
    if message.chain_id is not None and message.chain_id not in settings.SIWS_CHAIN_IDS:
        raise SignInFailed("Message chain is not allowed", reason="bad_message")
    if message.version is not None and message.version != "1":
        raise SignInFailed("Message version is not supported", reason="bad_message")
    if purpose is not None:
        if message.statement != purpose.statement:
            raise SignInFailed(
                f"Message statement must be {purpose.statement!r}", reason="bad_message"
            )
    elif message.statement is not None and message.statement.startswith(LINK_STATEMENT_PREFIX):
        raise SignInFailed("Message links a wallet; it does not sign in", reason="bad_message")
    window = settings.SIGN_IN_WINDOW
    if abs(now - message.issued_at) > window:
        raise SignInFailed("Issued At is outside the allowed window", reason="stale")
    if message.expiration_time is not None and message.expiration_time <= now:
        raise SignInFailed("Message has expired", reason="stale")
    if message.not_before is not None and message.not_before > now:
        raise SignInFailed("Message is not valid yet", reason="stale")
    try:
        public_key = solana.decode_public_key(message.address)
    except solana.EncodingError:
        raise SignInFailed(
            "Message address is not a Solana address", reason="bad_message"
        ) from None
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


def proof_verify(proof: SignInProof) -> None:
    """``SignInFailed`` unless the proof's signature is the wallet's, over its message."""
    if not solana.verify_message(proof.public_key, proof.message, proof.signature):
        raise SignInFailed()


def proof_consume(proof: SignInProof) -> None:
    """Record the proof's keys; a key recorded before means a replay (on any instance).

    Sign-in and wallet-link proofs share the one store, so a signature or nonce accepted for
    one is refused for both. Called first in the caller's transaction and without a
    savepoint of its own: a replay ends the whole flow anyway, and a savepoint would cost two
    more round trips.
    """
    try:
        used_proofs_insert(keys=proof.replay_keys, expires_at=proof.fresh_until)
    except IntegrityError:
        raise SignatureReplayed() from None


def user_create_for_wallet(*, address: str, **fields: Any) -> User:
    """A new account whose primary wallet is ``address``: the account row and its wallet row.

    Not in a transaction of its own (the caller's, with a savepoint where it wants to go on
    after a failure); ``IntegrityError`` when the wallet already belongs to an account.
    Without a password (an unusable one keeps wallet accounts out of the admin sign-in).
    """
    user = User.objects.create(address=address, password=make_password(None), **fields)
    Wallet.objects.create(address=address, user=user, is_primary=True, linked_at=user.created_at)
    return user


def _account_create(address: str, now: datetime) -> tuple[User, bool]:
    """A first sign-in's account, created signed in; or, when a concurrent first sign-in
    of the wallet created it first, that account, stamped: one account per wallet.

    Called after the stamp found no account, so the inserts are tried first (no read); their
    savepoint keeps the sign-in's transaction usable when the wallet is taken meanwhile (by
    another first sign-in, or linked to an account).
    """
    try:
        with transaction.atomic():
            user = user_create_for_wallet(address=address, last_login=now)
        return user, True
    except IntegrityError:
        existing = user_signed_in_now(address=address, now=now)
        if existing is None:  # the other sign-in's account is gone already (deleted)
            raise
        return existing, False


def _new_account_allow(ip_address: str | None) -> None:
    """Count an account about to be created from ``ip_address``; refuse past the hourly cap.

    Only sign-ins that would create an account count, so returning wallets are never
    slowed down by scripted sign-ups from fresh keypairs behind the same address.
    """
    cap = settings.NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR
    if cap <= 0 or not ip_address:
        return
    usage = rate_limit_value_hit(scope="new_accounts", value=ip_address, rate=f"{cap}/h")
    if usage is not None and usage.exceeded:
        rate_limit_refused(scope=usage.scope)
        raise TooManyNewAccounts(retry_after=usage.retry_after)


def wallet_sign_in(
    *,
    proof: SignInProof,
    ip_address: str | None,
    user_agent: str,
    country: str | None = None,
    now: datetime | None = None,
) -> SignInResult:
    """Verify the signature, consume the proof, get or create the account, open a sign-in.

    A wallet linked to an account signs in to that account; a wallet of no account gets a
    new account with it as the primary wallet. The sign-in row records the wallet, the
    client's address, ``country`` (the request's jurisdiction,
    ``permissions.rules.jurisdiction_of``) and user agent, in its one INSERT.

    Guarantees: a proof is accepted at most once across all processes; a banned account
    gets no tokens; a client address creates at most ``NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR``
    accounts an hour (``TooManyNewAccounts``, 429); the account, the sign-in row and the
    used proof are written together.
    """
    now = now or timezone.now()
    proof_verify(proof)
    signing_key_ready()
    with transaction.atomic():
        proof_consume(proof)
        # A returning wallet's account (found by any of its wallets) is read and stamped in
        # one statement (a banned one's stamp is rolled back below); only a first sign-in
        # counts against the cap.
        user, created = user_signed_in_now(address=proof.address, now=now), False
        if user is None:
            _new_account_allow(ip_address)
            user, created = _account_create(proof.address, now)
        if user.is_banned:
            raise AccountBanned()
        if not created:
            # Stamped without save(): cached profiles show lastLogin, so tell the cache.
            sign_in_cache.account_changed(user.pk)
        sign_in = SignIn(
            user=user,
            created_at=now,
            last_used_at=now,
            expires_at=now + settings.SESSION_LIFETIME,
            ip_address=ip_address,
            user_agent=user_agent[:255],
            wallet=proof.address,
            country=country or "",
        )
        tokens = token_pair_issue(sign_in)
        sign_in.save(force_insert=True)
        # The events in one INSERT: the sign-in's one statement more (tests/events).
        session_created = NewEvent(
            type=EventType.SESSION_CREATED, subject=user, facts=_session_facts(sign_in)
        )
        events_record(
            [NewEvent(type=EventType.USER_CREATED, subject=user), session_created]
            if created
            else [session_created]
        )
        audit_record(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            actor=user,
            subject=user,
            ip_address=ip_address,
            user_agent=user_agent,
            detail={"signInId": str(sign_in.id), "newAccount": created},
        )
    return SignInResult(user=user, sign_in=sign_in, tokens=tokens, created=created)


def _session_facts(sign_in: SignIn) -> dict[str, Any]:
    """``session.created``'s own facts: which session, signed in with which wallet, until
    when (no client address: the receivers need none)."""
    return {
        "sessionId": str(sign_in.id),
        "wallet": sign_in.wallet,
        "expiresAt": sign_in.expires_at,
    }


def _session_revoked(user: User, sign_in_ids: list[uuid.UUID], reason: str) -> None:
    """Record ``session.revoked`` for each sign-in, in the revocation's transaction."""
    events_record(
        NewEvent(
            type=EventType.SESSION_REVOKED,
            subject=user,
            facts={"sessionId": str(sign_in_id), "reason": reason},
        )
        for sign_in_id in sign_in_ids
    )


def token_refresh(
    *,
    raw_refresh_token: str,
    now: datetime | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> TokenPair:
    """Rotate a refresh token: the presented one is spent, a new pair is issued.

    Presenting a refresh token that was already spent revokes its whole sign-in (reuse
    detection: the token was stolen, or the client is confused) and is refused.
    """
    now = now or timezone.now()
    try:
        # simplejwt annotates the encoded token as a Token; it is the JWT's text.
        refresh = RefreshToken(raw_refresh_token)  # type: ignore[arg-type]
    except TokenError:
        raise TokenRejected() from None
    sign_in_id, user_id = token_sign_in_id(refresh), token_user_id(refresh)
    # The common case, one statement: the token is the live sign-in's current one. The new
    # refresh token's id is written first; the pair is minted with the session's end.
    new_jti = token_id_new()
    rotated = refresh_rotated(
        sign_in_id=sign_in_id, presented_jti=str(refresh["jti"]), new_jti=new_jti, now=now
    )
    if rotated is not None and rotated[0] == user_id:
        wallet = refresh.get(WALLET_CLAIM)
        if not isinstance(wallet, str):  # a refresh token from before the claim
            wallet = SignIn.objects.filter(pk=sign_in_id).values_list("wallet", flat=True).first()
        session = SignIn(
            id=sign_in_id, user=User(id=user_id), expires_at=rotated[1], wallet=wallet or ""
        )
        return token_pair_issue(session, refresh_jti=new_jti)
    # Otherwise find out why, under the sign-in's lock: gone, revoked, ended or banned, or
    # reused. (A current token naming another account, which only the signing key could
    # make, was rotated all the same; the read below refuses it and the sign-in's refresh
    # token is dead.)
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
        if sign_in.expires_at <= now:
            raise TokenRejected("Session has expired; sign in again")
        if sign_in.refresh_jti != str(refresh["jti"]):
            sign_in.revoked_at = now
            sign_in.revoked_reason = "refresh_reuse"
            sign_in.save(update_fields=["revoked_at", "revoked_reason"])
            sign_in_cache.account_changed(sign_in.user_id)
            _session_revoked(sign_in.user, [sign_in.id], SessionRevokedReason.REUSE)
            reused = True
        else:
            tokens = token_pair_issue(sign_in)
            sign_in.last_used_at = now
            sign_in.save(update_fields=["refresh_jti", "last_used_at"])
    if reused:
        audit_record(
            action=AuditAction.REFRESH_REUSED,
            subject=sign_in.user,
            ip_address=ip_address,
            user_agent=user_agent,
            detail={"signInId": str(sign_in.id), "reason": "refresh_reuse"},
        )
        raise TokenRejected("Refresh token has already been used; the sign-in is revoked")
    return tokens


def sessions_revoke(
    *,
    user: User,
    sign_ins: "QuerySet[SignIn]",
    reason: str,
    event_reason: str,
    now: datetime,
) -> int:
    """Revoke the account's live sign-ins that ``sign_ins`` selects, tell the sign-in cache
    and record ``session.revoked`` (``event_reason``) for each; returns how many. In the
    caller's transaction: the rows are locked first, so each is revoked, and reported, once.
    """
    sign_in_ids = list(
        sign_ins.filter(user=user, revoked_at__isnull=True)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not sign_in_ids:
        return 0
    revoked = SignIn.objects.filter(pk__in=sign_in_ids, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )
    sign_in_cache.account_changed(user.pk)
    _session_revoked(user, sign_in_ids, event_reason)
    return revoked


# The contract's reason (``session.revoked``) for each ``SignIn.revoked_reason`` that
# ``sign_ins_revoke`` is given; a caller may name another (a service client's revocation).
_EVENT_REASONS = {
    "logout": SessionRevokedReason.LOGOUT,
    "ban": SessionRevokedReason.BAN,
    "staff": SessionRevokedReason.STAFF,
}


def sign_ins_revoke(
    *,
    user: User,
    current_sign_in_id: uuid.UUID | None,
    scope: str,
    reason: str,
    now: datetime | None = None,
    event_reason: str | None = None,
) -> int:
    """Revoke the current sign-in, every other one, or all of them; returns how many.
    Each is reported as ``session.revoked`` with ``event_reason`` (by default the
    contract's name of ``reason``)."""
    now = now or timezone.now()
    active = SignIn.objects.all()
    if scope not in RevokeScope.ALL:
        raise ValueError(f"unknown scope {scope!r}")
    if scope != RevokeScope.GLOBAL:
        if current_sign_in_id is None:
            raise ValueError(f"scope {scope!r} needs the current sign-in")
        if scope == RevokeScope.CURRENT:
            active = active.filter(pk=current_sign_in_id)
        else:
            active = active.exclude(pk=current_sign_in_id)
    return sessions_revoke(
        user=user,
        sign_ins=active,
        reason=reason,
        event_reason=event_reason or _EVENT_REASONS[reason],
        now=now,
    )


class RevokeReason:
    """``SignIn.revoked_reason`` of the API's own revocations (staff and the flows that
    revoke for a ban, a deletion or reuse name theirs)."""

    LOGOUT = "logout"  # the caller ended its own, current session
    USER = "user"  # the caller ended another of its sessions (GET /auth/sessions' list)


@transaction.atomic
def session_revoke(
    *,
    user: User,
    session_id: str | uuid.UUID,
    current_sign_in_id: uuid.UUID | None,
    ip_address: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> bool:
    """Revoke one of the account's live sessions at once, access tokens included, on every
    instance; returns whether it was the current one (then it is a logout).

    ``SessionNotFound`` (404), with nothing written, when ``session_id`` is not one of the
    account's live sessions: unknown, another account's, already revoked, ended, or not a
    uuid. One conditional ``UPDATE`` decides, so two concurrent revocations of one session
    revoke it once.
    """
    try:
        sign_in_id = session_id if isinstance(session_id, uuid.UUID) else uuid.UUID(session_id)
    except ValueError:
        raise SessionNotFound() from None
    now = now or timezone.now()
    current = sign_in_id == current_sign_in_id
    reason = RevokeReason.LOGOUT if current else RevokeReason.USER
    revoked = SignIn.objects.filter(
        pk=sign_in_id, user=user, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, revoked_reason=reason)
    if not revoked:
        raise SessionNotFound()
    sign_in_cache.account_changed(user.pk)
    # Ending another of its own sessions is the account's logout of that device.
    _session_revoked(user, [sign_in_id], SessionRevokedReason.LOGOUT)
    audit_record(
        action=AuditAction.LOGOUT if current else AuditAction.SESSIONS_REVOKED,
        actor=user,
        subject=user,
        ip_address=ip_address,
        user_agent=user_agent,
        detail={
            "scope": RevokeScope.CURRENT if current else "one",
            "signInId": str(sign_in_id),
            "revoked": revoked,
            "via": "api",
        },
    )
    return current


# The cursor of the expired sessions' report.
EXPIRED_CURSOR = "session.expired"


class _CursorMoved(Exception):
    """Another report moved the cursor first (SQLite has no row lock to wait on)."""


def sessions_expired_record(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Record ``session.revoked`` (reason ``expired``) for each sign-in that reached its end
    unrevoked since the last report; returns how many. The webhooks worker runs it every
    minute. The first report only starts the cursor: sessions that ended before it are
    not reported. The events and the cursor's move are one transaction, so a report is
    made once (a concurrent one finds the cursor moved and records nothing)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            cursor, created = Cursor.objects.select_for_update().get_or_create(
                name=EXPIRED_CURSOR, defaults={"position": now}
            )
            if created:
                return 0
            ended = list(
                SignIn.objects.filter(
                    revoked_at__isnull=True,
                    expires_at__gt=cursor.position,
                    expires_at__lte=now,
                )
                .select_related("user")
                .order_by("expires_at")[:limit]
            )
            events_record(
                NewEvent(
                    type=EventType.SESSION_REVOKED,
                    subject=sign_in.user,
                    facts={"sessionId": str(sign_in.id), "reason": SessionRevokedReason.EXPIRED},
                )
                for sign_in in ended
            )
            # A full batch: the next report goes on from its last end.
            position = ended[-1].expires_at if len(ended) == limit else now
            if not Cursor.objects.filter(name=EXPIRED_CURSOR, position=cursor.position).update(
                position=position
            ):
                raise _CursorMoved()
    except _CursorMoved:
        return 0
    return len(ended)


def sign_in_failure_record(
    *, address: str | None, reason: str, ip_address: str | None, user_agent: str
) -> None:
    """Audit a refused sign-in; called after the attempt's transaction has rolled back."""
    subject = User.objects.filter(wallets__address=address).first() if address else None
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        subject=subject,
        ip_address=ip_address,
        user_agent=user_agent,
        detail={"reason": reason, "address": address},
    )


@transaction.atomic
def sign_out(
    *,
    user: User,
    current_sign_in_id: uuid.UUID | None,
    scope: str,
    ip_address: str | None,
    user_agent: str,
) -> int:
    """Logout: revoke sign-ins by ``scope`` and audit it; returns how many were revoked."""
    revoked = sign_ins_revoke(
        user=user, current_sign_in_id=current_sign_in_id, scope=scope, reason=RevokeReason.LOGOUT
    )
    audit_record(
        action=AuditAction.LOGOUT,
        actor=user,
        subject=user,
        ip_address=ip_address,
        user_agent=user_agent,
        detail={"scope": scope, "revoked": revoked},
    )
    return revoked
