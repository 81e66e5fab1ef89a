"""The role rules, as plain functions: the API's permission classes and the admin site ask these."""

from typing import Any

from accounts.models import Role

ADMIN_ROLES = frozenset({Role.ADMIN, Role.SUPER_ADMIN})


def is_admin(user: Any) -> bool:
    """Admins and super-admins; a banned or anonymous user is neither."""
    return bool(getattr(user, "is_authenticated", False)) and (
        not user.is_banned and user.role in ADMIN_ROLES
    )


def is_super_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        not user.is_banned and user.role == Role.SUPER_ADMIN
    )


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


# Admin-site permission names outside Django's add/change/delete/view set.
BAN_PERMISSION = "accounts.ban_user"
REVOKE_SESSIONS_PERMISSION = "accounts.revoke_signin"


def has_staff_permission(user: Any, perm: str, obj: Any = None) -> bool:
    """Admin-site permissions: super-admins may do everything; admins look, ban and revoke.

    ``obj`` is the account (or sign-in) acted upon when the admin site asks about one.
    """
    if is_super_admin(user):
        return True
    if not is_admin(user):
        return False
    if perm == BAN_PERMISSION:
        return can_ban(user, obj)
    if perm == REVOKE_SESSIONS_PERMISSION:
        return can_revoke_sessions(user, getattr(obj, "user", obj))
    _app_label, _, codename = perm.partition(".")
    return codename.startswith("view_")


def has_staff_module_permission(user: Any, app_label: str) -> bool:
    return is_admin(user)
