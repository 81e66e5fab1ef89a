"""Tokens as other services see them: introspection (RFC 7662), revocation (RFC 7009) and
the revocation feed, as plain functions the ``oauth`` views call.

Access tokens are verified only by ``signin.authentication.access_token_verified`` (the
one verification every reader of an access token uses), refresh tokens by
``signin.tokens.RefreshToken``; whether the session is live is read from the database,
the source of truth.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import Token

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from events.models import SessionRevokedReason
from signin.authentication import access_token_verified
from signin.models import DeletedSignIn, SignIn
from signin.services import RevokeScope, sign_ins_revoke
from signin.tokens import CLIENT_ID_CLAIM, RefreshToken, token_sign_in_id, token_user_id
from signing_keys import key_set

ACCESS_TOKEN = "access_token"  # noqa: S105  RFC 7662 token_type_hint values, not secrets
REFRESH_TOKEN = "refresh_token"  # noqa: S105
INACTIVE: dict[str, Any] = {"active": False}
# SignIn.revoked_reason of a revocation through POST /oauth/revoke.
REVOKED_BY_TOKEN = "token_revoked"  # noqa: S105
# DeletedSignIn rows' reason in the feed.
DELETION = "deletion"


@dataclass(frozen=True)
class PresentedToken:
    token: Token
    token_type: str  # ACCESS_TOKEN or REFRESH_TOKEN
    sign_in_id: uuid.UUID
    user_id: uuid.UUID


def token_read(raw_token: str) -> PresentedToken | None:
    """The token verified (signature, type, issuer, audience, expiry, claims), as an access
    token or else a refresh token; None for anything else (garbage, foreign, expired).
    Revocation is not checked here."""
    try:
        raw = raw_token.encode()
    except UnicodeEncodeError:  # a lone surrogate: no JWT
        return None
    # No other Redis call here: the keys' version is read on its own (a withdrawal elsewhere).
    key_set.key_sets.version_seen(key_set.version_read())
    try:
        token, sign_in_id, user_id = access_token_verified(raw)
        return PresentedToken(token, ACCESS_TOKEN, sign_in_id, user_id)
    except TokenError:
        pass
    try:
        # simplejwt annotates the encoded token as a Token; it is the JWT's bytes.
        refresh = RefreshToken(raw)  # type: ignore[arg-type]
        return PresentedToken(
            refresh, REFRESH_TOKEN, token_sign_in_id(refresh), token_user_id(refresh)
        )
    except TokenError:
        return None


def token_introspect(*, raw_token: str, now: datetime | None = None) -> dict[str, Any]:
    """RFC 7662: ``{"active": true, ...}`` for a live token, else ``{"active": false}``.

    Live: verified (``token_read``), its sign-in neither revoked nor past its end, its
    account existing and not banned; a refresh token also must be its sign-in's current
    one (a spent refresh token is dead). Never raises for any input.
    """
    presented = token_read(raw_token)
    if presented is None:
        return INACTIVE
    now = now or timezone.now()
    sign_in = (
        SignIn.objects.select_related("user")
        .filter(pk=presented.sign_in_id, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if sign_in is None or sign_in.user_id != presented.user_id or sign_in.user.is_banned:
        return INACTIVE
    token = presented.token
    if presented.token_type == REFRESH_TOKEN and sign_in.refresh_jti != token.get("jti"):
        return INACTIVE
    return {
        "active": True,
        "sub": str(presented.user_id),
        "sid": str(presented.sign_in_id),
        "wallet": token.get("wallet") or sign_in.wallet,
        "exp": token["exp"],
        "iat": token["iat"],
        # Tokens made before access tokens carried the claim were all the web client's.
        "client_id": token.get(CLIENT_ID_CLAIM) or settings.JWT_CLIENT_ID,
        "token_type": presented.token_type,
    }


def token_revoke(
    *,
    raw_token: str,
    holder: User | None,
    client_id: str | None,
    ip_address: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> uuid.UUID | None:
    """RFC 7009: revoke the session of an access or refresh token; returns the session
    revoked, if one was (the endpoint answers 200 either way).

    The caller is the token's holder (``holder``: its account must be the token's, else
    nothing changes) or a service client (``client_id``). A token that does not verify
    (garbage, foreign, expired) changes nothing: an expired token is dead already. The
    revocation goes through ``signin.services.sign_ins_revoke``, which tells the sign-in
    cache, and is audited in the same transaction.
    """
    presented = token_read(raw_token)
    if presented is None:
        return None
    if holder is not None and holder.pk != presented.user_id:
        return None
    with transaction.atomic():
        user = User.objects.filter(pk=presented.user_id).first()
        if user is None:
            return None
        revoked = sign_ins_revoke(
            user=user,
            current_sign_in_id=presented.sign_in_id,
            scope=RevokeScope.CURRENT,
            reason=REVOKED_BY_TOKEN,
            now=now,
            # The holder ending its own session logs out; a service client's is staff's.
            event_reason=SessionRevokedReason.LOGOUT
            if holder is not None
            else SessionRevokedReason.STAFF,
        )
        if revoked:
            audit_record(
                action=AuditAction.TOKEN_REVOKED,
                actor=holder,
                subject=user,
                ip_address=ip_address,
                user_agent=user_agent,
                detail={
                    "signInId": str(presented.sign_in_id),
                    "tokenType": presented.token_type,
                    "clientId": client_id,
                    "via": "oauth",
                },
            )
    return presented.sign_in_id if revoked else None


# --- The revocation feed ---------------------------------------------------------------------
class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    """A place in the feed's order, (revoked_at, sign-in id): every revocation after it."""

    revoked_at: datetime
    sign_in_id: uuid.UUID


_LAST_ID = uuid.UUID(int=(1 << 128) - 1)
_FIRST_ID = uuid.UUID(int=0)


def cursor_encode(position: Position) -> str:
    text = f"{position.revoked_at.isoformat()}|{position.sign_in_id.hex}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> Position:
    """``InvalidCursor`` for anything ``cursor_encode`` did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, sign_in_id = text.split("|")
        revoked_at = datetime.fromisoformat(when)
        if revoked_at.tzinfo is None:
            raise InvalidCursor()
        # In UTC, as the database compares it: a time at the ends of the calendar with an
        # offset (0001-01-01T00:00+14:00) has no UTC equivalent, so no revocation was then.
        return Position(revoked_at.astimezone(UTC), uuid.UUID(hex=sign_in_id))
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        raise InvalidCursor() from None


@dataclass(frozen=True)
class Revocation:
    sign_in_id: uuid.UUID
    user_id: uuid.UUID
    revoked_at: datetime
    expires_at: datetime
    reason: str


@dataclass(frozen=True)
class RevocationsPage:
    revocations: list[Revocation]
    cursor: str
    has_more: bool


def _after(position: Position) -> Q:
    return Q(revoked_at__gt=position.revoked_at) | Q(
        revoked_at=position.revoked_at, id__gt=position.sign_in_id
    )


def revocations_page(
    *, cursor: str | None, now: datetime | None = None, limit: int | None = None
) -> RevocationsPage:
    """The sessions revoked after ``cursor``, oldest first, at most ``limit``, and the
    cursor to ask from next; ``InvalidCursor`` for a cursor this did not make.

    Without a cursor: from one access-token lifetime ago (a token revoked earlier has
    expired anyway). Order is (revoked_at, id), a total order, so pages neither repeat nor
    skip. A revocation appears only once it is ``REVOCATION_FEED_SETTLE_SECONDS`` old: its
    ``revoked_at`` is stamped before its transaction commits, so a row stamped before a poll
    may become visible only after it; were the cursor to pass it meanwhile, it would be
    missed for good. Waiting out the settle time (longer than a revoking transaction lasts)
    keeps the cursor behind every moment that may still receive rows. Sessions of deleted
    accounts (``DeletedSignIn``) are merged in, reason ``deletion``.
    """
    now = now or timezone.now()
    limit = limit or settings.REVOCATION_FEED_PAGE_SIZE
    start = (
        cursor_decode(cursor)
        if cursor is not None
        else Position(now - settings.ACCESS_TOKEN_LIFETIME, _FIRST_ID)
    )
    settled = now - timedelta(seconds=settings.REVOCATION_FEED_SETTLE_SECONDS)
    rows: list[Revocation] = []
    revoked = (
        SignIn.objects.filter(_after(start), revoked_at__isnull=False, revoked_at__lte=settled)
        .order_by("revoked_at", "id")
        .values_list("id", "user_id", "revoked_at", "expires_at", "revoked_reason")[: limit + 1]
    )
    # revoked_at is never None here (filtered); the ORM's types cannot say so.
    rows.extend(
        Revocation(sign_in_id, user_id, revoked_at, expires_at, reason)  # type: ignore[arg-type]
        for sign_in_id, user_id, revoked_at, expires_at, reason in revoked
    )
    deleted = (
        DeletedSignIn.objects.filter(_after(start), revoked_at__lte=settled)
        .order_by("revoked_at", "id")
        .values_list("id", "user_id", "revoked_at", "expires_at")[: limit + 1]
    )
    rows.extend(Revocation(*row, DELETION) for row in deleted)
    rows.sort(key=lambda row: (row.revoked_at, row.sign_in_id))
    has_more = len(rows) > limit
    page = rows[:limit]
    if has_more:
        last = page[-1]
        end = Position(last.revoked_at, last.sign_in_id)
    else:
        # Everything up to the settled moment has been read: the next poll starts there
        # (never before the start, when the clock of a later call is behind).
        end = max(
            Position(settled, _LAST_ID),
            start,
            key=lambda p: (p.revoked_at.astimezone(UTC), p.sign_in_id),
        )
    return RevocationsPage(revocations=page, cursor=cursor_encode(end), has_more=has_more)


def deleted_account_sign_ins_keep(*, user_id: uuid.UUID, now: datetime) -> int:
    """Before an account is deleted (its sign-ins go with it): keep each sign-in that has not
    ended as a ``DeletedSignIn`` for the feed, revoked ``now`` (or when it was revoked);
    returns how many. Called in the deletion's transaction."""
    kept = [
        DeletedSignIn(
            id=sign_in_id, user_id=user_id, revoked_at=revoked_at or now, expires_at=expires_at
        )
        for sign_in_id, revoked_at, expires_at in SignIn.objects.filter(
            user_id=user_id, expires_at__gt=now
        ).values_list("id", "revoked_at", "expires_at")
    ]
    DeletedSignIn.objects.bulk_create(kept, ignore_conflicts=True)
    return len(kept)
