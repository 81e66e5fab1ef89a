"""Admin-site pages only super-admins may open, whatever Django's per-model permissions say."""

from typing import Any

from django.http import HttpRequest

from permissions.rules import is_super_admin


class SuperAdminOnly:
    """A ``ModelAdmin`` mixin: the page and its app's entry are shown to super-admins only
    (plain admins look at accounts, not at what every account's events or the worker hold)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_super_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_super_admin(request.user)
