"""Access-token authentication, refresh, logout and my-profile over HTTP."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from signin.models import SignIn
from signin.tokens import AccessToken
from tests.jwts import MALFORMED_CLAIMS, resigned
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_my_profile_with_bearer(auth_client, wallet):
    response = auth_client.get("/auth/my-profile")
    assert response.status_code == 200
    body = response.json()
    user = User.objects.get(address=wallet.address)
    assert user.last_login is not None
    assert body == {
        "id": str(user.id),
        "address": wallet.address,
        "username": None,
        "email": "",
        "bio": "",
        "profileImage": None,
        "isRegistered": False,
        "isAdmin": False,
        "isSuperAdmin": False,
        "createdAt": user.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updatedAt": user.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lastLogin": user.last_login.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert response["Cache-Control"] == "no-store"


def test_my_profile_with_cookie(api_client, wallet):
    api_client.post("/auth/login", wallet.login_body(), format="json")
    assert api_client.get("/auth/my-profile").status_code == 200


def test_header_wins_over_cookie(api_client, wallet, sign_in):
    sign_in(wallet)  # cookie of this wallet
    other = sign_in(Wallet(), APIClient())
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {other['token']}")
    assert api_client.get("/auth/my-profile").json()["address"] == other["user"]["address"]


def test_no_token_is_401_json(api_client):
    response = api_client.get("/auth/my-profile")
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Authentication credentials were not provided.",
        "error": "Unauthorized",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_in_query_string_is_ignored(api_client, sign_in, wallet):
    token = sign_in(wallet, APIClient())["token"]
    assert api_client.get(f"/auth/my-profile?token={token}").status_code == 401
    assert api_client.get(f"/auth/my-profile?auth_token={token}").status_code == 401


def test_refresh_token_is_not_an_access_token(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    assert _bearer(body["refreshToken"]).get("/auth/my-profile").status_code == 401


@pytest.mark.parametrize(
    "claims",
    [{"iss": "someone-else"}, {"aud": "another-api"}],
)
def test_wrong_issuer_or_audience_is_401(sign_in, wallet, claims):
    body = sign_in(wallet, APIClient())
    forged = resigned(body["token"], claims)  # with the real signing key
    assert _bearer(forged).get("/auth/my-profile").status_code == 401


def test_wrong_key_and_none_algorithm_are_401(sign_in, wallet):
    import jwt

    body = sign_in(wallet, APIClient())
    payload = jwt.decode(body["token"], options={"verify_signature": False})
    header = jwt.get_unverified_header(body["token"])
    del header["alg"]  # typ and kid of the real key
    forged = jwt.encode(payload, "not-the-signing-key-but-long-enough-1234", algorithm="HS256")
    assert _bearer(forged).get("/auth/my-profile").status_code == 401
    unsigned = jwt.encode(payload, "", algorithm="none")  # PyJWT reads "" as no key
    assert _bearer(unsigned).get("/auth/my-profile").status_code == 401
    unsigned = jwt.encode(payload, "", algorithm="none", headers=header)
    assert _bearer(unsigned).get("/auth/my-profile").status_code == 401


def test_expired_access_token_is_401(auth_client, wallet):
    user = User.objects.get(address=wallet.address)
    sign_in_row = SignIn.objects.get(user=user)
    token = AccessToken.for_user(user)
    token["sid"] = str(sign_in_row.id)
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert _bearer(str(token)).get("/auth/my-profile").status_code == 401


def test_a_token_verified_before_is_refused_once_it_expires(auth_client, monkeypatch):
    """Each worker verifies a token once (accounts/authentication.py); expiry is per use."""
    assert auth_client.get("/auth/my-profile").status_code == 200
    token = AccessToken(auth_client.login_body["token"])
    after_expiry = token.current_time + timedelta(seconds=token.lifetime.total_seconds() + 1)
    monkeypatch.setattr("signin.authentication.aware_utcnow", lambda: after_expiry)
    response = auth_client.get("/auth/my-profile")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or expired token"


def test_refresh_rotates(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    response = APIClient().post(
        "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
    )
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"token", "expiresIn", "refreshToken"}
    assert response["Cache-Control"] == "no-store"
    assert _bearer(new["token"]).get("/auth/my-profile").status_code == 200


def test_refresh_reuse_revokes_the_family(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    client = APIClient()
    first = client.post("/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json")
    assert first.status_code == 200
    reuse = client.post("/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json")
    assert reuse.status_code == 401
    # Every token of that sign-in is dead now, the newest included.
    rotated = first.json()
    assert _bearer(rotated["token"]).get("/auth/my-profile").status_code == 401
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 401
    again = client.post("/auth/refresh", {"refreshToken": rotated["refreshToken"]}, format="json")
    assert again.status_code == 401


@pytest.mark.parametrize("body", [{}, {"refreshToken": "garbage"}, {"refreshToken": 5}])
def test_refresh_bad_input(body):
    response = APIClient().post("/auth/refresh", body, format="json")
    assert response.status_code in (400, 401)
    assert response.json()["statusCode"] == response.status_code


def test_logout_revokes_access_and_refresh_and_clears_cookie(api_client, wallet):
    body = api_client.post("/auth/login", wallet.login_body(), format="json").json()
    response = _bearer(body["token"]).post("/auth/logout")
    assert response.status_code == 201
    assert response.json() == {"message": "Logged out"}
    assert response.cookies["auth_token"].value == ""
    assert response.cookies["auth_token"]["max-age"] == 0
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 401
    refresh = APIClient().post(
        "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
    )
    assert refresh.status_code == 401


def test_logged_out_token_stays_rejected_after_cache_clear(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    assert _bearer(body["token"]).post("/auth/logout").status_code == 201
    cache.clear()
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 401


def test_logout_scopes(sign_in, wallet):
    sessions = [sign_in(wallet, APIClient()) for _ in range(3)]
    assert _bearer(sessions[0]["token"]).post("/auth/logout?scope=others").status_code == 201
    assert _bearer(sessions[0]["token"]).get("/auth/my-profile").status_code == 200
    assert _bearer(sessions[1]["token"]).get("/auth/my-profile").status_code == 401
    more = sign_in(wallet, APIClient())
    assert _bearer(more["token"]).post("/auth/logout?scope=global").status_code == 201
    for session in [sessions[0], more]:
        assert _bearer(session["token"]).get("/auth/my-profile").status_code == 401


def test_logout_bad_scope_is_400(auth_client):
    response = auth_client.post("/auth/logout?scope=everything")
    assert response.status_code == 400
    assert "scope" in response.json()["errors"]


def test_logout_needs_authentication():
    assert APIClient().post("/auth/logout").status_code == 401


def test_deleted_user_token_is_401(auth_client, wallet):
    User.objects.filter(address=wallet.address).delete()
    assert auth_client.get("/auth/my-profile").status_code == 401


def test_cookie_logout_needs_allowed_origin(api_client, wallet):
    body = api_client.post("/auth/login", wallet.login_body(), format="json").json()
    response = api_client.post("/auth/logout", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 200
    no_origin = api_client.post("/auth/logout")
    assert no_origin.status_code == 403
    referer = api_client.post("/auth/logout", HTTP_REFERER="https://pump.fun/board")
    assert referer.status_code == 201


def test_bearer_logout_needs_no_origin(auth_client):
    assert auth_client.post("/auth/logout", HTTP_ORIGIN="https://evil.example").status_code == 201


def test_logout_with_an_empty_scope_is_refused(auth_client):
    response = auth_client.post("/auth/logout?scope=")
    assert response.status_code == 400
    assert response.json()["errors"] == {"scope": ['"" is not a valid choice.']}


@pytest.mark.parametrize(
    "foreign",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/pump.fun"},
        {"HTTP_ORIGIN": "https://pump.fun.evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_cookie_logout_from_a_foreign_origin_changes_nothing(api_client, wallet, foreign):
    body = api_client.post("/auth/login", wallet.login_body(), format="json").json()
    response = api_client.post("/auth/logout?scope=global", **foreign)
    assert response.status_code == 403
    assert response.json()["statusCode"] == 403
    assert "Set-Cookie" not in response  # the cookie is not cleared
    assert "Access-Control-Allow-Origin" not in response
    assert not SignIn.objects.filter(user__address=wallet.address, revoked_at__isnull=False)
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 200
    assert api_client.get("/auth/my-profile").status_code == 200  # the cookie still works


@pytest.mark.parametrize("changes", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS)
def test_a_validly_signed_token_with_a_malformed_claim_is_401(sign_in, wallet, changes):
    """Refused as any bad token is, at verification (accounts/tokens.py), on both paths."""
    body = sign_in(wallet, APIClient())
    access = resigned(body["token"], changes)
    for _ in range(2):  # a refused token is not cached as verified
        response = _bearer(access).get("/auth/my-profile")
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "message": "Invalid or expired token",
            "error": "Unauthorized",
        }
    refresh = resigned(body["refreshToken"], changes)
    response = APIClient().post("/auth/refresh", {"refreshToken": refresh}, format="json")
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid or expired refresh token",
        "error": "Unauthorized",
    }
    # Nothing changed: the sign-in's own refresh token still rotates.
    response = APIClient().post(
        "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
    )
    assert response.status_code == 200
