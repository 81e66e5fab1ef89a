"""The role and jurisdiction rules, as plain functions: the API's permission classes and the
admin site ask these, and nothing else decides who is an admin or where access is allowed."""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import Role
from config.client import client_ip
from permissions.geoip import country_of_ip
from permissions.models import UNKNOWN_COUNTRY, BlockedJurisdiction

ADMIN_ROLES = frozenset({Role.ADMIN, Role.SUPER_ADMIN})

# --- Roles ------------------------------------------------------------------------------------


def is_admin(user: Any) -> bool:
    """Admins and super-admins; a banned or anonymous user is neither."""
    return bool(getattr(user, "is_authenticated", False)) and (
        not user.is_banned and user.role in ADMIN_ROLES
    )


def is_super_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        not user.is_banned and user.role == Role.SUPER_ADMIN
    )


def super_admins() -> QuerySet[Any]:
    """The accounts :func:`is_super_admin` says yes to, as a query."""
    return get_user_model().objects.filter(role=Role.SUPER_ADMIN, is_banned=False)


def is_staff_account(user: Any) -> bool:
    """The account holds a staff role (admin or super-admin), banned or not."""
    return getattr(user, "role", None) in ADMIN_ROLES


def can_view_users(actor: Any) -> bool:
    return is_admin(actor)


def can_change_roles(actor: Any) -> bool:
    """Granting or removing admin and super-admin is for super-admins only."""
    return is_super_admin(actor)


def can_edit_user(actor: Any, subject: Any = None) -> bool:
    """Editing an account's fields (staff accounts included) is for super-admins only."""
    return is_super_admin(actor)


def can_ban(actor: Any, subject: Any = None) -> bool:
    """Admins ban and unban users; a staff account only a super-admin; nobody themselves."""
    if not is_admin(actor):
        return False
    if subject is None:
        return True
    if subject.pk == actor.pk:
        return False
    return not is_staff_account(subject) or is_super_admin(actor)


def can_revoke_sessions(actor: Any, subject: Any = None) -> bool:
    """Admins revoke users' sign-ins (and their own); a staff member's only a super-admin."""
    if not is_admin(actor):
        return False
    if subject is None or subject.pk == actor.pk:
        return True
    return not is_staff_account(subject) or is_super_admin(actor)


def can_unlink_wallets(actor: Any, subject: Any = None) -> bool:
    """Unlinking a wallet revokes its sessions: allowed to whoever may revoke the account's
    sessions (admins for users and themselves; a staff member's only a super-admin)."""
    return can_revoke_sessions(actor, subject)


def can_edit_jurisdictions(actor: Any) -> bool:
    """Blocking and unblocking countries is for super-admins; admins look."""
    return is_super_admin(actor)


# Admin-site permission names outside Django's add/change/delete/view set.
BAN_PERMISSION = "accounts.ban_user"
REVOKE_SESSIONS_PERMISSION = "signin.revoke_signin"
UNLINK_WALLET_PERMISSION = "accounts.unlink_wallet"


def has_staff_permission(user: Any, perm: str, obj: Any = None) -> bool:
    """Admin-site permissions: super-admins may do everything; admins look, ban, revoke and
    unlink wallets.

    ``obj`` is the account (or sign-in, or wallet) acted upon when the admin site asks.
    """
    if is_super_admin(user):
        return True
    if not is_admin(user):
        return False
    if perm == BAN_PERMISSION:
        return can_ban(user, obj)
    if perm == REVOKE_SESSIONS_PERMISSION:
        return can_revoke_sessions(user, getattr(obj, "user", obj))
    if perm == UNLINK_WALLET_PERMISSION:
        return can_unlink_wallets(user, getattr(obj, "user", obj))
    _app_label, _, codename = perm.partition(".")
    return codename.startswith("view_")


def has_staff_module_permission(user: Any, app_label: str) -> bool:
    return is_admin(user)


# --- Jurisdiction ------------------------------------------------------------------------------

_COUNTRY = re.compile(r"\A[A-Z]{2}\Z")


@dataclass(frozen=True)
class JurisdictionDecision:
    allowed: bool
    country: str | None  # ISO 3166-1 alpha-2, None when unknown
    reason: str | None  # shown to the user when not allowed


def _header_country(request: HttpRequest) -> str | None:
    """The trusted proxy's country header, when one is configured and names a country."""
    header = settings.COUNTRY_HEADER
    if not header:
        return None
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    value = request.META.get(meta_key, "").strip().upper()
    # Cloudflare sends XX for "no country" and T1 for Tor: neither is a country.
    if not _COUNTRY.match(value) or value == UNKNOWN_COUNTRY:
        return None
    return value


def jurisdiction_of(request: HttpRequest) -> str | None:
    """The request's country: the trusted proxy header when set, else offline geo-IP.

    Only the configured header is read, and the address looked up is ``client_ip``, which
    honours X-Forwarded-For only through the trusted proxies: a client's own headers
    change nothing.
    """
    return _header_country(request) or country_of_ip(client_ip(request))


def jurisdiction_decide(country: str | None) -> JurisdictionDecision:
    """Blocked when staff listed the country; an unknown country is blocked when staff
    listed ``XX`` or the setting ``JURISDICTION_ALLOW_UNKNOWN`` is off."""
    blocked = BlockedJurisdiction.objects.filter(code=country or UNKNOWN_COUNTRY).first()
    if blocked is not None:
        return JurisdictionDecision(allowed=False, country=country, reason=blocked.reason_text)
    if country is None and not settings.JURISDICTION_ALLOW_UNKNOWN:
        return JurisdictionDecision(
            allowed=False,
            country=None,
            reason="Access from an unknown location is not available",
        )
    return JurisdictionDecision(allowed=True, country=country, reason=None)


def jurisdiction_check(request: HttpRequest) -> JurisdictionDecision:
    return jurisdiction_decide(jurisdiction_of(request))
