"""``GET /auth/sessions`` and ``DELETE /auth/sessions/{id}`` end to end."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from signin.models import SignIn
from tests.signin.test_devices import CHROME_MAC, FIREFOX_WINDOWS
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

NOT_FOUND = {"statusCode": 404, "message": "Session not found", "error": "Not Found"}
REVOKED = {"statusCode": 401, "message": "Token has been revoked", "error": "Unauthorized"}


def _login(wallet: Wallet, *, agent: str = CHROME_MAC, ip: str = "127.0.0.1", **extra) -> dict:
    response = APIClient().post(
        "/auth/login",
        wallet.login_body(),
        format="json",
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
        **extra,
    )
    assert response.status_code == 201, response.content
    return response.json()


def _bearer(body: dict) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    return client


def _sid(body: dict) -> str:
    import jwt

    return jwt.decode(body["token"], options={"verify_signature": False})["sid"]


def _time(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _database():
    rows = {row.pk: model_to_dict(row) for row in SignIn.objects.all()}
    return rows, AuditEvent.objects.count()


# --- GET /auth/sessions -------------------------------------------------------------------------
def test_the_list_is_the_contracts_shape(settings):
    settings.COUNTRY_HEADER = "CF-IPCountry"
    wallet = Wallet()
    body = _login(wallet, ip="203.0.113.7", HTTP_CF_IPCOUNTRY="DE")
    response = _bearer(body).get("/auth/sessions")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"  # personal data
    row = SignIn.objects.get(pk=_sid(body))
    assert response.json() == [
        {
            "id": _sid(body),
            "current": True,
            "wallet": wallet.address,
            "createdAt": _time(row.created_at),
            "lastUsedAt": _time(row.last_used_at),
            "expiresAt": _time(row.expires_at),
            "ip": "203.0.113.7",
            "country": "DE",
            "userAgent": CHROME_MAC,
            "device": "Chrome on macOS",
        }
    ]


def test_the_country_is_the_jurisdiction_lookups_answer(settings):
    """The same answer as ``GET /auth/is-valid-jurisdiction`` gives the request: geo-IP of
    the client address without a configured header, unknown for a private address."""
    settings.COUNTRY_HEADER = None
    public = _login(Wallet(), ip="81.2.69.160")
    jurisdiction = _bearer(public).get("/auth/is-valid-jurisdiction", REMOTE_ADDR="81.2.69.160")
    assert jurisdiction.json()["jurisdiction"] == "GB"
    assert _bearer(public).get("/auth/sessions").json()[0]["country"] == "GB"
    private = _login(Wallet(), ip="10.0.0.1", HTTP_CF_IPCOUNTRY="DE")  # header not trusted
    assert _bearer(private).get("/auth/sessions").json()[0]["country"] is None


def test_newest_first_live_only_own_only_with_the_current_one_marked():
    wallet = Wallet()
    oldest, middle, newest = (_login(wallet) for _ in range(3))
    revoked, ended = _login(wallet), _login(wallet)
    _login(Wallet())  # another account's
    now = timezone.now()
    # Distinct start times, oldest first, as the three were made.
    for seconds, body in ((30, oldest), (20, middle), (10, newest)):
        SignIn.objects.filter(pk=_sid(body)).update(created_at=now - timedelta(seconds=seconds))
    SignIn.objects.filter(pk=_sid(revoked)).update(revoked_at=now)
    SignIn.objects.filter(pk=_sid(ended)).update(expires_at=now)
    listed = _bearer(middle).get("/auth/sessions").json()
    assert [s["id"] for s in listed] == [_sid(newest), _sid(middle), _sid(oldest)]
    assert [s["current"] for s in listed] == [False, True, False]


def test_the_device_of_each_session_is_its_own():
    wallet = Wallet()
    _login(wallet, agent=FIREFOX_WINDOWS)
    body = _login(wallet, agent="")
    devices = {s["device"] for s in _bearer(body).get("/auth/sessions").json()}
    assert devices == {"Firefox on Windows", "Unknown device"}


def test_refresh_moves_last_used_at_in_the_list():
    body = _login(Wallet())
    an_hour_ago = timezone.now() - timedelta(hours=1)
    SignIn.objects.filter(pk=_sid(body)).update(created_at=an_hour_ago, last_used_at=an_hour_ago)
    refreshed = APIClient().post(
        "/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json"
    )
    assert refreshed.status_code == 200
    (session,) = _bearer(refreshed.json()).get("/auth/sessions").json()
    assert session["id"] == _sid(body) and session["current"]
    assert session["createdAt"] == _time(an_hour_ago)
    assert session["lastUsedAt"] == _time(SignIn.objects.get(pk=_sid(body)).last_used_at)
    assert session["lastUsedAt"] > session["createdAt"]


def test_sessions_need_a_token():
    response = APIClient().get("/auth/sessions")
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401
    assert APIClient().delete(f"/auth/sessions/{uuid.uuid4()}").status_code == 401


def test_both_endpoints_are_rate_limited_per_account(settings):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account": "3/d"}
    body = _login(Wallet())
    client = _bearer(body)
    listed = client.get("/auth/sessions")
    assert listed["x-ratelimit-limit"] == "3"
    assert listed["x-ratelimit-remaining"] == "2"
    assert int(listed["x-ratelimit-reset"]) > 0
    refused = client.delete(f"/auth/sessions/{uuid.uuid4()}")
    assert refused.status_code == 404
    assert refused["x-ratelimit-remaining"] == "1"
    client.get("/auth/sessions")
    limited = client.delete(f"/auth/sessions/{_sid(body)}")
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert SignIn.objects.get(pk=_sid(body)).revoked_at is None


def test_a_trailing_slash_is_accepted():
    body = _login(Wallet())
    assert _bearer(body).get("/auth/sessions/").status_code == 200
    assert _bearer(body).delete(f"/auth/sessions/{_sid(body)}/").status_code == 200


# --- DELETE /auth/sessions/{id} ----------------------------------------------------------------
def test_revoking_another_session_refuses_its_tokens_at_once_and_keeps_the_rest():
    wallet = Wallet()
    mine, other, third = _login(wallet), _login(wallet), _login(wallet)
    assert _bearer(other).get("/auth/my-profile").status_code == 200
    response = _bearer(mine).delete(f"/auth/sessions/{_sid(other)}")
    assert response.status_code == 200
    assert response.json() == {"message": "Session revoked"}
    assert "auth_token" not in response.cookies  # not the caller's own session
    refused = _bearer(other).get("/auth/my-profile")
    assert refused.status_code == 401 and refused.json() == REVOKED
    refresh = APIClient().post(
        "/auth/refresh", {"refreshToken": other["refreshToken"]}, format="json"
    )
    assert refresh.status_code == 401
    for body in (mine, third):
        assert _bearer(body).get("/auth/my-profile").status_code == 200
    rotated = APIClient().post(
        "/auth/refresh", {"refreshToken": third["refreshToken"]}, format="json"
    )
    assert rotated.status_code == 200
    listed = [s["id"] for s in _bearer(mine).get("/auth/sessions").json()]
    assert sorted(listed) == sorted([_sid(mine), _sid(third)])
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.detail["signInId"] == _sid(other)


def test_revoking_the_current_session_is_a_logout_and_clears_the_cookie():
    wallet = Wallet()
    client = APIClient()
    response = client.post("/auth/login", wallet.login_body(), format="json")
    body = response.json()
    other = _login(wallet)
    # Cookie-authenticated, from an allowed Origin, as the web client does.
    revoked = client.delete(f"/auth/sessions/{_sid(body)}", HTTP_ORIGIN="https://pump.fun")
    assert revoked.status_code == 200
    assert revoked.json() == {"message": "Session revoked"}
    assert revoked.cookies["auth_token"].value == ""
    assert revoked.cookies["auth_token"]["max-age"] == 0
    assert _bearer(body).get("/auth/my-profile").status_code == 401
    assert _bearer(other).get("/auth/my-profile").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).count() == 1


def test_a_cookie_revocation_needs_an_allowed_origin():
    wallet = Wallet()
    client = APIClient()
    body = client.post("/auth/login", wallet.login_body(), format="json").json()
    other = _login(wallet)
    before = _database()
    response = client.delete(f"/auth/sessions/{_sid(other)}", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert _database() == before
    assert _bearer(body).get("/auth/my-profile").status_code == 200


@pytest.mark.parametrize(
    "which",
    [
        "unknown",
        "other account's",
        "revoked",
        "ended",
        "not a uuid",
        "uuid with junk",
        "percent-encoded",
    ],
)
def test_not_one_of_the_callers_live_sessions_is_404_and_changes_nothing(which):
    wallet = Wallet()
    caller, target, foreign = _login(wallet), _login(wallet), _login(Wallet())
    now = timezone.now()
    if which == "revoked":
        SignIn.objects.filter(pk=_sid(target)).update(revoked_at=now, revoked_reason="logout")
    if which == "ended":
        SignIn.objects.filter(pk=_sid(target)).update(expires_at=now)
    session_id = {
        "unknown": str(uuid.uuid4()),
        "other account's": _sid(foreign),
        "revoked": _sid(target),
        "ended": _sid(target),
        "not a uuid": "abc",
        "uuid with junk": _sid(target) + "x",
        "percent-encoded": "%00%27--",
    }[which]
    before = _database()
    response = _bearer(caller).delete(f"/auth/sessions/{session_id}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _database() == before
    assert _bearer(foreign).get("/auth/my-profile").status_code == 200


def test_other_methods_are_405():
    body = _login(Wallet())
    assert _bearer(body).post("/auth/sessions").status_code == 405
    response = _bearer(body).get(f"/auth/sessions/{_sid(body)}")
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405
