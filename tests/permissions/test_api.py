"""``GET /auth/is-admin``, ``/auth/is-super-admin``, ``/auth/is-valid-jurisdiction``."""

import pytest

from accounts.models import Role, User
from permissions.models import BlockedJurisdiction
from signin import sign_in_cache

pytestmark = pytest.mark.django_db


def _set_role(wallet, **fields):
    user = User.objects.get(address=wallet.address)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    # As every flow that changes an account does (docs/architecture.md, "The sign-in cache").
    sign_in_cache.account_changed(user.pk)


@pytest.mark.parametrize(
    ("role", "admin", "super_admin"),
    [(Role.USER, False, False), (Role.ADMIN, True, False), (Role.SUPER_ADMIN, True, True)],
)
def test_role_endpoints(auth_client, wallet, role, admin, super_admin):
    _set_role(wallet, role=role)
    assert auth_client.get("/auth/is-admin").json() == {"isAdmin": admin}
    assert auth_client.get("/auth/is-super-admin/").json() == {"isSuperAdmin": super_admin}


def test_endpoints_need_a_token(api_client):
    for path in ("/auth/is-admin", "/auth/is-super-admin", "/auth/is-valid-jurisdiction"):
        response = api_client.get(path)
        assert response.status_code == 401
        assert response.json()["statusCode"] == 401


def test_role_change_is_seen_on_the_next_request_with_an_old_token(auth_client, wallet):
    assert auth_client.get("/auth/is-admin").json() == {"isAdmin": False}
    _set_role(wallet, role=Role.ADMIN)
    assert auth_client.get("/auth/is-admin").json() == {"isAdmin": True}
    _set_role(wallet, role=Role.SUPER_ADMIN)
    assert auth_client.get("/auth/is-super-admin").json() == {"isSuperAdmin": True}
    assert auth_client.get("/auth/my-profile").json()["isSuperAdmin"] is True
    _set_role(wallet, role=Role.USER)
    assert auth_client.get("/auth/is-admin").json() == {"isAdmin": False}
    assert auth_client.get("/auth/my-profile").json()["isAdmin"] is False


def test_ban_is_seen_on_the_next_request_with_an_old_token(auth_client, wallet):
    _set_role(wallet, role=Role.ADMIN)
    assert auth_client.get("/auth/is-admin").status_code == 200
    _set_role(wallet, is_banned=True)
    response = auth_client.get("/auth/is-admin")
    # Refused outright: the foundation's authentication answers 401 for a banned account.
    assert response.status_code in (401, 403)
    assert "isAdmin" not in response.json()


def test_blocked_jurisdiction_body(auth_client):
    BlockedJurisdiction.objects.update_or_create(code="KP", defaults={"reason": ""})
    response = auth_client.get("/auth/is-valid-jurisdiction", REMOTE_ADDR="175.45.176.1")
    assert response.status_code == 200
    assert response.json() == {
        "isValidJurisdiction": False,
        "jurisdiction": "KP",
        "reason": "Access from KP is not available",
    }


def test_allowed_jurisdiction_body_has_no_reason(auth_client):
    BlockedJurisdiction.objects.filter(code="US").delete()
    response = auth_client.get("/auth/is-valid-jurisdiction", REMOTE_ADDR="8.8.8.8")
    assert response.json() == {"isValidJurisdiction": True, "jurisdiction": "US"}


def test_unknown_jurisdiction_is_null(auth_client, settings):
    settings.JURISDICTION_ALLOW_UNKNOWN = True
    BlockedJurisdiction.objects.filter(code="XX").delete()
    response = auth_client.get("/auth/is-valid-jurisdiction", REMOTE_ADDR="10.0.0.7")
    assert response.json() == {"isValidJurisdiction": True, "jurisdiction": None}


def test_spoofed_headers_change_nothing(auth_client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.COUNTRY_HEADER = None
    BlockedJurisdiction.objects.update_or_create(code="KP")
    BlockedJurisdiction.objects.filter(code="US").delete()
    response = auth_client.get(
        "/auth/is-valid-jurisdiction",
        REMOTE_ADDR="175.45.176.1",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
        HTTP_CF_IPCOUNTRY="US",
        HTTP_X_REAL_IP="8.8.8.8",
    )
    assert response.json()["jurisdiction"] == "KP"
    assert response.json()["isValidJurisdiction"] is False


def test_trusted_country_header_is_used(auth_client, settings):
    settings.COUNTRY_HEADER = "CF-IPCountry"
    BlockedJurisdiction.objects.update_or_create(code="GB", defaults={"reason": ""})
    response = auth_client.get(
        "/auth/is-valid-jurisdiction", REMOTE_ADDR="8.8.8.8", HTTP_CF_IPCOUNTRY="GB"
    )
    assert response.json() == {
        "isValidJurisdiction": False,
        "jurisdiction": "GB",
        "reason": "Access from GB is not available",
    }
