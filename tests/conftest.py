import django.test.client
import pytest
import rest_framework.test
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role, User
from signin.services import user_create_for_wallet
from signing_keys import key_set
from tests.clients import RoutedClientHandler, RoutedForceAuthClientHandler
from tests.signed_in import SignedInClient
from tests.wallets import Wallet


@pytest.fixture(autouse=True, scope="session")
def _production_middleware_chains():
    """Every test client sends API paths through the API's chain, as gunicorn does."""
    patch = pytest.MonkeyPatch()
    patch.setattr(django.test.client, "ClientHandler", RoutedClientHandler)
    patch.setattr(rest_framework.test, "ForceAuthClientHandler", RoutedForceAuthClientHandler)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _signing_keys_read_again():
    """Each test reads the signing keys from its own database (rolled back after it)."""
    key_set.key_sets.invalidate()
    yield
    key_set.key_sets.invalidate()


@pytest.fixture
def empty_cache() -> None:
    """The cache emptied first: counters, sign-in entries and versions of earlier tests."""
    cache.clear()


@pytest.fixture
def wallet() -> Wallet:
    return Wallet()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def sign_in(api_client, db):
    """Sign a wallet in through the API; returns the 201 response's JSON."""

    def _sign_in(wallet: Wallet, client: APIClient | None = None) -> dict:
        response = (client or api_client).post("/auth/login", wallet.login_body(), format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return _sign_in


@pytest.fixture
def auth_client(wallet, sign_in):
    """An APIClient authenticated by Bearer token as a freshly signed-in wallet."""
    client = SignedInClient()
    body = sign_in(wallet, client)
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    client.login_body = body
    return client


@pytest.fixture
def user(db) -> User:
    return user_create_for_wallet(address=Wallet().address)


@pytest.fixture
def admin_user(db) -> User:
    return user_create_for_wallet(address=Wallet().address, role=Role.ADMIN)


@pytest.fixture
def super_admin(db) -> User:
    return user_create_for_wallet(address=Wallet().address, role=Role.SUPER_ADMIN)
