"""``permissions.rules`` called directly: roles and jurisdiction."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from accounts.models import Role, User
from permissions import rules
from permissions.models import BlockedJurisdiction
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

# Public addresses whose Regional Internet Registry allocation is a known country.
US_IP = "8.8.8.8"  # Google Public DNS
GB_IP = "212.58.244.22"  # BBC
KP_IP = "175.45.176.1"  # Star JV, Pyongyang


def _user(role=Role.USER, banned=False) -> User:
    return User(address=Wallet().address, role=role, is_banned=banned)


@pytest.mark.parametrize(
    ("role", "banned", "admin", "super_admin"),
    [
        (Role.USER, False, False, False),
        (Role.ADMIN, False, True, False),
        (Role.SUPER_ADMIN, False, True, True),
        (Role.ADMIN, True, False, False),
        (Role.SUPER_ADMIN, True, False, False),
    ],
)
def test_role_rules(role, banned, admin, super_admin):
    user = _user(role, banned)
    assert rules.is_admin(user) is admin
    assert rules.is_super_admin(user) is super_admin


@pytest.mark.parametrize(
    ("role", "banned", "edit"),
    [
        (Role.USER, False, False),
        (Role.ADMIN, False, False),
        (Role.SUPER_ADMIN, False, True),
        (Role.SUPER_ADMIN, True, False),
    ],
)
def test_jurisdiction_edit_rule_and_admin_site_permissions(role, banned, edit):
    user = _user(role, banned)
    assert rules.can_edit_jurisdictions(user) is edit
    for action in ("add", "change", "delete"):
        perm = f"permissions.{action}_blockedjurisdiction"
        assert rules.has_staff_permission(user, perm) is edit
    view = "permissions.view_blockedjurisdiction"
    assert rules.has_staff_permission(user, view) is rules.is_admin(user)


def test_anonymous_is_nothing():
    assert rules.is_admin(AnonymousUser()) is False
    assert rules.is_super_admin(AnonymousUser()) is False


@pytest.mark.django_db
def test_super_admins_query_matches_the_rule():
    users = [
        user_create_for_wallet(address=Wallet().address, role=role, is_banned=banned)
        for role in Role
        for banned in (False, True)
    ]
    expected = {user.pk for user in users if rules.is_super_admin(user)}
    assert set(rules.super_admins().values_list("pk", flat=True)) == expected


def _request(remote="127.0.0.1", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_country_from_geo_ip_of_peer():
    assert rules.jurisdiction_of(_request(US_IP)) == "US"
    assert rules.jurisdiction_of(_request(GB_IP)) == "GB"
    assert rules.jurisdiction_of(_request("10.1.2.3")) is None


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = _request(KP_IP, HTTP_X_FORWARDED_FOR=US_IP)
    assert rules.jurisdiction_of(request) == "KP"


def test_forwarded_for_through_one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "8.8.8.8"; the proxy appended the real peer, a KP address.
    request = _request("10.0.0.1", HTTP_X_FORWARDED_FOR=f"{US_IP}, {KP_IP}")
    assert rules.jurisdiction_of(request) == "KP"


def test_country_header_ignored_when_not_configured(settings):
    settings.COUNTRY_HEADER = None
    assert rules.jurisdiction_of(_request(KP_IP, HTTP_CF_IPCOUNTRY="US")) == "KP"


def test_only_the_configured_header_is_read(settings):
    settings.COUNTRY_HEADER = "CF-IPCountry"
    assert rules.jurisdiction_of(_request(US_IP, HTTP_CF_IPCOUNTRY="gb")) == "GB"
    # Another header naming a country is not trusted.
    assert rules.jurisdiction_of(_request(US_IP, HTTP_X_COUNTRY="GB")) == "US"


@pytest.mark.parametrize("value", ["XX", "T1", "", "USA", "1", "G"])
def test_header_without_a_country_falls_back_to_geo_ip(settings, value):
    settings.COUNTRY_HEADER = "CF-IPCountry"
    assert rules.jurisdiction_of(_request(US_IP, HTTP_CF_IPCOUNTRY=value)) == "US"


@pytest.mark.django_db
def test_blocked_country_with_its_reason():
    BlockedJurisdiction.objects.update_or_create(code="FR", defaults={"reason": "Not in FR"})
    decision = rules.jurisdiction_decide("FR")
    assert decision == rules.JurisdictionDecision(allowed=False, country="FR", reason="Not in FR")


@pytest.mark.django_db
def test_blocked_country_with_empty_reason_gets_the_default_text():
    BlockedJurisdiction.objects.update_or_create(code="FR", defaults={"reason": ""})
    assert rules.jurisdiction_decide("FR").reason == "Access from FR is not available"


@pytest.mark.django_db
def test_unlisted_country_is_allowed():
    BlockedJurisdiction.objects.filter(code="DE").delete()
    assert rules.jurisdiction_decide("DE") == rules.JurisdictionDecision(True, "DE", None)


@pytest.mark.django_db
def test_unknown_country_follows_the_setting(settings):
    BlockedJurisdiction.objects.filter(code="XX").delete()
    settings.JURISDICTION_ALLOW_UNKNOWN = True
    assert rules.jurisdiction_decide(None).allowed is True
    settings.JURISDICTION_ALLOW_UNKNOWN = False
    decision = rules.jurisdiction_decide(None)
    assert (decision.allowed, decision.country) == (False, None)
    assert decision.reason == "Access from an unknown location is not available"


@pytest.mark.django_db
def test_staff_can_block_unknown_countries_with_xx(settings):
    settings.JURISDICTION_ALLOW_UNKNOWN = True
    BlockedJurisdiction.objects.create(code="XX", reason="Location required")
    assert rules.jurisdiction_decide(None) == rules.JurisdictionDecision(
        False, None, "Location required"
    )


@pytest.mark.django_db
def test_jurisdiction_check_combines_lookup_and_list():
    BlockedJurisdiction.objects.update_or_create(code="KP", defaults={"reason": "Sanctioned"})
    assert rules.jurisdiction_check(_request(KP_IP)).allowed is False
    BlockedJurisdiction.objects.filter(code="US").delete()
    assert rules.jurisdiction_check(_request(US_IP)).allowed is True
