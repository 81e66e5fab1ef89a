"""``GET /users/me/export`` and ``accounts.export``: the whole of an account's data, no secret."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.export import EXPORTED, NOT_EXPORTED, account_export
from accounts.models import User
from audit.models import AuditAction, AuditEvent
from backoffice import moderation
from signin.models import SignIn, UsedSignInProof
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _login(wallet: Wallet, **environ: str) -> dict:
    client = APIClient()
    client.defaults.update(environ)
    response = client.post("/auth/login", wallet.login_body(), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(body: dict) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    return client


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _tables_about_accounts() -> set[str]:
    """Every model that refers to an account: a foreign key to it, or its uuid kept in a
    field named for it (kept after the account is deleted, or for a table of a cache)."""
    found = {_label(User)}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            points_at_user = getattr(field, "related_model", None) is User and field.concrete
            named_for_user = isinstance(field, models.UUIDField) and (
                field.name == "user_id" or field.name.endswith("_uuid")
            )
            if points_at_user or named_for_user:
                found.add(_label(model))
    return found


def test_every_table_about_an_account_is_exported_or_left_out_with_a_reason():
    assert set(EXPORTED).isdisjoint(NOT_EXPORTED)
    assert _tables_about_accounts() == set(EXPORTED) | set(NOT_EXPORTED)


def test_the_export_holds_every_row_about_the_account_and_no_secret(settings):
    wallet = Wallet()
    first = _login(wallet, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")
    second = _login(wallet)
    user = User.objects.get(address=wallet.address)
    client = _bearer(second)
    assert client.post("/users/register", {"username": "alice"}, format="json").status_code == 201
    linked = Wallet()
    link_body = linked.link_body(user.pk)
    response = client.post("/auth/wallets", link_body, format="json")
    assert response.status_code == 201, response.content
    assert client.post("/auth/logout").status_code == 201
    old = SignIn.objects.create(
        user=user, refresh_jti="old-jti", expires_at=timezone.now() - timedelta(days=1)
    )
    moderation.user_role_set(actor=None, user=user, role="admin")
    user.set_password("a long staff password 42")
    user.save(update_fields=["password"])
    # Someone else's rows are not in it.
    other = _login(Wallet())
    _bearer(other).post("/users/register", {"username": "bob"}, format="json")

    export = account_export(user=User.objects.get(pk=user.pk))

    assert export["profile"]["id"] == str(user.pk)
    assert export["profile"]["username"] == "alice"
    assert export["profile"]["role"] == "admin"
    assert [(w["address"], w["isPrimary"]) for w in export["wallets"]] == [
        (wallet.address, True),
        (linked.address, False),
    ]
    sessions = {session["id"]: session for session in export["sessions"]}
    assert set(sessions) == {
        str(pk) for pk in SignIn.objects.filter(user=user).values_list("pk", flat=True)
    }
    assert len(sessions) == 3
    assert sessions[str(old.pk)]["revokedAt"] is None
    browser = next(s for s in export["sessions"] if s["userAgent"] == FIREFOX)
    assert (browser["ip"], browser["device"], browser["wallet"]) == (
        "203.0.113.7",
        "Firefox on Linux",
        wallet.address,
    )
    assert sum(session["revokedAt"] is not None for session in export["sessions"]) == 1
    events = AuditEvent.objects.filter(subject_uuid=user.pk)
    assert [event["id"] for event in export["auditEvents"]] == list(
        events.order_by("-created_at", "-id").values_list("id", flat=True)
    )
    assert {event["action"] for event in export["auditEvents"]} >= {
        AuditAction.SIGN_IN_SUCCEEDED,
        AuditAction.USER_REGISTERED,
        AuditAction.LOGOUT,
        AuditAction.ROLE_CHANGED,
        AuditAction.WALLET_LINKED,
    }
    by = {event["action"]: event["by"] for event in export["auditEvents"]}
    assert (by[AuditAction.USER_REGISTERED], by[AuditAction.ROLE_CHANGED]) == ("you", None)

    text = json.dumps(export)
    user.refresh_from_db()
    secrets = [
        first["token"],
        first["refreshToken"],
        second["token"],
        second["refreshToken"],
        user.password,
        link_body["signature"],
        *SignIn.objects.filter(user=user).values_list("refresh_jti", flat=True),
        *UsedSignInProof.objects.values_list("key", flat=True),
    ]
    for secret in secrets:
        assert secret and secret not in text
    for body in (first, second):
        for part in body["token"].split("."):  # not even a piece of a token
            assert part not in text
    assert "bob" not in text and other["user"]["id"] not in text


def test_signature_of_the_sign_in_is_not_exported():
    wallet = Wallet()
    body = wallet.login_body()
    response = APIClient().post("/auth/login", body, format="json")
    assert response.status_code == 201
    user = User.objects.get(address=wallet.address)
    assert body["signature"] not in json.dumps(account_export(user=user))


def test_api_answers_the_callers_export_as_an_attachment(auth_client):
    response = auth_client.get("/users/me/export")
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == 'attachment; filename="account-export.json"'
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"exportedAt", *EXPORTED.values()}
    assert body["profile"]["id"] == auth_client.login_body["user"]["id"]
    assert auth_client.get("/users/me/export/").status_code == 200  # a trailing slash too


def test_api_needs_a_token(api_client):
    response = api_client.get("/users/me/export")
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401


def test_api_has_a_lower_limit_of_its_own(settings, auth_client):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/h"}
    first = auth_client.get("/users/me/export")
    assert first["x-ratelimit-limit"] == "2"
    assert auth_client.get("/users/me/export").status_code == 200
    refused = auth_client.get("/users/me/export")
    assert refused.status_code == 429
    assert refused.json()["statusCode"] == 429
    assert int(refused["Retry-After"]) > 0
    # Other endpoints keep the per-account limit.
    assert auth_client.get("/auth/my-profile").status_code == 200


def test_only_get_is_allowed(auth_client):
    response = auth_client.post("/users/me/export", {}, format="json")
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405
