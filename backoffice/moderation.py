"""Staff flows: ban, unban, roles, revoking sessions, unlinking wallets; the admin site and
commands call these.

Each flow takes the ``actor`` doing it: a staff member (checked against
``permissions.rules``, the same rules the admin site shows), or None for an operator's
management command, which has the server's authority. Each writes its audit event in the
same transaction as its change.
"""

import contextlib
import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.exceptions import LastSuperAdmin, UserNotFound
from accounts.models import Role, User, Wallet
from accounts.services import user_lock, user_updated_record
from accounts.wallets import wallet_remove
from audit.models import AuditAction
from audit.services import COMMAND, Origin, audit_record
from core.errors import ServiceError
from events.models import EventType, SessionRevokedReason
from events.services import event_record
from permissions import rules
from permissions.exceptions import InvalidRole, NotAllowed
from signin import sign_in_cache, solana
from signin.models import SignIn
from signin.services import (
    RevokeScope,
    sessions_revoke,
    sign_ins_revoke,
    user_create_for_wallet,
)


def _record(
    *, action: str, actor: User | None, subject: User, origin: Origin, detail: dict[str, Any]
) -> None:
    audit_record(
        action=action,
        actor=actor,
        subject=subject,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        detail={"via": origin.via, **detail},
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def user_resolve(*, identifier: str) -> User:
    """The account named by its uuid, the address of any of its wallets, or its username
    (any case)."""
    identifier = identifier.strip()
    query = Q(pk__in=Wallet.objects.filter(address=identifier).values("user_id")) | Q(
        username__iexact=identifier
    )
    with contextlib.suppress(ValueError):
        query |= Q(pk=uuid.UUID(identifier))
    matches = list(User.objects.filter(query)[:2])
    if len(matches) != 1:
        raise UserNotFound(
            f"No single user matches {identifier!r}" if matches else f"No user {identifier!r}"
        )
    return matches[0]


@transaction.atomic
def user_ban(
    *,
    actor: User | None,
    user: User,
    reason: str = "",
    origin: Origin = COMMAND,
    now: datetime | None = None,
) -> int:
    """Ban the account and revoke every sign-in of it at once; returns sign-ins revoked.

    Its tokens are refused from the next request on, on every instance (the sign-in rows
    and the ban are read on each request). Banning a banned account only revokes again.
    """
    if actor is not None:
        _require(rules.can_ban(actor, user), "You may not ban this account")
    user = User.objects.select_for_update().get(pk=user.pk)
    was_banned = user.is_banned
    if not was_banned:
        user.is_banned = True
        user.save(update_fields=["is_banned", "updated_at"])
        sign_in_cache.account_changed(user.pk)
        event_record(type=EventType.USER_BANNED, subject=user)
    revoked = sign_ins_revoke(
        user=user, current_sign_in_id=None, scope=RevokeScope.GLOBAL, reason="ban", now=now
    )
    _record(
        action=AuditAction.USER_BANNED,
        actor=actor,
        subject=user,
        origin=origin,
        detail={"reason": reason, "revoked": revoked, "alreadyBanned": was_banned},
    )
    return revoked


@transaction.atomic
def user_unban(*, actor: User | None, user: User, origin: Origin = COMMAND) -> bool:
    """Lift a ban; returns False when the account was not banned. Old tokens stay revoked."""
    if actor is not None:
        _require(rules.can_ban(actor, user), "You may not unban this account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_banned:
        return False
    user.is_banned = False
    user.save(update_fields=["is_banned", "updated_at"])
    sign_in_cache.account_changed(user.pk)
    event_record(type=EventType.USER_UNBANNED, subject=user)
    _record(action=AuditAction.USER_UNBANNED, actor=actor, subject=user, origin=origin, detail={})
    return True


def user_fields_save(*, user: User, fields: list[str]) -> None:
    """Write the fields staff edited on an account (admin site, ``create_super_admin``)."""
    user.save(update_fields=[*fields, "updated_at"])
    sign_in_cache.account_changed(user.pk)
    user_updated_record(user=user, fields=fields, via="staff")


def staff_signed_in(sender: Any, user: User, **kwargs: Any) -> None:
    """After the admin site's sign-in, whose ``last_login`` stamp Django writes itself."""
    sign_in_cache.account_changed(user.pk)


def role_change_check(*, actor: User | None, user: User, role: str) -> None:
    """Raise when ``actor`` may not give ``user`` this role (or it would leave no super-admin)."""
    if role not in Role.values:
        raise InvalidRole(f"Unknown role {role!r}; one of {', '.join(Role.values)}")
    if actor is not None:
        _require(rules.can_change_roles(actor), "Only a super-admin can change roles")
    if user.role == Role.SUPER_ADMIN and role != Role.SUPER_ADMIN:
        others = User.objects.filter(role=Role.SUPER_ADMIN, is_banned=False).exclude(pk=user.pk)
        if not others.exists():
            raise LastSuperAdmin("The last super-admin cannot lose the role")


@transaction.atomic
def user_role_set(*, actor: User | None, user: User, role: str, origin: Origin = COMMAND) -> bool:
    """Grant or remove admin / super-admin; returns False when the role was already that.

    Refuses a non-super-admin actor, and demoting the last (unbanned) super-admin. The
    super-admin rows are locked so that two concurrent demotions cannot both pass.
    """
    list(User.objects.select_for_update().filter(Q(role=Role.SUPER_ADMIN) | Q(pk=user.pk)))
    user = User.objects.get(pk=user.pk)
    role_change_check(actor=actor, user=user, role=role)
    if user.role == role:
        return False
    previous = user.role
    user.role = role
    user.save(update_fields=["role", "updated_at"])
    sign_in_cache.account_changed(user.pk)
    event_record(
        type=EventType.USER_ROLE_CHANGED, subject=user, facts={"from": previous, "to": role}
    )
    _record(
        action=AuditAction.ROLE_CHANGED,
        actor=actor,
        subject=user,
        origin=origin,
        detail={"from": previous, "to": role},
    )
    return True


@transaction.atomic
def super_admin_ensure(*, address: str, origin: Origin = COMMAND) -> tuple[User, bool]:
    """The wallet's account (whichever of its wallets ``address`` is) as a super-admin,
    created with it as the primary wallet if it never signed in; (user, created)."""
    try:
        solana.decode_public_key(address)
    except solana.EncodingError:
        raise ServiceError(f"{address!r} is not a Solana wallet address") from None
    user = User.objects.filter(wallets__address=address).first()
    created = user is None
    if user is None:
        user = user_create_for_wallet(address=address)
        event_record(type=EventType.USER_CREATED, subject=user)
    user_role_set(actor=None, user=user, role=Role.SUPER_ADMIN, origin=origin)
    user.refresh_from_db()
    return user, created


@transaction.atomic
def sign_ins_revoke_all(*, actor: User | None, user: User, origin: Origin = COMMAND) -> int:
    """Revoke every live sign-in of the account (all devices); returns how many."""
    if actor is not None:
        _require(
            rules.can_revoke_sessions(actor, user), "You may not revoke this account's sessions"
        )
    revoked = sign_ins_revoke(
        user=user, current_sign_in_id=None, scope=RevokeScope.GLOBAL, reason="staff"
    )
    _record(
        action=AuditAction.SESSIONS_REVOKED,
        actor=actor,
        subject=user,
        origin=origin,
        detail={"scope": "all", "revoked": revoked},
    )
    return revoked


@transaction.atomic
def sign_in_revoke(*, actor: User | None, sign_in: SignIn, origin: Origin = COMMAND) -> bool:
    """Revoke one sign-in; returns False when it was revoked already."""
    if actor is not None:
        _require(rules.can_revoke_sessions(actor, sign_in.user), "You may not revoke this session")
    revoked = sessions_revoke(
        user=sign_in.user,
        sign_ins=SignIn.objects.filter(pk=sign_in.pk),
        reason="staff",
        event_reason=SessionRevokedReason.STAFF,
        now=timezone.now(),
    )
    if revoked:
        _record(
            action=AuditAction.SESSIONS_REVOKED,
            actor=actor,
            subject=sign_in.user,
            origin=origin,
            detail={"scope": "one", "signInId": str(sign_in.pk), "revoked": revoked},
        )
    return bool(revoked)


@transaction.atomic
def wallet_unlink(*, actor: User | None, wallet: Wallet, origin: Origin = COMMAND) -> int:
    """Unlink a wallet from its account and revoke the sessions signed in with it; returns
    how many. The account's own rules hold for staff too: not its primary wallet, not its
    only one (``WalletUnlinkRefused``)."""
    if actor is not None:
        _require(
            rules.can_unlink_wallets(actor, wallet.user),
            "You may not unlink this account's wallets",
        )
    user = user_lock(wallet.user)
    revoked = wallet_remove(
        user=user, address=wallet.address, event_reason=SessionRevokedReason.STAFF
    )
    _record(
        action=AuditAction.WALLET_UNLINKED,
        actor=actor,
        subject=user,
        origin=origin,
        detail={"address": wallet.address, "revoked": revoked},
    )
    return revoked
