"""Another service's view: PyJWT's PyJWKClient fetches the live server's JWKS and verifies
its tokens, and refuses them once their key is withdrawn."""

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from signing_keys import services
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db(transaction=True)


def _verify(client: jwt.PyJWKClient, token: str) -> dict:
    return jwt.decode(
        token,
        client.get_signing_key_from_jwt(token).key,
        algorithms=["ES256", "EdDSA"],
        audience=settings.SIMPLE_JWT["AUDIENCE"],
        issuer=settings.SIMPLE_JWT["ISSUER"],
    )


def test_pyjwkclient_verifies_live_tokens_and_refuses_them_after_withdrawal(live_server):
    wallet = Wallet()
    body = APIClient().post("/auth/login", wallet.login_body(), format="json").json()
    url = f"{live_server.url}/.well-known/jwks.json"
    claims = _verify(jwt.PyJWKClient(url), body["token"])
    assert claims["wallet"] == wallet.address

    services.key_withdraw(kid=jwt.get_unverified_header(body["token"])["kid"])
    # PyJWKClient caches the set: a new client, as a verifier does after max-age.
    with pytest.raises(jwt.PyJWKClientError, match="Unable to find a signing key"):
        _verify(jwt.PyJWKClient(url, cache_jwk_set=False), body["token"])
    # The next key (published before it signs) takes over.
    again = APIClient().post("/auth/login", wallet.login_body(), format="json").json()
    assert _verify(jwt.PyJWKClient(url, cache_jwk_set=False), again["token"])["sub"]
