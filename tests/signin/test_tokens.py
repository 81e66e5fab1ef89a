"""The token classes every token the service reads goes through (accounts/tokens.py)."""

import uuid

import pytest
from rest_framework_simplejwt.exceptions import TokenError

from accounts.models import User
from signin.models import SignIn
from signin.tokens import (
    AccessToken,
    RefreshToken,
    token_pair_issue,
    token_sign_in_id,
    token_user_id,
)
from tests.jwts import MALFORMED_CLAIMS, resigned

pytestmark = pytest.mark.django_db  # access tokens are signed by the stored keys


def _pair():
    sign_in = SignIn(id=uuid.uuid4(), user=User(id=uuid.uuid4()))
    return sign_in, token_pair_issue(sign_in)


@pytest.mark.parametrize("kind", ["access", "refresh"])
@pytest.mark.parametrize("changes", MALFORMED_CLAIMS.values(), ids=MALFORMED_CLAIMS)
def test_a_validly_signed_token_with_a_malformed_claim_is_refused(kind, changes):
    cls = AccessToken if kind == "access" else RefreshToken
    _, pair = _pair()
    with pytest.raises(TokenError):
        # simplejwt annotates the encoded token as a Token; it is the JWT's text.
        cls(resigned(getattr(pair, kind), changes))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_a_verified_token_can_be_compared_with_the_clock_and_names_its_ids(kind):
    cls = AccessToken if kind == "access" else RefreshToken
    sign_in, pair = _pair()
    # RFC 7519's NumericDate may have a fraction, and nbf is optional.
    changes = {"exp": lambda claims: claims["exp"] + 0.5, "nbf": lambda claims: claims["iat"]}
    token = cls(resigned(getattr(pair, kind), changes))  # type: ignore[arg-type]  # as above
    token.check_exp()
    assert token_sign_in_id(token) == sign_in.id
    assert token_user_id(token) == sign_in.user.id


def test_the_access_token_of_a_pair_is_the_checked_class():
    refresh = RefreshToken(_pair()[1].refresh)
    assert isinstance(refresh.access_token, AccessToken)
