"""The OAuth endpoints end to end: metadata, introspection, revocation, the feed; client
authentication and rate limits."""

import base64
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from service_clients.services import service_client_create, service_client_set_enabled
from signin.models import SignIn
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def service(db) -> APIClient:
    created = service_client_create(name="indexer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=_basic(created.client.client_id, created.secret))
    client.client_id = created.client.client_id  # type: ignore[attr-defined]
    return client


def _form(client: APIClient, path: str, data: dict, **extra):
    """A POST with a form-encoded body, as RFC 7662 and RFC 7009 ask."""
    return client.post(
        path, urlencode(data), content_type="application/x-www-form-urlencoded", **extra
    )


def _login(wallet: Wallet | None = None) -> dict:
    response = APIClient().post("/auth/login", (wallet or Wallet()).login_body(), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _introspect(client: APIClient, token: str) -> dict:
    response = _form(client, "/oauth/introspect", {"token": token})  # form-encoded
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    return response.json()


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_metadata_names_the_endpoints_absolutely(api_client, settings):
    response = api_client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == settings.SIMPLE_JWT["ISSUER"]
    assert body["jwks_uri"] == "http://testserver/.well-known/jwks.json"
    assert body["introspection_endpoint"] == "http://testserver/oauth/introspect"
    assert body["revocation_endpoint"] == "http://testserver/oauth/revoke"
    assert body["introspection_endpoint_auth_methods_supported"] == ["client_secret_basic"]
    assert body["revocation_endpoint_auth_methods_supported"] == ["client_secret_basic"]
    settings.PUBLIC_BASE_URL = "https://auth.example.com"
    body = api_client.get("/.well-known/oauth-authorization-server").json()
    assert body["introspection_endpoint"] == "https://auth.example.com/oauth/introspect"
    assert body["jwks_uri"] == "https://auth.example.com/.well-known/jwks.json"


def test_introspection_of_a_live_access_and_refresh_token(service):
    login = _login()
    access = _introspect(service, login["token"])
    assert access["active"] is True and access["token_type"] == "access_token"
    assert access["sub"] == login["user"]["id"]
    assert access["wallet"] == login["user"]["address"]
    assert set(access) == {
        "active", "sub", "sid", "wallet", "exp", "iat", "client_id", "token_type"
    }  # fmt: skip
    refresh = _introspect(service, login["refreshToken"])
    assert refresh["active"] is True and refresh["token_type"] == "refresh_token"
    assert refresh["sid"] == access["sid"]


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 5000])
def test_introspection_of_garbage_is_inactive(service, token):
    assert _introspect(service, token) == {"active": False}


def test_introspection_of_a_revoked_token_is_inactive(service):
    login = _login()
    assert _bearer(login["token"]).post("/auth/logout").status_code == 201
    assert _introspect(service, login["token"]) == {"active": False}
    assert _introspect(service, login["refreshToken"]) == {"active": False}


def test_introspection_without_a_token_is_400(service):
    response = _form(service, "/oauth/introspect", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {"token": ["This field is required."]}


def _assert_401(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    body = response.json()
    assert body["statusCode"] == 401 and body["error"] == "Unauthorized"


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()],
)
def test_missing_or_malformed_client_credentials_are_401(authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    _assert_401(_form(client, "/oauth/introspect", {"token": "x"}))
    _assert_401(client.get("/oauth/revocations"))


def test_wrong_secret_unknown_or_disabled_client_is_401(service, db):
    created = service_client_create(name="other")
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION=_basic(created.client.client_id, "wrong"))
    _assert_401(_form(wrong, "/oauth/introspect", {"token": "x"}))
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION=_basic("svc_unknown", created.secret))
    _assert_401(_form(unknown, "/oauth/introspect", {"token": "x"}))
    service_client_set_enabled(client_id=service.client_id, enabled=False)
    _assert_401(_form(service, "/oauth/introspect", {"token": "x"}))
    _assert_401(service.get("/oauth/revocations"))


def test_an_access_token_is_no_client_credential():
    login = _login()
    _assert_401(_form(_bearer(login["token"]), "/oauth/introspect", {"token": login["token"]}))
    _assert_401(_bearer(login["token"]).get("/oauth/revocations"))


def test_holder_revokes_its_own_token():
    login = _login()
    holder = _bearer(login["token"])
    response = _form(holder, "/oauth/revoke", {"token": login["refreshToken"]})
    assert response.status_code == 200
    assert SignIn.objects.get(pk=_sid(login)).revoked_at is not None
    assert holder.get("/auth/my-profile").status_code == 401


def _sid(login: dict) -> str:
    from signin.tokens import AccessToken

    return str(AccessToken(login["token"])["sid"])


def test_holder_revoking_someone_elses_token_changes_nothing():
    mine, theirs = _login(), _login()
    response = _form(_bearer(mine["token"]), "/oauth/revoke", {"token": theirs["token"]})
    assert response.status_code == 200
    assert SignIn.objects.filter(revoked_at__isnull=False).count() == 0
    assert _bearer(theirs["token"]).get("/auth/my-profile").status_code == 200


def test_client_revokes_a_token_and_garbage_is_200_with_nothing_changed(service):
    login = _login()
    assert _form(service, "/oauth/revoke", {"token": "garbage"}).status_code == 200
    assert SignIn.objects.filter(revoked_at__isnull=False).count() == 0
    assert _form(service, "/oauth/revoke", {"token": login["token"]}).status_code == 200
    assert SignIn.objects.get(pk=_sid(login)).revoked_at is not None
    assert _bearer(login["token"]).get("/auth/my-profile").status_code == 401
    assert _form(service, "/oauth/revoke", {"token": login["token"]}).status_code == 200


def test_revoke_without_credentials_is_401():
    _assert_401(_form(APIClient(), "/oauth/revoke", {"token": "x"}))


def test_revoke_by_cookie_needs_an_allowed_origin():
    login = _login()
    client = APIClient()
    client.cookies["auth_token"] = login["token"]
    assert _form(client, "/oauth/revoke", {"token": login["token"]}).status_code == 403
    allowed = _form(
        client, "/oauth/revoke", {"token": login["token"]}, HTTP_ORIGIN="https://pump.fun"
    )
    assert allowed.status_code == 200
    assert allowed.cookies["auth_token"].value == ""  # its own session: a logout
    assert SignIn.objects.get(pk=_sid(login)).revoked_at is not None


def test_feed_lists_revocations_and_continues_from_its_cursor(service, settings):
    settings.REVOCATION_FEED_SETTLE_SECONDS = 0
    first_login, second_login = _login(), _login()
    assert _form(service, "/oauth/revoke", {"token": first_login["token"]}).status_code == 200
    response = service.get("/oauth/revocations")
    assert response.status_code == 200
    body = response.json()
    assert [row["sid"] for row in body["revoked"]] == [_sid(first_login)]
    row = body["revoked"][0]
    assert row["sub"] == first_login["user"]["id"]
    assert row["revokedAt"].endswith("Z") and row["expiresAt"].endswith("Z")
    assert _form(service, "/oauth/revoke", {"token": second_login["token"]}).status_code == 200
    after = service.get("/oauth/revocations", {"since": body["cursor"]}).json()
    assert [row["sid"] for row in after["revoked"]] == [_sid(second_login)]
    empty = service.get("/oauth/revocations", {"since": after["cursor"]}).json()
    assert empty["revoked"] == [] and empty["hasMore"] is False


def test_feed_page_size_and_has_more(service, settings):
    settings.REVOCATION_FEED_SETTLE_SECONDS = 0
    settings.REVOCATION_FEED_PAGE_SIZE = 2
    logins = [_login() for _ in range(3)]
    SignIn.objects.update(revoked_at=timezone.now() - timedelta(seconds=1))
    first = service.get("/oauth/revocations").json()
    assert len(first["revoked"]) == 2 and first["hasMore"] is True
    second = service.get("/oauth/revocations", {"since": first["cursor"]}).json()
    assert len(second["revoked"]) == 1 and second["hasMore"] is False
    seen = {row["sid"] for row in first["revoked"] + second["revoked"]}
    assert seen == {_sid(login) for login in logins}


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "since",
    [
        "",
        "not-a-cursor",
        "%%%",
        _cursor("2026-01-01T00:00:00|" + "f" * 32),  # no offset
        # Well formed, but no UTC time: before year 1 or after 9999 once the offset is taken.
        _cursor("0001-01-01T00:00:00+14:00|" + "f" * 32),
        _cursor("9999-12-31T23:59:59-14:00|" + "f" * 32),
    ],
)
def test_feed_bad_cursor_is_400(service, since):
    response = service.get("/oauth/revocations", {"since": since})
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and "since" in body["errors"]


def test_client_rate_limit_is_429_with_headers(service, settings):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service_client": "2/m"}
    for remaining in (1, 0):
        response = _form(service, "/oauth/introspect", {"token": "x"})
        assert response.status_code == 200
        assert response["x-ratelimit-limit"] == "2"
        assert response["x-ratelimit-remaining"] == str(remaining)
    limited = _form(service, "/oauth/introspect", {"token": "x"})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["statusCode"] == 429
    # Counted per client: another client has its own allowance.
    other = service_client_create(name="other")
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=_basic(other.client.client_id, other.secret))
    assert _form(fresh, "/oauth/introspect", {"token": "x"}).status_code == 200


def test_json_body_and_any_hint_are_accepted(service):
    login = _login()
    response = service.post(
        "/oauth/introspect",
        {"token": login["refreshToken"], "token_type_hint": "access_token"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "refresh_token"


def test_more_form_fields_than_django_reads_is_400_and_changes_nothing(service, settings):
    token = _login()["token"]
    fields = {f"f{number}": "1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    response = _form(service, "/oauth/revoke", {"token": token, **fields})
    assert response.status_code == 400, response.content
    assert response.json()["statusCode"] == 400
    assert _introspect(service, token)["active"] is True


def test_a_body_neither_form_nor_json_is_415_json(service):
    response = service.post("/oauth/introspect", "token=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["statusCode"] == 415


def test_deleted_accounts_sessions_appear_in_the_feed(service, settings):
    settings.REVOCATION_FEED_SETTLE_SECONDS = 0
    login = _login()
    assert _bearer(login["token"]).delete("/users").status_code == 200
    body = service.get("/oauth/revocations").json()
    assert [(row["sid"], row["reason"]) for row in body["revoked"]] == [(_sid(login), "deletion")]


def test_a_token_that_is_not_a_string_is_400_and_odd_text_inactive(service):
    for bad in (5, {"a": 1}, ["x"], None):
        response = service.post("/oauth/introspect", {"token": bad}, format="json")
        assert response.status_code == 400, bad
        assert "token" in response.json()["errors"]
    assert _introspect(service, "a\x01b\u202e") == {"active": False}
    assert _form(service, "/oauth/introspect", {"token": "a\x00b"}).status_code == 400
    too_long = _form(service, "/oauth/introspect", {"token": "x" * 8193})
    assert too_long.status_code == 400


def test_wrong_client_credentials_count_per_address_up_to_429(db, settings):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "service_client": "2/m"}
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION=_basic("svc_guess", "guess"))
    for remaining in (1, 0):
        response = _form(guesser, "/oauth/introspect", {"token": "x"})
        assert response.status_code == 401
        assert response["x-ratelimit-remaining"] == str(remaining)
    assert _form(guesser, "/oauth/introspect", {"token": "x"}).status_code == 429


@pytest.mark.parametrize(
    ("issuer", "warned"),
    [
        ("launchpad-auth", True),
        ("http://auth.example.com", True),
        ("https://auth.example.com?x=1", True),
        ("https://auth.example.com", False),
    ],
)
def test_the_deploy_check_wants_an_https_issuer(settings, issuer, warned):
    from oauth.checks import issuer_is_an_https_url

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ISSUER": issuer}
    assert [m.id for m in issuer_is_an_https_url()] == (["oauth.W001"] if warned else [])
