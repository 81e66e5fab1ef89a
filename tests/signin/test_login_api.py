"""``POST /auth/login`` end to end, with real ed25519 keypairs."""

import threading
import time

import base58
import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from signin.models import SignIn, UsedSignInProof
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _post(client, body):
    return client.post("/auth/login", body, format="json")


def test_form_a_sign_in_returns_documented_body(api_client, wallet):
    response = _post(api_client, wallet.login_body())
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expiresIn", "refreshToken", "user"}
    assert body["expiresIn"] == 900
    user = User.objects.get(address=wallet.address)
    assert body["user"] == {
        "id": str(user.id),
        "address": wallet.address,
        "username": None,
        "isRegistered": False,
        "createdAt": user.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert response["Cache-Control"] == "no-store"


def test_sets_auth_cookie(api_client, wallet):
    response = _post(api_client, wallet.login_body())
    cookie = response.cookies["auth_token"]
    assert cookie.value == response.json()["token"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == 900
    assert not cookie["secure"]  # local development


def test_cookie_is_secure_outside_development(api_client, wallet, settings):
    settings.AUTH_COOKIE_SECURE = True
    response = _post(api_client, wallet.login_body())
    assert response.cookies["auth_token"]["secure"]


def test_trailing_slash_is_accepted(api_client, wallet):
    assert api_client.post("/auth/login/", wallet.login_body(), format="json").status_code == 201


@pytest.mark.parametrize("encoding", ["base58", "base64"])
def test_form_b_siws_sign_in(api_client, wallet, encoding):
    response = _post(api_client, wallet.siws_body(encoding=encoding))
    assert response.status_code == 201, response.json()
    assert response.json()["user"]["address"] == wallet.address


def test_form_b_wallet_alias_must_match(api_client, wallet):
    body = wallet.siws_body() | {"wallet": Wallet().address}
    response = _post(api_client, body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"address": ["must equal the message's address"]}
    ok = wallet.siws_body(nonce="othernonce1") | {"wallet": wallet.address}
    assert _post(api_client, ok).status_code == 201


def test_form_b_ledger_envelope(api_client, wallet):
    from signin.solana import offchain_envelopes

    message = wallet.siws_message()
    envelope = offchain_envelopes(message.encode(), bytes(wallet.key.verify_key))[0]
    body = {"message": message, "signature": base58.b58encode(wallet.sign(envelope)).decode()}
    assert _post(api_client, body).status_code == 201


def test_wrong_signature_is_401(api_client, wallet):
    body = wallet.login_body()
    body["signature"] = Wallet().login_body(body["timestamp"])["signature"]
    response = _post(api_client, body)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid signature",
        "error": "Unauthorized",
    }
    assert not User.objects.exists()


def test_signature_of_other_timestamp_is_401(api_client, wallet):
    body = wallet.login_body()
    body["timestamp"] += 1
    assert _post(api_client, body).status_code == 401


@pytest.mark.parametrize("offset_ms", [-301_000, 301_000])
def test_stale_and_future_timestamps_are_401(api_client, wallet, offset_ms):
    body = wallet.login_body(int(time.time() * 1000) + offset_ms)
    response = _post(api_client, body)
    assert response.status_code == 401
    assert "window" in response.json()["message"]


def test_replayed_body_is_401(api_client, wallet):
    body = wallet.login_body()
    assert _post(api_client, body).status_code == 201
    response = _post(APIClient(), body)
    assert response.status_code == 401
    assert response.json()["message"] == "Signature has already been used"
    assert SignIn.objects.count() == 1


def test_banned_account_is_403(api_client, wallet):
    user_create_for_wallet(address=wallet.address, is_banned=True)
    response = _post(api_client, wallet.login_body())
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"signature": "0OIl"}, "signature", "not valid base58"),
        ({"signature": base58.b58encode(b"s" * 63).decode()}, "signature", "must decode to 64"),
        ({"signature": base58.b58encode(b"s" * 65).decode()}, "signature", "must decode to 64"),
        ({"address": "not-base58!"}, "address", "not valid base58"),
        ({"address": base58.b58encode(b"a" * 31).decode()}, "address", "must decode to 32"),
        ({"timestamp": "1764096874123"}, "timestamp", "valid integer"),
        ({"timestamp": 1764096874123.5}, "timestamp", "valid integer"),
        ({"timestamp": True}, "timestamp", "valid integer"),
        ({"timestamp": None}, "timestamp", "null"),
        ({"signature": 12345}, "signature", "Not a valid string"),
        ({"address": None}, "address", "null"),
    ],
)
def test_malformed_body_is_400_with_field_errors(api_client, wallet, change, field, message):
    response = _post(api_client, wallet.login_body() | change)
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert message in body["errors"][field][0]
    assert body["message"][0].startswith(f"{field}: ")


@pytest.mark.parametrize("missing", ["address", "signature", "timestamp"])
def test_missing_field_is_400(api_client, wallet, missing):
    body = wallet.login_body()
    del body[missing]
    response = _post(api_client, body)
    assert response.status_code == 400
    assert response.json()["errors"][missing] == ["This field is required."]


def test_empty_body_reports_every_missing_field(api_client):
    response = api_client.post("/auth/login", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"address", "signature", "timestamp"}


def test_body_that_is_not_an_object_is_400(api_client):
    response = api_client.post("/auth/login", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["statusCode"] == 400


def test_malformed_siws_message_is_400(api_client, wallet):
    body = wallet.siws_body(wallet.siws_message().replace("Nonce: abcdef123456", "Nonce: x"))
    response = _post(api_client, body)
    assert response.status_code == 400
    assert "Nonce" in response.json()["errors"]["message"][0]


def test_siws_wrong_domain_is_401(api_client, wallet):
    assert _post(api_client, wallet.siws_body(domain="evil.example")).status_code == 401


def test_siws_uri_off_the_domain_is_401_and_writes_nothing(api_client, wallet):
    body = wallet.siws_body(extra={"URI": "javascript:alert(1)"})
    response = _post(api_client, body)
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Message URI must be an https URL on the message's domain",
        "error": "Unauthorized",
    }
    assert not (User.objects.exists() or SignIn.objects.exists())
    assert not UsedSignInProof.objects.exists()


def test_siws_replay_is_401(api_client, wallet):
    body = wallet.siws_body()
    assert _post(api_client, body).status_code == 201
    assert _post(api_client, body).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_sign_ins_create_one_account():
    wallet = Wallet()
    now_ms = int(time.time() * 1000)
    bodies = [wallet.login_body(now_ms + i) for i in range(4)]
    statuses: list[int] = []
    barrier = threading.Barrier(len(bodies))

    def worker(body):
        try:
            barrier.wait()
            statuses.append(_post(APIClient(), body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(bodies)
    assert User.objects.filter(address=wallet.address).count() == 1
    assert SignIn.objects.count() == len(bodies)
