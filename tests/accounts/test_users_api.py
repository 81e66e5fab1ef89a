"""``/users`` end to end: register, update, public profile, delete."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent
from signin.models import SignIn
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {
    "id",
    "address",
    "username",
    "email",
    "bio",
    "profileImage",
    "isRegistered",
    "isAdmin",
    "isSuperAdmin",
    "createdAt",
    "updatedAt",
    "lastLogin",
}
PUBLIC_KEYS = {"id", "address", "username", "bio", "profileImage", "createdAt"}


def _client_for(wallet: Wallet) -> APIClient:
    client = APIClient()
    response = client.post("/auth/login", wallet.login_body(), format="json")
    assert response.status_code == 201, response.content
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client


def _me(wallet: Wallet) -> User:
    return User.objects.get(address=wallet.address)


# --- POST /users/register -----------------------------------------------------------------


def test_register_returns_full_profile(auth_client, wallet):
    body = {
        "username": "Alice_1",
        "email": "alice@example.com",
        "bio": "gm",
        "profileImage": "https://img.example/alice.png",
    }
    response = auth_client.post("/users/register", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == PROFILE_KEYS
    assert data["username"] == "Alice_1"
    assert data["email"] == "alice@example.com"
    assert data["profileImage"] == "https://img.example/alice.png"
    assert data["isRegistered"] is True
    assert data["address"] == wallet.address
    assert response["Cache-Control"] == "no-store"


def test_register_trailing_slash(auth_client):
    response = auth_client.post("/users/register/", {"username": "alice"}, format="json")
    assert response.status_code == 201


def test_register_needs_a_token(api_client):
    response = api_client.post("/users/register", {"username": "alice"}, format="json")
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401


def test_already_registered_is_409(auth_client):
    assert auth_client.post("/users/register", {"username": "alice"}, format="json").status_code
    response = auth_client.post("/users/register", {"username": "bob"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "statusCode": 409,
        "message": "Account is already registered",
        "error": "Conflict",
    }


def test_taken_name_in_any_case_is_409(auth_client):
    _client_for(Wallet()).post("/users/register", {"username": "Alice"}, format="json")
    response = auth_client.post("/users/register", {"username": "ALICE"}, format="json")
    assert response.status_code == 409
    assert response.json()["message"] == "Username is already taken"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ab", "must be 3 to 32 characters of letters, digits and underscores"),
        ("a" * 33, "must be 3 to 32 characters of letters, digits and underscores"),
        ("al ice", "must be 3 to 32 characters of letters, digits and underscores"),
        ("alicé", "must be 3 to 32 characters of letters, digits and underscores"),
        ("Admin", "is reserved"),
        ("ROOT", "is reserved"),
        ("support", "is reserved"),
    ],
)
def test_bad_or_reserved_username_is_400(auth_client, username, message):
    response = auth_client.post("/users/register", {"username": username}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"username": [message]}
    assert body["message"] == [f"username: {message}"]


def test_look_alike_reserved_name_is_400_with_the_contract_body(auth_client, wallet):
    before = _me(wallet)
    response = auth_client.post(
        "/users/register",
        {"username": "Admin_", "bio": "gm", "profileImage": "https://img.example/a.png"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "message": ["username: is reserved"],
        "error": "Bad Request",
        "errors": {"username": ["is reserved"]},
    }
    after = _me(wallet)
    assert (after.username, after.bio, after.profile_image) == (None, "", None)
    assert after.updated_at == before.updated_at
    assert not AuditEvent.objects.filter(action=AuditAction.USER_REGISTERED).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "admin__"),
        ("username", "__admin"),
        ("bio", "gm \u202efun.pump"),
        ("bio", "zero\u200bwidth"),
        ("profileImage", "https://127.0.0.1/x"),
        ("profileImage", "https://user:pw@evil.com/a.png"),
        ("profileImage", "https://[::1]/x"),
        ("profileImage", "https://2130706433/"),
        ("profileImage", "https://0x7f.1/"),
        ("profileImage", "https://localhost/x"),
        ("profileImage", "https://img.localhost/x"),
        ("profileImage", "https://img.example:8443/a.png"),
    ],
)
def test_risky_profile_values_are_400_on_register_and_update(auth_client, wallet, field, value):
    response = auth_client.post(
        "/users/register", {"username": "alice", field: value}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _me(wallet).username is None
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    before = _me(wallet)
    for method in (auth_client.post, auth_client.patch):
        response = method("/users", {field: value, "email": "new@example.com"}, format="json")
        assert response.status_code == 400
        assert response.json()["message"][0].startswith(f"{field}: ")
        assert list(response.json()["errors"]) == [field]
    after = _me(wallet)
    assert (after.username, after.email, after.bio, after.profile_image) == (
        before.username,
        before.email,
        before.bio,
        before.profile_image,
    )
    assert after.updated_at == before.updated_at


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": 12345},
        {"username": None},
        {"username": "alice", "profileImage": "http://img.example/a.png"},
        {"username": "alice", "profileImage": "javascript:alert(1)"},
        {"username": "alice", "profileImage": 5},
        {"username": "alice", "email": "not-an-email"},
        {"username": "alice", "bio": "x" * 501},
        {"username": "alice", "bio": ["list"]},
    ],
)
def test_malformed_register_bodies_are_400(auth_client, wallet, body):
    response = auth_client.post("/users/register", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["statusCode"] == 400
    assert _me(wallet).username is None


def test_register_ignores_mass_assignment(auth_client, wallet):
    before = _me(wallet)
    body = {
        "username": "alice",
        "id": "00000000-0000-0000-0000-000000000001",
        "address": Wallet().address,
        "role": "super_admin",
        "isAdmin": True,
        "isSuperAdmin": True,
        "is_banned": True,
        "isRegistered": False,
        "createdAt": "2000-01-01T00:00:00Z",
        "lastLogin": "2000-01-01T00:00:00Z",
        "username_changed_at": "2000-01-01T00:00:00Z",
    }
    response = auth_client.post("/users/register", body, format="json")
    assert response.status_code == 201
    after = _me(wallet)
    assert (after.pk, after.address, after.role, after.is_banned) == (
        before.pk,
        before.address,
        Role.USER,
        False,
    )
    assert after.created_at == before.created_at
    assert after.last_login == before.last_login
    assert response.json()["isAdmin"] is False


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_of_one_name_give_one_201():
    clients = [_client_for(Wallet()) for _ in range(20)]
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def worker(client):
        try:
            barrier.wait()
            response = client.post("/users/register", {"username": "TheName"}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 19
    assert User.objects.filter(username__iexact="thename").count() == 1


# --- POST / PATCH /users -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "patch"])
def test_update_own_profile(auth_client, wallet, method):
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    body = {"bio": "new bio", "email": "new@example.com", "profileImage": "https://i.example/x"}
    response = getattr(auth_client, method)("/users", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == PROFILE_KEYS
    assert (data["bio"], data["email"], data["profileImage"]) == (
        "new bio",
        "new@example.com",
        "https://i.example/x",
    )
    assert data["username"] == "alice"
    stored = _me(wallet)
    assert (stored.bio, stored.email) == ("new bio", "new@example.com")


def test_update_clears_image_with_null(auth_client, wallet):
    auth_client.patch("/users", {"profileImage": "https://i.example/x"}, format="json")
    response = auth_client.patch("/users", {"profileImage": None}, format="json")
    assert response.json()["profileImage"] is None
    assert _me(wallet).profile_image is None


def test_update_ignores_mass_assignment(auth_client, wallet):
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    before = _me(wallet)
    body = {
        "id": "00000000-0000-0000-0000-000000000001",
        "address": Wallet().address,
        "role": "super_admin",
        "isAdmin": True,
        "isSuperAdmin": True,
        "isBanned": True,
        "is_banned": True,
        "password": "pw",
        "createdAt": "2000-01-01T00:00:00Z",
        "created_at": "2000-01-01T00:00:00Z",
        "updatedAt": "2000-01-01T00:00:00Z",
        "lastLogin": "2000-01-01T00:00:00Z",
        "last_login": "2000-01-01T00:00:00Z",
        "usernameChangedAt": None,
        "username_changed_at": None,
        "bio": "only this",
    }
    response = auth_client.patch("/users", body, format="json")
    assert response.status_code == 200
    after = _me(wallet)
    assert after.bio == "only this"
    for field in ("pk", "address", "role", "is_banned", "password", "created_at", "last_login"):
        assert getattr(after, field) == getattr(before, field), field
    assert after.username_changed_at == before.username_changed_at
    assert response.json()["isAdmin"] is False
    assert response.json()["isSuperAdmin"] is False


def test_username_change_inside_cooldown_is_400_with_next_time(auth_client, settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(days=7)
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    response = auth_client.patch("/users", {"username": "alice2"}, format="json")
    assert response.status_code == 400
    message = response.json()["message"]
    assert "next change is possible after" in message
    assert message.endswith("Z")


def test_username_change_after_cooldown(auth_client, wallet, settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(days=7)
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    User.objects.filter(address=wallet.address).update(
        username_changed_at=timezone.now() - timedelta(days=8)
    )
    response = auth_client.patch("/users", {"username": "alice2"}, format="json")
    assert response.status_code == 200
    assert response.json()["username"] == "alice2"


def test_username_change_obeys_the_rules(auth_client, settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(0)
    _client_for(Wallet()).post("/users/register", {"username": "bob"}, format="json")
    auth_client.post("/users/register", {"username": "alice"}, format="json")
    assert auth_client.patch("/users", {"username": "Bob"}, format="json").status_code == 409
    response = auth_client.patch("/users", {"username": "Admin"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"username": ["is reserved"]}
    assert auth_client.patch("/users", {"username": None}, format="json").status_code == 400


def test_update_with_http_image_is_400(auth_client):
    response = auth_client.patch("/users", {"profileImage": "http://i.example/x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"profileImage": ["must be an https URL"]}


# --- GET /users/{id} -----------------------------------------------------------------------


def test_public_profile_by_id_and_address(auth_client):
    other = Wallet()
    other_client = _client_for(other)
    other_client.post(
        "/users/register",
        {"username": "bob", "email": "bob@example.com", "bio": "hello"},
        format="json",
    )
    bob = _me(other)
    for identifier in (str(bob.pk), other.address, f"{bob.pk}/"):
        response = auth_client.get(f"/users/{identifier}")
        assert response.status_code == 200, identifier
        data = response.json()
        assert set(data) == PUBLIC_KEYS
        assert data == {
            "id": str(bob.pk),
            "address": other.address,
            "username": "bob",
            "bio": "hello",
            "profileImage": None,
            "createdAt": bob.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


def test_public_profile_of_admin_shows_no_role(auth_client):
    staff = User.objects.create(
        address=Wallet().address,
        role=Role.SUPER_ADMIN,
        email="s@example.com",
        last_login=timezone.now(),
    )
    data = auth_client.get(f"/users/{staff.pk}").json()
    assert set(data) == PUBLIC_KEYS
    text = str(data)
    assert "s@example.com" not in text and "super_admin" not in text


def test_unregistered_account_is_visible_with_null_username(auth_client, wallet):
    data = auth_client.get(f"/users/{wallet.address}").json()
    assert data["username"] is None


@pytest.mark.parametrize(
    "identifier",
    ["nope", "12345678-1234-1234-1234-123456789012", "not%20base58", "0OIl" * 11, "a" * 300],
)
def test_unknown_or_malformed_id_is_404_json(auth_client, identifier):
    response = auth_client.get(f"/users/{identifier}")
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "User not found", "error": "Not Found"}


def test_public_profile_needs_a_token(api_client, user):
    assert api_client.get(f"/users/{user.pk}").status_code == 401


# --- DELETE /users -------------------------------------------------------------------------


def test_delete_removes_account_and_kills_every_token(wallet):
    first = _client_for(wallet)
    second = _client_for(wallet)  # another device, another sign-in
    first.post("/users/register", {"username": "alice", "email": "a@x.io"}, format="json")
    user_id = _me(wallet).pk
    response = first.delete("/users")
    assert response.status_code == 200
    assert response.json() == {"message": "User deleted"}
    assert not User.objects.filter(pk=user_id).exists()
    assert not SignIn.objects.filter(user_id=user_id).exists()
    for client in (first, second):
        assert client.get("/auth/my-profile").status_code == 401
        assert client.delete("/users").status_code == 401
    assert _client_for(Wallet()).get(f"/users/{user_id}").status_code == 404


def test_delete_refuses_refresh_tokens_too(api_client, wallet):
    login = api_client.post("/auth/login", wallet.login_body(), format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login['token']}")
    assert api_client.delete("/users").status_code == 200
    api_client.credentials()
    response = api_client.post(
        "/auth/refresh", {"refreshToken": login["refreshToken"]}, format="json"
    )
    assert response.status_code == 401


def test_sign_in_after_delete_is_a_new_empty_account(wallet):
    client = _client_for(wallet)
    client.post("/users/register", {"username": "alice", "bio": "x"}, format="json")
    old_id = _me(wallet).pk
    client.delete("/users")
    fresh = _client_for(wallet)
    profile = fresh.get("/auth/my-profile").json()
    assert profile["id"] != str(old_id)
    assert (profile["username"], profile["bio"]) == (None, "")
    # The name is free again.
    assert fresh.post("/users/register", {"username": "alice"}, format="json").status_code == 201


def test_last_super_admin_cannot_delete_itself_409(auth_client, wallet):
    User.objects.filter(address=wallet.address).update(role=Role.SUPER_ADMIN)
    response = auth_client.delete("/users")
    assert response.status_code == 409
    assert response.json()["message"] == "The last super-admin cannot delete itself"
    assert User.objects.filter(address=wallet.address).exists()


def test_cookie_delete_needs_allowed_origin(api_client, wallet):
    api_client.post("/auth/login", wallet.login_body(), format="json")
    assert api_client.delete("/users").status_code == 403
    assert User.objects.filter(address=wallet.address).exists()
    response = api_client.delete("/users", HTTP_ORIGIN="https://pump.fun")
    assert response.status_code == 200
    assert response.cookies["auth_token"].value == ""


@pytest.mark.parametrize(
    "foreign",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": "https://pump.fun/profile"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_cookie_delete_from_a_foreign_origin_is_403_and_changes_nothing(
    api_client, wallet, foreign
):
    login = api_client.post("/auth/login", wallet.login_body(), format="json")
    assert login.status_code == 201
    assert api_client.cookies["auth_token"].value == login.json()["token"]
    register = api_client.post(
        "/users/register",
        {"username": "alice", "email": "a@x.io"},
        format="json",
        HTTP_ORIGIN="https://pump.fun",
    )
    assert register.status_code == 201
    before = User.objects.get(address=wallet.address)
    sign_ins_before = list(SignIn.objects.filter(user=before).values("pk", "revoked_at"))
    assert sign_ins_before and sign_ins_before[0]["revoked_at"] is None

    response = api_client.delete("/users", **foreign)

    assert response.status_code == 403
    body = response.json()
    assert body["statusCode"] == 403 and body["error"] == "Forbidden"
    assert "auth_token" not in response.cookies  # the cookie is neither cleared nor replaced
    after = User.objects.get(pk=before.pk)
    assert (after.address, after.username, after.email, after.role, after.is_banned) == (
        before.address,
        "alice",
        "a@x.io",
        before.role,
        False,
    )
    assert list(SignIn.objects.filter(user=after).values("pk", "revoked_at")) == sign_ins_before
    assert not AuditEvent.objects.filter(action=AuditAction.USER_DELETED).exists()
    # The same cookie still authenticates: the account and its sign-in are intact.
    profile = api_client.get("/auth/my-profile")
    assert profile.status_code == 200
    assert profile.json()["id"] == str(before.pk)
    assert profile.json()["username"] == "alice"


def test_wrong_method_is_405_json(auth_client):
    response = auth_client.put("/users", {}, format="json")
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405
