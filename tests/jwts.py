"""Tokens signed with the service's real keys but with claims (or headers) of the wrong type
or shape."""

from collections.abc import Mapping
from typing import Any

import jwt
from django.conf import settings

from signing_keys import key_set

DROP = object()  # as a claim's new value: remove the claim

# Each: the claims changed in an otherwise valid token; every one of them must be refused.
MALFORMED_CLAIMS: dict[str, dict[str, object]] = {
    "exp numeric string": {"exp": lambda claims: str(claims["exp"])},
    "iat numeric string": {"iat": lambda claims: str(claims["iat"])},
    "nbf numeric string": {"nbf": lambda claims: str(claims["iat"])},
    "exp list": {"exp": lambda claims: [claims["exp"]]},
    "exp object": {"exp": {}},
    "exp null": {"exp": None},
    "exp true": {"exp": True},
    "iat true": {"iat": True},
    "nbf false": {"nbf": False},
    "exp 1e20": {"exp": 1e20},
    "exp 10**20": {"exp": 10**20},
    "exp in year 10000": {"exp": 253402300800},
    "exp NaN": {"exp": float("nan")},
    "exp Infinity": {"exp": float("inf")},
    "iat -1e20": {"iat": -1e20},
    "nbf -10**20": {"nbf": -(10**20)},
    "exp missing": {"exp": DROP},
    "iat missing": {"iat": DROP},
    "jti missing": {"jti": DROP},
    "jti not simplejwt's": {"jti": "x" * 32},
    "sid number": {"sid": 5},
    "sid list": {"sid": lambda claims: [claims["sid"]]},
    "sid not a uuid": {"sid": "not-a-uuid"},
    "sid missing": {"sid": DROP},
    "sub not a uuid": {"sub": "not-a-uuid"},
}


def resigned(
    token: str, changes: Mapping[str, object], *, headers: Mapping[str, Any] | None = None
) -> str:
    """``token`` with ``changes`` to its claims (and ``headers`` to its header), signed again
    with the key that signed it: the active signing key for an access token, the HS256
    ``SIGNING_KEY`` for a refresh token (and an access token under HS256).

    A callable value is called with the original claims.
    """
    original = jwt.decode(token, options={"verify_signature": False})
    claims = dict(original)
    for claim, new in changes.items():
        if new is DROP:
            del claims[claim]
        else:
            claims[claim] = new(original) if callable(new) else new
    header = jwt.get_unverified_header(token)
    key: Any = settings.SIMPLE_JWT["SIGNING_KEY"]
    algorithm = header["alg"]
    if "kid" in header:
        signing = key_set.current().signing
        assert signing is not None and signing.kid == header["kid"]
        key = signing.private_key
    extra = {name: value for name, value in header.items() if name != "alg"}
    return jwt.encode(claims, key, algorithm=algorithm, headers=extra | dict(headers or {}))


def signed_with(claims: Mapping[str, Any], key: Any, algorithm: str, **header: Any) -> str:
    """A JWT of ``claims`` signed by ``key`` with ``header`` (PyJWT adds ``alg``)."""
    return jwt.encode(dict(claims), key, algorithm=algorithm, headers=header or None)
