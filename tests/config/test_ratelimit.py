"""Rate limits: sign-in per address and per wallet, refresh per address, the rest per account.

Rates here are per day, so that no test can straddle the end of a window.
"""

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import User
from config.ratelimit import ADDRESS, RateLimit
from signin import solana
from signin.models import SignIn, UsedSignInProof
from tests.backends import redis_only
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Set small rates (scope=rate) on a cleared cache; others stay unlimited in practice."""
    cache.clear()

    def _set(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return _set


def _login(client: APIClient, body: dict, **extra):
    return client.post("/auth/login", body, format="json", **extra)


def _assert_headers(response, *, limit: int, remaining: int) -> None:
    assert response["x-ratelimit-limit"] == str(limit)
    assert response["x-ratelimit-remaining"] == str(remaining)
    reset = int(response["x-ratelimit-reset"])
    assert time.time() - 1 <= reset <= time.time() + 86400 + 1


def test_sign_in_past_the_address_limit_is_429_with_headers(limits, api_client):
    limits(sign_in_address="3/d")
    for attempt in range(3):
        response = _login(api_client, Wallet().login_body())
        assert response.status_code == 201
        _assert_headers(response, limit=3, remaining=2 - attempt)
    response = _login(api_client, Wallet().login_body())
    assert response.status_code == 429
    _assert_headers(response, limit=3, remaining=0)
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 86400
    assert abs(int(response["x-ratelimit-reset"]) - (time.time() + retry_after)) <= 2
    body = response.json()
    assert body["statusCode"] == 429
    assert body["error"] == "Too Many Requests"
    assert isinstance(body["message"], str)


def test_failed_sign_ins_count_too(limits, api_client, wallet):
    limits(sign_in_address="2/d")
    bad = wallet.login_body() | {"signature": Wallet().login_body()["signature"]}
    assert _login(api_client, bad).status_code == 401
    assert _login(api_client, {"timestamp": "x"}).status_code == 400
    assert _login(api_client, wallet.login_body()).status_code == 429


def test_sign_in_per_wallet_across_addresses(limits, wallet):
    limits(sign_in_wallet="2/d")
    for number in range(2):
        response = _login(APIClient(REMOTE_ADDR=f"10.0.0.{number}"), wallet.login_body())
        assert response.status_code == 201
    response = _login(APIClient(REMOTE_ADDR="10.0.0.9"), wallet.login_body())
    assert response.status_code == 429
    # Another wallet from that address is not held back by this wallet's limit.
    assert _login(APIClient(REMOTE_ADDR="10.0.0.9"), Wallet().login_body()).status_code == 201


def test_bad_proofs_naming_a_wallet_never_stop_its_owner(limits, wallet):
    """Wallet addresses are public: 1,000 bad proofs naming one wallet, from 50 addresses,
    use up those addresses' allowances, never the wallet's."""
    limits(sign_in_address="10/m", sign_in_wallet="10/m")
    bad = {"address": wallet.address, "signature": "1" * 64, "timestamp": 1}
    statuses = set()
    for attacker in range(50):
        client = APIClient(REMOTE_ADDR=f"198.51.100.{attacker}")
        for _ in range(20):
            statuses.add(_login(client, bad).status_code)
    assert statuses == {401, 429}  # each address is limited after its own 10
    owner = APIClient(REMOTE_ADDR="203.0.113.1")
    response = _login(owner, wallet.login_body())
    assert response.status_code == 201, response.content
    _assert_headers(response, limit=10, remaining=9)


def test_only_successful_sign_ins_count_against_the_wallet(limits, wallet):
    limits(sign_in_wallet="2/d")
    used = wallet.login_body()
    assert _login(APIClient(REMOTE_ADDR="10.0.2.1"), used).status_code == 201
    stale, bad_signature = wallet.login_body(timestamp_ms=1), {**used, "signature": "1"}
    for number, body in enumerate([stale, used, bad_signature] * 3):
        response = _login(APIClient(REMOTE_ADDR=f"10.0.3.{number}"), body)
        assert response.status_code in (400, 401)  # stale, replayed, malformed: not counted
    assert _login(APIClient(REMOTE_ADDR="10.0.4.1"), wallet.login_body()).status_code == 201
    refused = _login(APIClient(REMOTE_ADDR="10.0.4.2"), wallet.login_body())
    assert refused.status_code == 429
    _assert_headers(refused, limit=2, remaining=0)


def test_siws_sign_in_counts_the_wallet_of_the_message(limits, wallet):
    limits(sign_in_wallet="1/d")
    first = _login(APIClient(REMOTE_ADDR="10.0.1.1"), wallet.siws_body(nonce="nonce0001"))
    assert first.status_code == 201
    again = _login(APIClient(REMOTE_ADDR="10.0.1.2"), wallet.siws_body(nonce="nonce0002"))
    assert again.status_code == 429


def test_a_limited_sign_in_does_no_other_work(limits, api_client):
    limits(sign_in_address="1/d")
    assert _login(api_client, Wallet().login_body()).status_code == 201
    counts = (User.objects.count(), SignIn.objects.count(), UsedSignInProof.objects.count())
    with (
        mock.patch.object(solana, "verify_message", wraps=solana.verify_message) as verify,
        CaptureQueriesContext(connection) as queries,
    ):
        response = _login(api_client, Wallet().login_body())
    assert response.status_code == 429
    verify.assert_not_called()
    assert (User.objects.count(), SignIn.objects.count(), UsedSignInProof.objects.count()) == (
        counts
    )
    # Only the counter itself (the database cache, on the embedded default) was touched.
    assert not [q["sql"] for q in queries.captured_queries if "accounts_" in q["sql"]]


def test_spoofed_forwarded_for_does_not_escape_the_limit(limits, settings):
    limits(sign_in_address="2/d")
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = [
        _login(client, Wallet().login_body(), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_behind_one_proxy_only_the_proxys_entry_counts(limits, settings):
    limits(sign_in_address="2/d")
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.1.1.1")

    def attempt(spoofed: str, real: str) -> int:
        forwarded = f"{spoofed}, {real}"  # the client's header, then what the proxy appended
        return _login(proxy, Wallet().login_body(), HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [attempt(f"192.0.2.{n}", "203.0.113.8") for n in range(3)] == [201, 201, 429]
    # A different client behind the same proxy has its own counter.
    assert attempt("192.0.2.1", "203.0.113.9") == 201


def test_ipv6_clients_are_counted_by_their_64_network(limits):
    limits(sign_in_address="1/d")
    assert _login(APIClient(REMOTE_ADDR="2001:db8::1"), Wallet().login_body()).status_code == 201
    other_host = APIClient(REMOTE_ADDR="2001:db8::ffff:2")
    assert _login(other_host, Wallet().login_body()).status_code == 429


def test_refresh_is_limited_per_address(limits, sign_in, wallet):
    limits(refresh_address="1/d")
    body = sign_in(wallet, APIClient())
    client = APIClient()
    first = client.post("/auth/refresh", {"refreshToken": body["refreshToken"]}, format="json")
    assert first.status_code == 200
    _assert_headers(first, limit=1, remaining=0)
    token = {"refreshToken": first.json()["refreshToken"]}
    second = client.post("/auth/refresh", token, format="json")
    assert second.status_code == 429
    # The refresh token was not spent by the refused request.
    other = APIClient(REMOTE_ADDR="10.2.2.2")
    retry = other.post("/auth/refresh", token, format="json")
    assert retry.status_code == 200


def test_other_endpoints_are_limited_per_account(limits, auth_client):
    limits(account="2/d")
    responses = [auth_client.get("/auth/my-profile") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    _assert_headers(responses[0], limit=2, remaining=1)
    # Another account from the same address has its own counter.
    other = APIClient()
    token = other.post("/auth/login", Wallet().login_body(), format="json").json()["token"]
    other.cookies.clear()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert other.get("/auth/my-profile").status_code == 200


def test_requests_refused_before_the_throttle_are_counted_by_address(limits, api_client):
    limits(account="2/d")
    first = api_client.get("/auth/my-profile")
    assert first.status_code == 401
    _assert_headers(first, limit=2, remaining=1)
    bad_token = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert api_client.get("/auth/my-profile", **bad_token).status_code == 401
    third = api_client.get("/auth/my-profile", **bad_token)
    assert third.status_code == 429
    assert "Retry-After" in third


class _AnyNewApi(APIView):
    """A view that names no limits, as a future endpoint would."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


def test_every_api_view_gets_the_per_account_limit_by_default(limits, user):
    limits(account="1/d")
    view = _AnyNewApi.as_view()
    factory = APIRequestFactory()

    def call():
        request = factory.get("/anything")
        force_authenticate(request, user=user)
        return view(request)

    assert call().status_code == 200
    assert call().status_code == 429


def test_a_view_can_name_its_own_limits(limits, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "custom": "1/d"}
    cache.clear()

    class CustomApi(_AnyNewApi):
        rate_limits = (RateLimit("custom", by=ADDRESS),)

    view = CustomApi.as_view()
    factory = APIRequestFactory()
    assert view(factory.get("/x")).status_code == 200
    assert view(factory.get("/x")).status_code == 429
    assert view(factory.get("/x", REMOTE_ADDR="10.9.9.9")).status_code == 200


def test_health_is_not_limited(limits, api_client):
    limits(account="1/d")
    for _ in range(3):
        response = api_client.get("/health")
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response


def test_new_accounts_per_address_are_capped(limits, settings):
    settings.NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR = 2
    client = APIClient(REMOTE_ADDR="198.51.100.50")
    returning = Wallet()
    assert _login(client, returning.login_body()).status_code == 201
    assert _login(client, Wallet().login_body()).status_code == 201
    users = User.objects.count()
    refused = _login(client, Wallet().login_body())
    assert refused.status_code == 429
    assert refused.json()["message"].startswith("Too many new accounts")
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert User.objects.count() == users
    # Existing accounts still sign in from that address, and other addresses sign up.
    assert _login(client, returning.login_body()).status_code == 201
    assert _login(APIClient(REMOTE_ADDR="198.51.100.51"), Wallet().login_body()).status_code == 201


UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:18199/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_cache_down_fails_closed_with_503(settings, api_client, wallet):
    settings.CACHES = UNREACHABLE_CACHE
    response = _login(api_client, wallet.login_body())
    assert response.status_code == 503
    assert response.json() == {
        "statusCode": 503,
        "message": "The cache is unavailable",
        "error": "Service Unavailable",
    }
    assert not User.objects.filter(address=wallet.address).exists()


def test_cache_down_can_fail_open(settings, api_client, wallet):
    settings.CACHES = UNREACHABLE_CACHE
    settings.RATELIMIT_FAIL_OPEN = True
    response = _login(api_client, wallet.login_body())
    assert response.status_code == 201
    assert "x-ratelimit-limit" not in response


@redis_only("the pipelined counters are Redis's")
def test_redis_counts_every_limit_in_one_pipeline_on_django_ratelimits_keys():
    from django.core.cache import cache
    from django_ratelimit.core import EXPIRATION_FUDGE, get_usage

    from config.ratelimit import Hit, _count

    cache.clear()
    hits = [Hit("account", "k1", "5/m"), Hit("sign_in_wallet", "w1", "3/m")]
    rounds = [_count(None, hits) for _ in range(4)]
    assert [usages[0].remaining for usages in rounds] == [4, 3, 2, 1]
    assert [usages[1].exceeded for usages in rounds] == [False, False, False, True]
    # django-ratelimit reads the very same counters, so both paths count together.
    usage = get_usage(None, group="account", key=lambda _g, _r: "k1", rate="5/m")
    assert usage["count"] == 4
    # RedisCache's client holder (_cache) is private: django-stubs leave it out.
    client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    keys = client.keys("*rl:*")
    assert len(keys) == 2
    assert all(0 < client.ttl(key) <= 60 + EXPIRATION_FUDGE for key in keys)
