"""DRF permission classes over ``permissions.rules``; other apps' views reuse these."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from permissions import rules


class IsAdmin(BasePermission):
    """Allows admins and super-admins (not banned)."""

    message = "Admin role required"
    code = "not_admin"

    def has_permission(self, request: Request, view: Any) -> bool:
        return rules.is_admin(request.user)


class IsSuperAdmin(BasePermission):
    """Allows super-admins (not banned)."""

    message = "Super-admin role required"
    code = "not_super_admin"

    def has_permission(self, request: Request, view: Any) -> bool:
        return rules.is_super_admin(request.user)


class InAllowedJurisdiction(BasePermission):
    """Allows requests from a country that is not blocked; the 403 says why."""

    message = "Access from your location is not available"
    code = "jurisdiction_blocked"

    def has_permission(self, request: Request, view: Any) -> bool:
        decision = rules.jurisdiction_check(request)
        if not decision.allowed and decision.reason:
            self.message = decision.reason  # instances are made per request
        return decision.allowed
