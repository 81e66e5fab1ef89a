"""A key change made by another process is seen by this one at its next request, on Redis
(signing_keys/key_set.py, "At once everywhere"): the writer announces a new version after
its commit; a reader that sees it reads the keys again before it answers.

"Another process" is played here by writing what its command commits (the key's row) and
then what it announces (the version), while this process's key set would otherwise be kept
for an hour.
"""

import base64
import uuid
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from service_clients.services import service_client_create
from signing_keys import key_set, services
from signing_keys.models import KeyState, SigningKey
from tests.backends import redis_only
from tests.signed_in import SignedInClient
from tests.wallets import Wallet

pytestmark = [
    redis_only("the version is announced in Redis"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _keys_kept_for_an_hour(settings):
    cache.clear()
    settings.SIGNING_KEYS_REFRESH_SECONDS = 3600


def _signed_in() -> tuple[SignedInClient, str]:
    client = SignedInClient()
    response = client.post("/auth/login", Wallet().login_body(), format="json")
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client, token


def _withdrawn_elsewhere(kid: str) -> None:
    """What another process's ``signing_keys withdraw`` leaves: the row, then the version."""
    SigningKey.objects.filter(kid=kid).update(
        state=KeyState.WITHDRAWN, withdrawn_at=timezone.now(), private_key_encrypted=""
    )
    cache_client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    cache_client.set(key_set.version_key(), uuid.uuid4().hex)


def _signing_kid() -> str:
    signing = key_set.current().signing
    assert signing is not None
    return signing.kid


def test_a_withdrawal_elsewhere_is_refused_at_the_next_request():
    client, _ = _signed_in()
    assert client.get("/auth/my-profile").status_code == 200  # verified, key set in memory
    _withdrawn_elsewhere(_signing_kid())
    response = client.get("/auth/my-profile")
    assert response.status_code == 401, response.content
    assert response.json()["message"] == "Invalid or expired token"


def test_without_an_announcement_the_process_keeps_its_keys_until_the_interval():
    """The control: the same database change, no version, and the token still verifies
    (so the test above is the announcement's doing)."""
    client, _ = _signed_in()
    assert client.get("/auth/my-profile").status_code == 200
    SigningKey.objects.filter(kid=_signing_kid()).update(state=KeyState.WITHDRAWN)
    assert client.get("/auth/my-profile").status_code == 200


def _introspected(token: str, authorization: str) -> dict:
    return (
        APIClient()
        .post(
            "/oauth/introspect",
            urlencode({"token": token}),
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=authorization,
        )
        .json()
    )


def test_the_jwks_and_introspection_see_a_withdrawal_elsewhere_at_once():
    client, token = _signed_in()
    kid = _signing_kid()
    created = service_client_create(name="indexer")
    basic = base64.b64encode(f"{created.client.client_id}:{created.secret}".encode()).decode()
    authorization = f"Basic {basic}"
    assert kid in {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert _introspected(token, authorization)["active"] is True
    _withdrawn_elsewhere(kid)
    assert kid not in {key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]}
    assert _introspected(token, authorization) == {"active": False}


def test_a_withdrawal_announces_a_new_version_after_its_commit():
    kid = _signing_kid()
    cache_client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    before = cache_client.get(key_set.version_key())
    services.key_withdraw(kid=kid)
    after = cache_client.get(key_set.version_key())
    assert after is not None and after != before


@pytest.mark.parametrize(
    "change",
    [
        lambda: services.key_rotate(force=True),
        lambda: services.keys_purge(),
        lambda: services.keys_ensure_now(),
    ],
    ids=["rotate", "purge", "ensure"],
)
def test_every_key_change_announces_a_version(change):
    _signing_kid()
    cache_client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    before = cache_client.get(key_set.version_key())
    change()
    assert cache_client.get(key_set.version_key()) not in (None, before)
