"""A sign-in's absolute lifetime: refreshing never extends it, and no token outlives it."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from signin import services
from signin.exceptions import TokenRejected
from signin.models import SignIn
from tests.proofs import timestamp_proof
from tests.wallets import Wallet


def _sign_in(wallet: Wallet, now):
    proof = timestamp_proof(wallet, now)
    return services.wallet_sign_in(proof=proof, ip_address=None, user_agent="", now=now)


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.django_db
def test_refreshing_never_extends_a_sign_in_past_its_lifetime(settings):
    """The audit's case: refresh lifetime 6 s, refreshed every 4 s; the session lifetime
    (10 s here) ends it however often it is refreshed."""
    settings.SESSION_LIFETIME = timedelta(seconds=10)
    start = timezone.now()
    result = _sign_in(Wallet(), start)
    assert result.sign_in.expires_at == start + timedelta(seconds=10)
    refresh = result.tokens.refresh
    for seconds in (4, 8):
        refresh = services.token_refresh(
            raw_refresh_token=refresh, now=start + timedelta(seconds=seconds)
        ).refresh
    with pytest.raises(TokenRejected, match="Session has expired"):
        services.token_refresh(raw_refresh_token=refresh, now=start + timedelta(seconds=12))
    # Refused without being spent: it is not reuse, and nothing was written.
    stored = SignIn.objects.get(pk=result.sign_in.pk)
    assert stored.revoked_at is None
    assert stored.last_used_at == start + timedelta(seconds=8)


@pytest.mark.django_db
def test_no_token_outlives_its_sign_in(settings):
    settings.SESSION_LIFETIME = timedelta(seconds=60)
    result = _sign_in(Wallet(), timezone.now())
    session_end = int(result.sign_in.expires_at.timestamp())
    assert _claims(result.tokens.access)["exp"] == session_end
    assert _claims(result.tokens.refresh)["exp"] == session_end
    assert result.tokens.expires_in in (59, 60)
    rotated = services.token_refresh(raw_refresh_token=result.tokens.refresh)
    assert _claims(rotated.access)["exp"] == session_end
    assert _claims(rotated.refresh)["exp"] == session_end


@pytest.mark.django_db
def test_a_long_session_keeps_the_token_lifetimes(settings):
    result = _sign_in(Wallet(), timezone.now())
    claims = _claims(result.tokens.access)
    assert claims["exp"] - claims["iat"] == settings.ACCESS_TOKEN_LIFETIME.total_seconds()
    assert result.tokens.expires_in == settings.ACCESS_TOKEN_LIFETIME.total_seconds()
    assert result.sign_in.expires_at - result.sign_in.created_at == timedelta(days=30)


@pytest.mark.django_db
def test_an_ended_sign_in_is_401_for_its_access_token(auth_client):
    """Tokens made before the lifetime existed may outlast it; the database read says no."""
    assert auth_client.get("/auth/my-profile").status_code == 200
    SignIn.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    cache.clear()  # the sign-in cache may hold the earlier read
    response = auth_client.get("/auth/my-profile")
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Token has been revoked",
        "error": "Unauthorized",
    }
    refresh = auth_client.login_body["refreshToken"]
    refused = auth_client.post("/auth/refresh", {"refreshToken": refresh}, format="json")
    assert refused.status_code == 401
    assert refused.json()["message"] == "Session has expired; sign in again"


@pytest.mark.django_db(transaction=True)
def test_existing_sign_ins_end_a_lifetime_after_they_started():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_audit_jurisdiction_actions")])
    old_apps = executor.loader.project_state([("accounts", "0004_audit_jurisdiction_actions")]).apps
    user = old_apps.get_model("accounts", "User").objects.create(address=Wallet().address)
    started = timezone.now() - timedelta(days=40)
    old = old_apps.get_model("accounts", "SignIn").objects.create(
        user=user, refresh_jti="j", created_at=started
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = SignIn.objects.get(pk=old.pk)
    assert migrated.expires_at == started + settings.SESSION_LIFETIME
    # Forty days old with a thirty-day lifetime: ended.
    with pytest.raises(TokenRejected):
        services.token_refresh(raw_refresh_token=_refresh_for(migrated), now=timezone.now())


def _refresh_for(sign_in: SignIn) -> str:
    """A refresh token as the sign-in's current one, as a release before this one made it."""
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken.for_user(sign_in.user)
    refresh["sid"] = str(sign_in.pk)
    SignIn.objects.filter(pk=sign_in.pk).update(refresh_jti=refresh["jti"])
    return str(refresh)
