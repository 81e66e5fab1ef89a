"""``/auth/wallets`` end to end: list, link, primary, unlink; every refusal is the contract's
JSON error and changes nothing in the database."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User, Wallet
from tests.db_state import db_state
from tests.wallets import Wallet as Keypair

pytestmark = pytest.mark.django_db

WALLET_KEYS = {"address", "caip10", "isPrimary", "linkedAt", "lastSignInAt"}
CAIP2 = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"


def _client_for(keypair: Keypair) -> APIClient:
    client = APIClient()
    response = client.post("/auth/login", keypair.login_body(), format="json")
    assert response.status_code == 201, response.content
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    client.login_body = response.json()  # type: ignore[attr-defined]
    return client


def _account_id(client: APIClient) -> str:
    return client.login_body["user"]["id"]  # type: ignore[attr-defined]


def _linked(client: APIClient, keypair: Keypair | None = None) -> Keypair:
    keypair = keypair or Keypair()
    response = client.post("/auth/wallets", keypair.link_body(_account_id(client)), format="json")
    assert response.status_code == 201, response.content
    return keypair


def _refused(response, status: int, message) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {key: body[key] for key in ("statusCode", "message")} == {
        "statusCode": status,
        "message": message,
    }


@pytest.fixture
def primary() -> Keypair:
    return Keypair()


@pytest.fixture
def client(primary) -> APIClient:
    return _client_for(primary)


def test_the_list_of_a_new_account_is_its_primary_wallet(client, primary):
    response = client.get("/auth/wallets")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (wallet,) = response.json()
    assert set(wallet) == WALLET_KEYS
    assert wallet["address"] == primary.address
    assert wallet["caip10"] == f"{CAIP2}:{primary.address}"
    assert wallet["isPrimary"] is True
    assert wallet["linkedAt"].endswith("Z") and wallet["lastSignInAt"].endswith("Z")


def test_the_wallets_need_a_token():
    assert APIClient().get("/auth/wallets").status_code == 401
    assert APIClient().post("/auth/wallets", {}, format="json").status_code == 401


@pytest.mark.parametrize("form", ["A", "B"])
def test_link_answers_201_with_the_wallet_and_it_signs_in_to_the_account(client, primary, form):
    keypair = Keypair()
    account = _account_id(client)
    body = keypair.link_body(account) if form == "A" else keypair.link_siws_body(account)
    response = client.post("/auth/wallets/", body, format="json")  # trailing slash too
    assert response.status_code == 201, response.content
    assert response.json() | {"linkedAt": None} == {
        "address": keypair.address,
        "caip10": f"{CAIP2}:{keypair.address}",
        "isPrimary": False,
        "linkedAt": None,
        "lastSignInAt": None,
    }
    listed = client.get("/auth/wallets").json()
    assert [(w["address"], w["isPrimary"]) for w in listed] == [
        (primary.address, True),
        (keypair.address, False),
    ]
    # Signing in with the linked wallet: the same account, its address the primary's.
    login = APIClient().post("/auth/login", keypair.login_body(), format="json").json()
    assert login["user"]["id"] == account
    assert login["user"]["address"] == primary.address


def test_a_proof_for_another_account_is_400_and_changes_nothing(client):
    stranger = _client_for(Keypair())
    keypair = Keypair()
    for body in (
        keypair.link_body(_account_id(stranger)),
        keypair.link_siws_body(_account_id(stranger)),
    ):
        before = db_state()
        response = client.post("/auth/wallets", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["error"] == "Bad Request"
        assert db_state() == before


def test_a_replayed_link_proof_is_400_and_changes_nothing(client):
    keypair = Keypair()
    body = keypair.link_body(_account_id(client))
    assert client.post("/auth/wallets", body, format="json").status_code == 201
    Wallet.objects.filter(address=keypair.address).delete()
    before = db_state()
    response = client.post("/auth/wallets", body, format="json")
    _refused(response, 400, "Signature has already been used")
    assert response.json()["error"] == "Bad Request"
    assert db_state() == before


@pytest.mark.parametrize("whose", ["the primary", "a linked one", "another account's"])
def test_linking_a_wallet_that_belongs_to_an_account_is_409_and_changes_nothing(
    client, primary, whose
):
    if whose == "the primary":
        keypair = primary
    elif whose == "a linked one":
        keypair = _linked(client)
    else:
        keypair = Keypair()
        _client_for(keypair)  # its first sign-in makes it another account's primary
    before = db_state()
    response = client.post("/auth/wallets", keypair.link_body(_account_id(client)), format="json")
    assert response.json() == {
        "statusCode": 409,
        "message": "Wallet is already linked to an account",
        "error": "Conflict",
    }
    assert db_state() == before


def test_a_malformed_link_body_is_400_with_the_fields_and_changes_nothing(client):
    before = db_state()
    response = client.post(
        "/auth/wallets", {"address": "0OIl", "signature": "x", "timestamp": 1}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request"
    assert body["errors"] == {
        "address": ["not valid base58"],
        "signature": ["must decode to 64 bytes, got 1"],
    }
    assert db_state() == before


def test_primary_answers_the_list_and_the_profile_follows(client, primary):
    linked = _linked(client)
    response = client.post(f"/auth/wallets/{linked.address}/primary")
    assert response.status_code == 200, response.content
    assert [(w["address"], w["isPrimary"]) for w in response.json()] == [
        (linked.address, True),
        (primary.address, False),
    ]
    assert client.get("/auth/my-profile").json()["address"] == linked.address
    public = client.get(f"/users/{primary.address}").json()
    assert (public["id"], public["address"]) == (_account_id(client), linked.address)
    login = APIClient().post("/auth/login", primary.login_body(), format="json").json()
    assert login["user"]["address"] == linked.address


@pytest.mark.parametrize("path_address", ["another account's", "unknown", "not-a-uuid", "1" * 80])
def test_primary_of_a_wallet_not_the_callers_is_404_and_changes_nothing(client, path_address):
    stranger = Keypair()
    _client_for(stranger)
    address = {"another account's": stranger.address, "unknown": Keypair().address}.get(
        path_address, path_address
    )
    before = db_state()
    response = client.post(f"/auth/wallets/{address}/primary")
    assert response.json() == {
        "statusCode": 404,
        "message": "Wallet not found",
        "error": "Not Found",
    }
    assert db_state() == before


def test_unlink_answers_the_list_and_revokes_the_sessions_of_that_wallet(client, primary):
    linked = _linked(client)
    linked_client = _client_for(linked)
    assert linked_client.get("/auth/my-profile").status_code == 200
    response = client.delete(f"/auth/wallets/{linked.address}")
    assert response.status_code == 200, response.content
    assert [w["address"] for w in response.json()] == [primary.address]
    assert linked_client.get("/auth/my-profile").status_code == 401
    assert client.get("/auth/my-profile").status_code == 200
    # Free again: it signs in to a new, empty account.
    login = APIClient().post("/auth/login", linked.login_body(), format="json").json()
    assert login["user"]["id"] != _account_id(client)
    assert login["user"]["address"] == linked.address


def test_unlinking_the_only_wallet_or_the_primary_is_409_and_changes_nothing(client, primary):
    before = db_state()
    _refused(
        client.delete(f"/auth/wallets/{primary.address}"),
        409,
        "An account's only wallet cannot be unlinked",
    )
    assert db_state() == before
    _linked(client)
    before = db_state()
    response = client.delete(f"/auth/wallets/{primary.address}")
    assert response.json() == {
        "statusCode": 409,
        "message": "The primary wallet cannot be unlinked; make another wallet primary first",
        "error": "Conflict",
    }
    assert db_state() == before


@pytest.mark.parametrize("path_address", ["another account's", "unknown", "not-a-uuid", "%20"])
def test_unlinking_a_wallet_not_the_callers_is_404_and_changes_nothing(client, path_address):
    _linked(client)
    stranger_client = _client_for(Keypair())
    stranger_linked = _linked(stranger_client)
    address = {"another account's": stranger_linked.address, "unknown": Keypair().address}.get(
        path_address, path_address
    )
    before = db_state()
    response = client.delete(f"/auth/wallets/{address}")
    assert response.json() == {
        "statusCode": 404,
        "message": "Wallet not found",
        "error": "Not Found",
    }
    assert db_state() == before


def test_a_public_profile_is_found_by_any_of_the_accounts_wallets(client, primary):
    linked = _linked(client)
    for identifier in (_account_id(client), primary.address, linked.address):
        response = client.get(f"/users/{identifier}")
        assert response.status_code == 200
        assert response.json()["id"] == _account_id(client)
        assert response.json()["address"] == primary.address


def test_deleting_the_account_frees_every_wallet(client, primary):
    linked = _linked(client)
    assert client.delete("/users").status_code == 200
    assert not User.objects.exists()
    for keypair in (primary, linked):
        login = APIClient().post("/auth/login", keypair.login_body(), format="json").json()
        assert login["user"]["id"] != _account_id(client)
        assert login["user"]["username"] is None


def test_a_banned_account_signs_in_with_none_of_its_wallets(client, primary):
    from backoffice import moderation

    linked = _linked(client)
    moderation.user_ban(actor=None, user=User.objects.get(pk=_account_id(client)))
    for keypair in (primary, linked):
        response = APIClient().post("/auth/login", keypair.login_body(), format="json")
        _refused(response, 403, "Account is banned")
    assert User.objects.count() == 1
