"""A revocation through ``POST /oauth/revoke`` reaches the sign-in cache: a token whose
look-up was cached is refused on the very next request (Redis; the PostgreSQL + Redis pass)."""

import base64
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from service_clients.services import service_client_create
from tests.backends import redis_only
from tests.wallets import Wallet

pytestmark = [
    redis_only("the sign-in cache is Redis's"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_cache"),
]


def _signed_in() -> tuple[APIClient, dict]:
    client = APIClient()
    response = client.post("/auth/login", Wallet().login_body(), format="json")
    assert response.status_code == 201, response.content
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client, response.json()


def _revoke(client: APIClient, token: str) -> None:
    response = client.post(
        "/oauth/revoke",
        urlencode({"token": token}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


def _cached(client: APIClient, django_assert_num_queries) -> None:
    assert client.get("/auth/my-profile").status_code == 200  # fills the cache
    with django_assert_num_queries(0):
        assert client.get("/auth/my-profile").status_code == 200


@pytest.mark.parametrize("kind", ["token", "refreshToken"])
def test_holders_revocation_is_seen_through_the_cache(django_assert_num_queries, kind):
    client, login = _signed_in()
    _cached(client, django_assert_num_queries)
    _revoke(client, login[kind])
    assert client.get("/auth/my-profile").status_code == 401


def test_clients_revocation_is_seen_through_the_cache(django_assert_num_queries):
    client, login = _signed_in()
    _cached(client, django_assert_num_queries)
    created = service_client_create(name="indexer")
    service = APIClient()
    credentials = f"{created.client.client_id}:{created.secret}".encode()
    service.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(credentials).decode())
    _revoke(service, login["token"])
    assert client.get("/auth/my-profile").status_code == 401
