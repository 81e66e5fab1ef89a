"""Tokens signed with the service's real key but with claims of the wrong type or shape."""

from collections.abc import Mapping

import jwt
from django.conf import settings

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


def resigned(token: str, changes: Mapping[str, object]) -> str:
    """``token`` with ``changes`` to its claims, signed again with the signing key.

    A callable value is called with the original claims.
    """
    original = jwt.decode(token, options={"verify_signature": False})
    claims = dict(original)
    for claim, new in changes.items():
        if new is DROP:
            del claims[claim]
        else:
            claims[claim] = new(original) if callable(new) else new
    return jwt.encode(
        claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm=settings.SIMPLE_JWT["ALGORITHM"]
    )
