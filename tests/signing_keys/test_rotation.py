"""Rotation, withdrawal and purge (signing_keys/services.py, manage.py signing_keys)."""

from datetime import timedelta
from io import StringIO

import jwt
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from signing_keys import key_set, services
from signing_keys.key_set import KeySet, SigningKeyInUse
from signing_keys.models import KeyState, SigningKey

pytestmark = pytest.mark.django_db


def _signing(keys: KeySet) -> SigningKeyInUse:
    assert keys.signing is not None
    return keys.signing


def _states() -> dict[str, str]:
    return dict(SigningKey.objects.values_list("kid", "state"))


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def _status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/auth/my-profile").status_code


def _published() -> set[str]:
    return {jwk["kid"] for jwk in APIClient().get("/.well-known/jwks.json").json()["keys"]}


def test_a_key_is_published_one_rotation_before_it_signs(sign_in, wallet):
    before = sign_in(wallet, APIClient())
    states = _states()
    upcoming = next(kid for kid, state in states.items() if state == KeyState.NEXT)
    assert upcoming in _published()
    assert _kid(before["token"]) != upcoming  # published, not signing

    later = timezone.now() + timedelta(seconds=settings.JWKS_MAX_AGE_SECONDS + 1)
    rotation = services.key_rotate(now=later)
    assert rotation.activated == upcoming
    assert rotation.retired == _kid(before["token"])
    after = sign_in(wallet, APIClient())
    assert _kid(after["token"]) == upcoming
    # The retired key still verifies its tokens and is still published; the new next too.
    assert _status(before["token"]) == 200
    assert {rotation.retired, upcoming, rotation.published} == _published()
    retired = SigningKey.objects.get(kid=rotation.retired)
    assert retired.retire_after == later + settings.ACCESS_TOKEN_LIFETIME


def test_a_rotation_waits_for_the_jwks_cache_lifetime(db):
    key_set.current()
    with pytest.raises(services.RotationTooSoon):
        services.key_rotate()
    assert services.key_rotate(force=True).retired is not None


def test_a_retired_key_leaves_the_jwks_when_its_tokens_have_expired_and_is_purged(db):
    key_set.current()
    now = timezone.now()
    rotation = services.key_rotate(now=now, force=True)
    assert rotation.retired in _published()
    SigningKey.objects.filter(kid=rotation.retired).update(retire_after=now - timedelta(seconds=1))
    key_set.key_sets.invalidate()
    assert rotation.retired not in _published()
    assert services.keys_purge() == [rotation.retired]
    assert rotation.retired not in _states()


def test_withdrawing_the_signing_key_promotes_the_next_one_and_forgets_the_private_half(db):
    first = key_set.current()
    kid, upcoming = (
        _signing(first).kid,
        next(k for k in first.published if k != _signing(first).kid),
    )
    services.key_withdraw(kid=kid)
    withdrawn = SigningKey.objects.get(kid=kid)
    assert withdrawn.state == KeyState.WITHDRAWN and withdrawn.private_key_encrypted == ""
    now = key_set.current()
    assert _signing(now).kid == upcoming
    assert kid not in _published()
    assert len(now.published) == 2  # the new signing key and a new next one


def test_the_command(db):
    out = StringIO()
    call_command("signing_keys", "ensure", stdout=out)
    call_command("signing_keys", "rotate", "--force", stdout=out)
    call_command("signing_keys", "list", stdout=out)
    listing = out.getvalue()
    for kid, state in _states().items():
        assert f"{kid}\tES256\t{state}\t" in listing
    assert "PRIVATE" not in listing and "gAAAA" not in listing  # no key, no Fernet token
    active = next(kid for kid, state in _states().items() if state == KeyState.ACTIVE)
    call_command("signing_keys", "withdraw", active, stdout=out)
    assert _states()[active] == KeyState.WITHDRAWN
    with pytest.raises(CommandError, match="No signing key nope"):
        call_command("signing_keys", "withdraw", "nope")
    call_command("signing_keys", "reencrypt", stdout=out)
    call_command("signing_keys", "purge", stdout=out)
    assert "purged 0 retired key(s)" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_first_key_is_committed_on_its_own_when_the_first_sign_in_fails(monkeypatch, wallet):
    """Made before the sign-in's transaction: a failed sign-in cannot roll back a key that
    this process then keeps signing with."""

    def audit_down(**kwargs):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr("signin.services.audit_record", audit_down)
    failed = APIClient().post("/auth/login", wallet.login_body(), format="json")
    assert failed.status_code == 500
    assert sorted(SigningKey.objects.values_list("state", flat=True)) == ["active", "next"]
    monkeypatch.undo()
    body = APIClient().post("/auth/login", wallet.login_body(), format="json").json()
    assert _kid(body["token"]) in _states()
