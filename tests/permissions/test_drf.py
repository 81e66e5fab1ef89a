"""The DRF permission classes, called directly (no routing)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import Role, User
from permissions.drf import InAllowedJurisdiction, IsAdmin, IsSuperAdmin
from permissions.models import BlockedJurisdiction
from tests.wallets import Wallet


def _request(user=None, remote="127.0.0.1", **headers) -> Request:
    request = Request(APIRequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    request.user = user if user is not None else AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("role", "banned", "admin", "super_admin"),
    [
        (Role.USER, False, False, False),
        (Role.ADMIN, False, True, False),
        (Role.SUPER_ADMIN, False, True, True),
        (Role.SUPER_ADMIN, True, False, False),
    ],
)
def test_role_classes(role, banned, admin, super_admin):
    request = _request(User(address=Wallet().address, role=role, is_banned=banned))
    assert IsAdmin().has_permission(request, None) is admin
    assert IsSuperAdmin().has_permission(request, None) is super_admin


def test_role_classes_refuse_anonymous():
    assert IsAdmin().has_permission(_request(), None) is False
    assert IsSuperAdmin().has_permission(_request(), None) is False


def test_classes_carry_message_and_code():
    assert (IsAdmin.message, IsAdmin.code) == ("Admin role required", "not_admin")
    assert IsSuperAdmin.code == "not_super_admin"
    assert InAllowedJurisdiction.code == "jurisdiction_blocked"


def test_classes_compose():
    request = _request(User(address=Wallet().address, role=Role.ADMIN))
    assert (IsAdmin | IsSuperAdmin)().has_permission(request, APIView()) is True
    assert (IsAdmin & IsSuperAdmin)().has_permission(request, APIView()) is False


@pytest.mark.django_db
def test_jurisdiction_class_blocks_with_the_reason():
    BlockedJurisdiction.objects.update_or_create(code="KP", defaults={"reason": "No KP"})
    permission = InAllowedJurisdiction()
    assert permission.has_permission(_request(remote="175.45.176.1"), None) is False
    assert permission.message == "No KP"


@pytest.mark.django_db
def test_jurisdiction_class_allows_unlisted_country():
    BlockedJurisdiction.objects.filter(code="US").delete()
    assert InAllowedJurisdiction().has_permission(_request(remote="8.8.8.8"), None) is True


@pytest.mark.django_db
def test_jurisdiction_class_ignores_untrusted_country_header(settings):
    settings.COUNTRY_HEADER = None
    BlockedJurisdiction.objects.filter(code="US").delete()
    BlockedJurisdiction.objects.update_or_create(code="KP")
    request = _request(remote="8.8.8.8", HTTP_CF_IPCOUNTRY="KP")
    assert InAllowedJurisdiction().has_permission(request, None) is True
