"""Access tokens as RFC 9068 JWTs signed by the key set, and every bad one a 401 JSON."""

import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from jwt.algorithms import ECAlgorithm, HMACAlgorithm
from jwt.utils import base64url_encode
from rest_framework.test import APIClient

from accounts.models import User
from signin.models import SignIn
from signing_keys import crypto, key_set, services
from signing_keys.key_set import KeySet, SigningKeyInUse
from tests.jwts import resigned, signed_with

pytestmark = pytest.mark.django_db


def _signing(keys: KeySet) -> SigningKeyInUse:
    assert keys.signing is not None
    return keys.signing


INVALID = {"statusCode": 401, "message": "Invalid or expired token", "error": "Unauthorized"}


def _get(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/auth/my-profile")


def _verified_with_jwks(token: str) -> dict:
    """What another service does: the key by kid from the JWKS, its algorithm only."""
    header = jwt.get_unverified_header(token)
    jwks = APIClient().get("/.well-known/jwks.json").json()
    jwk = next(key for key in jwks["keys"] if key["kid"] == header["kid"])
    return jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=[jwk["alg"]],
        audience=settings.SIMPLE_JWT["AUDIENCE"],
        issuer=settings.SIMPLE_JWT["ISSUER"],
    )


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA"])
def test_an_asymmetric_access_token_is_accepted_and_verifiable_by_others(
    settings, sign_in, wallet, algorithm
):
    settings.JWT_ALGORITHM = algorithm
    body = sign_in(wallet, APIClient())
    header = jwt.get_unverified_header(body["token"])
    assert header["alg"] == algorithm and header["typ"] == "at+jwt"
    assert header["kid"] == _signing(key_set.current()).kid
    assert _get(body["token"]).status_code == 200
    claims = _verified_with_jwks(body["token"])
    user = User.objects.get(address=wallet.address)
    sign_in_row = SignIn.objects.get(user=user)
    assert claims["sub"] == str(user.id)
    assert claims["sid"] == str(sign_in_row.id)
    assert claims["wallet"] == wallet.address
    assert claims["client_id"] == "launchpad-web"
    assert claims["iss"] == "launchpad-auth" and claims["aud"] == "launchpad-api"
    assert claims["exp"] - claims["iat"] == 900
    assert len(claims["jti"]) == 32


def test_the_refresh_token_stays_hs256_and_the_refreshed_access_token_is_asymmetric(
    sign_in, wallet
):
    body = sign_in(wallet, APIClient())
    assert jwt.get_unverified_header(body["refreshToken"])["alg"] == "HS256"
    response = APIClient().post(
        "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
    )
    token = response.json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert _verified_with_jwks(token)["wallet"] == wallet.address


def test_hs256_stays_available_for_compatibility(settings, sign_in, wallet):
    settings.JWT_ALGORITHM = "HS256"
    body = sign_in(wallet, APIClient())
    header = jwt.get_unverified_header(body["token"])
    assert header == {"alg": "HS256", "typ": "at+jwt"}
    jwt.decode(
        body["token"],
        settings.SIMPLE_JWT["SIGNING_KEY"],
        algorithms=["HS256"],
        audience="launchpad-api",
    )
    assert _get(body["token"]).status_code == 200
    assert APIClient().get("/.well-known/jwks.json").json() == {"keys": []}


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _bad_tokens(token: str) -> dict[str, str]:
    claims = _claims(token)
    header = jwt.get_unverified_header(token)
    signing = _signing(key_set.current())
    public_pem = signing.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    other = crypto.key_generate("ES256")
    other_key = crypto.private_key_decrypt(other.private_key_encrypted, kid=other.kid)
    ed_key = crypto.key_generate("EdDSA")
    return {
        "unknown kid": signed_with(claims, signing.private_key, "ES256", typ="at+jwt", kid="nope"),
        "kid not a string": _jws(
            {"alg": "ES256", "typ": "at+jwt", "kid": 5},
            claims,
            ECAlgorithm(ECAlgorithm.SHA256),
            signing.private_key,
        ),
        "no kid": signed_with(claims, signing.private_key, "ES256", typ="at+jwt"),
        "another key under the real kid": signed_with(
            claims, other_key, "ES256", typ="at+jwt", kid=header["kid"]
        ),
        "typ JWT": resigned(token, {}, headers={"typ": "JWT"}),
        "no typ": signed_with(claims, signing.private_key, "ES256", kid=header["kid"]),
        "EdDSA under an ES256 kid": signed_with(
            claims,
            crypto.private_key_decrypt(ed_key.private_key_encrypted, kid=ed_key.kid),
            "EdDSA",
            typ="at+jwt",
            kid=header["kid"],
        ),
        # Algorithm confusion: the public key as an HMAC secret.
        "HS256 with the public key as secret": _jws(
            {"alg": "HS256", "typ": "at+jwt", "kid": header["kid"]},
            claims,
            HMACAlgorithm(HMACAlgorithm.SHA256),
            public_pem,
        ),
        "none": jwt.encode(
            claims, "", algorithm="none", headers={"typ": "at+jwt", "kid": header["kid"]}
        ),
        "garbage": "not.a.jwt",
        "header not an object": _jws(
            ["ES256"],  # type: ignore[arg-type]
            claims,
            ECAlgorithm(ECAlgorithm.SHA256),
            signing.private_key,
        ),
        "typ a list": _jws(
            {"alg": "ES256", "typ": ["at+jwt"], "kid": header["kid"]},
            claims,
            ECAlgorithm(ECAlgorithm.SHA256),
            signing.private_key,
        ),
        "claims not an object": _jws(
            {"alg": "ES256", "typ": "at+jwt", "kid": header["kid"]},
            [claims],  # type: ignore[arg-type]
            ECAlgorithm(ECAlgorithm.SHA256),
            signing.private_key,
        ),
        "a refresh token": "",  # filled in by the test
    }


def _jws(header: dict, claims: dict, algorithm, key) -> str:
    """A compact JWS of exactly ``header``, signed by PyJWT's own algorithm object: for the
    headers and keys PyJWT's ``encode`` refuses to make (a PEM as an HMAC secret)."""
    parts = [base64url_encode(json.dumps(part).encode()) for part in (header, claims)]
    signing_input = b".".join(parts)
    signature = algorithm.sign(signing_input, key)
    return (signing_input + b"." + base64url_encode(signature)).decode()


def test_every_bad_token_is_401_json_never_500(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    bad = _bad_tokens(body["token"])
    bad["a refresh token"] = body["refreshToken"]
    for name, token in bad.items():
        for _ in range(2):  # a refused token is not cached as verified
            response = _get(token)
            assert response.status_code == 401, name
            assert response.json() == INVALID, name
    assert _get(body["token"]).status_code == 200


def test_a_withdrawn_key_s_tokens_are_refused_at_once_though_verified_before(sign_in, wallet):
    body = sign_in(wallet, APIClient())
    assert _get(body["token"]).status_code == 200  # verified and cached by this worker
    services.key_withdraw(kid=jwt.get_unverified_header(body["token"])["kid"])
    response = _get(body["token"])
    assert response.status_code == 401
    assert response.json() == INVALID
    # A new sign-in signs with the next key, published before.
    again = sign_in(wallet, APIClient())
    assert _get(again["token"]).status_code == 200


def test_jwks_content_and_caching(sign_in, wallet):
    response = APIClient().get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={settings.JWKS_MAX_AGE_SECONDS}"
    keys = response.json()["keys"]
    published = key_set.current().published
    assert {key["kid"] for key in keys} == set(published)
    for key in keys:
        assert set(key) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
    assert APIClient().get("/.well-known/jwks.json/").status_code == 200
    wrong = APIClient().post("/.well-known/jwks.json")
    assert wrong.status_code == 405 and wrong.json()["statusCode"] == 405
    assert "x-ratelimit-limit" in response
