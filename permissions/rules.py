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


def has_staff_permission(user: Any, perm: str) -> bool:
    """Admin-site permissions: super-admins may do everything, admins only look."""
    if is_super_admin(user):
        return True
    if not is_admin(user):
        return False
    _app_label, _, codename = perm.partition(".")
    return codename.startswith("view_")


def has_staff_module_permission(user: Any, app_label: str) -> bool:
    return is_admin(user)
