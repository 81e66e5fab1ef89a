"""The Redis cache in front of the live-sign-in read (signin/sign_in_cache.py).

Each change test first proves the next request would be answered from the cache (no
database query), then makes the change and checks that the very next request sees it. The
tests commit for real (``transaction=True``): invalidation finishes after the commit.
"""

import contextlib
import io
import pickle
import uuid
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import wallets
from accounts.models import Role, User
from accounts.models import Wallet as WalletRow
from backoffice import moderation
from signin import services, sign_in_cache
from signin.authentication import user_of_sign_in
from signin.models import PendingInvalidation, SignIn
from signin.tokens import AccessToken, token_sign_in_id
from tests.backends import redis_only
from tests.proofs import timestamp_proof
from tests.signed_in import SignedInClient
from tests.wallets import Wallet

pytestmark = [
    redis_only("the sign-in cache is Redis's"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_cache"),
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    """The clock of the check for pending invalidations, stopped before the next one."""
    clock = Clock()
    check = sign_in_cache.Every(
        sign_in_cache.PENDING_CHECK_SECONDS,
        clock=clock,
        due_at=clock.now + sign_in_cache.PENDING_CHECK_SECONDS,
    )
    monkeypatch.setattr(sign_in_cache, "_pending_check", check)
    return clock


@contextlib.contextmanager
def _cache_unreachable(settings):
    """Redis out of this process's reach; the entries it holds stay there."""
    reachable = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:18199/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        yield
    finally:
        settings.CACHES = reachable


def _signed_in(wallet: Wallet | None = None) -> SignedInClient:
    client = SignedInClient()
    response = client.post("/auth/login", (wallet or Wallet()).login_body(), format="json")
    assert response.status_code == 201, response.content
    client.cookies.clear()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    client.login_body = response.json()
    return client


def _served_from_cache(client: SignedInClient, django_assert_num_queries) -> dict:
    client.get("/auth/my-profile")  # fills
    with django_assert_num_queries(0):
        response = client.get("/auth/my-profile")
    assert response.status_code == 200, response.content
    return response.json()


def _user(client: SignedInClient) -> User:
    return User.objects.get(pk=client.login_body["user"]["id"])


def _cache_client() -> Any:
    """The cache's own Redis client, for what a test reads or writes behind the module."""
    # RedisCache's client holder (_cache) is private: django-stubs leave it out.
    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


def test_a_repeated_request_reads_no_database(django_assert_num_queries):
    client = _signed_in()
    first = client.get("/auth/my-profile").json()
    assert _served_from_cache(client, django_assert_num_queries) == first


def test_profile_update_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    assert client.patch("/users", {"bio": "changed"}, format="json").status_code == 200
    assert client.get("/auth/my-profile").json()["bio"] == "changed"


def test_role_change_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    assert client.get("/auth/is-admin").json() == {"isAdmin": False}
    moderation.user_role_set(actor=None, user=_user(client), role=Role.ADMIN)
    assert client.get("/auth/is-admin").json() == {"isAdmin": True}


def test_ban_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    moderation.user_ban(actor=None, user=_user(client))
    assert client.get("/auth/my-profile").status_code == 401


def test_registration_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    body = {"username": "fresh_name", "email": "a@example.com"}
    assert client.post("/users/register", body, format="json").status_code == 201
    assert client.get("/auth/my-profile").json()["username"] == "fresh_name"


def test_a_staff_edit_in_the_admin_site_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    user = _user(client)
    staff = Client()
    staff.force_login(User.objects.create(address=Wallet().address, role=Role.SUPER_ADMIN))
    form = {
        "username": "",
        "email": "staff-set@example.com",
        "bio": "",
        "profile_image": "",
        "role": user.role,
        **{
            f"{inline}-{count}_FORMS": "0"
            for inline in ("wallets", "sign_ins")
            for count in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")
        },
    }
    response = staff.post(reverse("admin:accounts_user_change", args=[user.pk]), form)
    assert response.status_code == 302, response.content
    assert client.get("/auth/my-profile").json()["email"] == "staff-set@example.com"


def test_a_primary_wallet_change_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    user, linked = _user(client), Wallet()
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    before = _served_from_cache(client, django_assert_num_queries)["address"]
    response = client.post(f"/auth/wallets/{linked.address}/primary")
    assert response.status_code == 200, response.content
    assert before != linked.address
    assert client.get("/auth/my-profile").json()["address"] == linked.address


def test_unlinking_a_wallet_is_seen_by_its_sessions_on_the_next_request(
    django_assert_num_queries,
):
    client = _signed_in()
    user, linked = _user(client), Wallet()
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    linked_client = _signed_in(linked)
    _served_from_cache(linked_client, django_assert_num_queries)
    _served_from_cache(client, django_assert_num_queries)
    assert client.delete(f"/auth/wallets/{linked.address}").status_code == 200
    assert linked_client.get("/auth/my-profile").status_code == 401
    assert client.get("/auth/my-profile").status_code == 200


def test_an_operator_command_editing_the_account_is_seen_on_the_next_request(
    django_assert_num_queries,
):
    wallet = Wallet()
    client = _signed_in(wallet)
    _served_from_cache(client, django_assert_num_queries)
    call_command(
        "create_super_admin", wallet.address, "--email", "ops@example.com", stdout=io.StringIO()
    )
    assert client.get("/auth/my-profile").json()["email"] == "ops@example.com"
    assert client.get("/auth/is-admin").json() == {"isAdmin": True}


def test_the_admin_sites_sign_in_stamp_is_seen_on_the_next_request(django_assert_num_queries):
    """Django writes ``last_login`` on the admin site's sign-in; the cache hears of it."""
    wallet = Wallet()
    user = User.objects.create_user(username="boss", password="a long staff password 42")
    User.objects.filter(pk=user.pk).update(address=wallet.address, role=Role.SUPER_ADMIN)
    WalletRow.objects.create(address=wallet.address, user=user, is_primary=True)
    earlier = timezone.now() - timedelta(minutes=1)
    result = services.wallet_sign_in(
        proof=timestamp_proof(wallet, earlier), ip_address=None, user_agent="", now=earlier
    )
    client = SignedInClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {result.tokens.access}")
    before = _served_from_cache(client, django_assert_num_queries)["lastLogin"]
    assert before == earlier.strftime("%Y-%m-%dT%H:%M:%SZ")
    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "a long staff password 42"},
    )
    assert response.status_code == 302
    assert client.get("/auth/my-profile").json()["lastLogin"] != before


def test_a_new_sign_in_is_seen_in_the_last_login_of_other_sessions(django_assert_num_queries):
    wallet = Wallet()
    client = _signed_in(wallet)
    before = _served_from_cache(client, django_assert_num_queries)["lastLogin"]
    later = timezone.now() + timedelta(seconds=1)  # lastLogin is shown to the second
    services.wallet_sign_in(
        proof=timestamp_proof(wallet, later), ip_address=None, user_agent="", now=later
    )
    after = client.get("/auth/my-profile").json()["lastLogin"]
    assert after != before
    assert after == later.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_logout_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    assert client.post("/auth/logout").status_code == 201
    assert client.get("/auth/my-profile").status_code == 401


def test_logout_of_other_sessions_is_seen_on_their_next_request(django_assert_num_queries):
    wallet = Wallet()
    other, current = _signed_in(wallet), _signed_in(wallet)
    _served_from_cache(other, django_assert_num_queries)
    assert current.post("/auth/logout?scope=others").status_code == 201
    assert other.get("/auth/my-profile").status_code == 401
    assert current.get("/auth/my-profile").status_code == 200


def test_revoking_one_session_is_seen_on_its_next_request(django_assert_num_queries):
    """DELETE /auth/sessions/{id}: the revoked session's token is refused on the very next
    request although its read was served from the cache; the caller's own goes on."""
    wallet = Wallet()
    other, current = _signed_in(wallet), _signed_in(wallet)
    _served_from_cache(other, django_assert_num_queries)
    _served_from_cache(current, django_assert_num_queries)
    other_id = SignIn.objects.exclude(pk=_sign_in_id(current)).get(user=_user(other)).pk
    assert current.delete(f"/auth/sessions/{other_id}").status_code == 200
    assert other.get("/auth/my-profile").status_code == 401
    assert current.get("/auth/my-profile").status_code == 200


def test_revoking_the_current_session_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    assert client.delete(f"/auth/sessions/{_sign_in_id(client)}").status_code == 200
    assert client.get("/auth/my-profile").status_code == 401


def _sign_in_id(client: SignedInClient) -> uuid.UUID:
    return token_sign_in_id(AccessToken(client.login_body["token"]))


def test_staff_revoking_one_sign_in_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    sign_in = SignIn.objects.get(user=_user(client))
    assert moderation.sign_in_revoke(actor=None, sign_in=sign_in)
    assert client.get("/auth/my-profile").status_code == 401


def test_refresh_reuse_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    body = {"refreshToken": client.login_body["refreshToken"]}
    assert APIClient().post("/auth/refresh", body, format="json").status_code == 200
    assert APIClient().post("/auth/refresh", body, format="json").status_code == 401  # reuse
    assert client.get("/auth/my-profile").status_code == 401


def test_deletion_is_seen_on_the_next_request(django_assert_num_queries):
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    assert client.delete("/users").status_code == 200
    assert client.get("/auth/my-profile").status_code == 401


def _sign_in_ids(client: SignedInClient) -> dict:
    user = _user(client)
    return {"sign_in_id": SignIn.objects.get(user=user).pk, "user_id": user.pk}


def _neither_hit_nor_fill(lookup: sign_in_cache.Lookup) -> bool:
    return lookup.values is None and lookup.generation is None


def test_no_fill_while_a_change_is_uncommitted():
    """Between a change and its commit the database may still give the old row."""
    ids = _sign_in_ids(_signed_in())
    assert sign_in_cache.lookup(**ids).generation is not None
    with transaction.atomic():
        sign_in_cache.account_changed(ids["user_id"])
        assert _neither_hit_nor_fill(sign_in_cache.lookup(**ids))
    assert sign_in_cache.lookup(**ids).generation is not None


def test_a_fill_that_raced_with_a_change_is_never_believed():
    ids = _sign_in_ids(_signed_in())
    before = sign_in_cache.lookup(**ids).generation
    assert before is not None
    stale = user_of_sign_in(**ids)
    sign_in_cache.account_changed(ids["user_id"])  # commits at once: no transaction
    values = tuple(getattr(stale, field.attname) for field in User._meta.concrete_fields)
    sign_in_cache.store(sign_in_id=ids["sign_in_id"], generation=before, values=values)
    after = sign_in_cache.lookup(**ids)
    assert after.values is None
    assert after.generation not in (None, before)


def test_an_entry_of_another_user_model_is_a_miss(django_assert_num_queries):
    """Entries written by a release whose User had other fields, e.g. during a deploy."""
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    ids = _sign_in_ids(client)
    redis_client = _cache_client()
    generation = redis_client.get(sign_in_cache._generation_key(ids["user_id"], cache))
    older_shape = (("id", "address"), (ids["user_id"], "someone-else"))
    entry = generation + b"|" + pickle.dumps(older_shape)
    redis_client.set(sign_in_cache._entry_key(ids["sign_in_id"], cache), entry)
    with django_assert_num_queries(1):
        response = client.get("/auth/my-profile")
    assert response.status_code == 200
    assert response.json()["address"] == client.login_body["user"]["address"]


def test_busy_left_by_a_process_that_died_before_its_commit_hook_expires():
    """The change committed, the process was killed before deleting the generation: no
    fills until "busy" expires, then a new generation (entries of the old one never count)."""
    ids = _sign_in_ids(_signed_in())
    before = sign_in_cache.lookup(**ids).generation
    with transaction.atomic():
        sign_in_cache.account_changed(ids["user_id"])
        transaction.set_rollback(True)  # its commit hook never runs
    assert _neither_hit_nor_fill(sign_in_cache.lookup(**ids))
    redis_client = _cache_client()
    busy = sign_in_cache._generation_key(ids["user_id"], cache)
    assert 0 < redis_client.ttl(busy) <= sign_in_cache._BUSY_SECONDS
    # Expired: Redis's clock is not ours to move, so the key goes as expiry would take it.
    redis_client.delete(busy)
    assert sign_in_cache.lookup(**ids).generation not in (None, before)


def test_cache_unreachable_reads_the_database(settings):
    client = _signed_in()
    ids = _sign_in_ids(client)
    with _cache_unreachable(settings):
        assert sign_in_cache.lookup(**ids) == sign_in_cache.Lookup()  # nothing, nothing counted
        user = user_of_sign_in(**ids)
        assert user is not None and user.pk == ids["user_id"]
        SignIn.objects.filter(pk=ids["sign_in_id"]).update(revoked_at="2026-01-01T00:00:00Z")
        assert user_of_sign_in(**ids) is None


def test_a_ban_redis_missed_is_seen_once_redis_is_reachable_again(
    settings, clock, django_assert_num_queries
):
    """The entry of the banned account outlives the outage in Redis; it must not count."""
    client = _signed_in()
    _served_from_cache(client, django_assert_num_queries)
    with _cache_unreachable(settings):
        moderation.user_ban(actor=None, user=_user(client))
        # Refused by the database, or unserved (the rate limits fail closed): never 200.
        assert client.get("/auth/my-profile").status_code in (401, 503)
    assert PendingInvalidation.objects.exists()
    clock.now += sign_in_cache.PENDING_CHECK_SECONDS
    assert client.get("/auth/my-profile").status_code == 401
    assert not PendingInvalidation.objects.exists()


def test_a_pending_invalidation_is_kept_if_and_only_if_its_change_commits(settings):
    user_id = _user(_signed_in()).pk
    with _cache_unreachable(settings):
        with transaction.atomic():
            sign_in_cache.account_changed(user_id)
            transaction.set_rollback(True)
        assert not PendingInvalidation.objects.exists()
        with transaction.atomic():
            sign_in_cache.account_changed(user_id)
    assert list(PendingInvalidation.objects.values_list("user_id", flat=True)) == [user_id]


def test_pending_invalidations_are_looked_for_at_most_every_half_second(
    clock, django_assert_num_queries
):
    """All a look-up pays in between is a clock read."""
    ids = _sign_in_ids(_signed_in())
    clock.now += sign_in_cache.PENDING_CHECK_SECONDS
    with django_assert_num_queries(1):  # none pending
        sign_in_cache.lookup(**ids)
    clock.now += sign_in_cache.PENDING_CHECK_SECONDS - 0.001
    with django_assert_num_queries(0):
        sign_in_cache.lookup(**ids)
    clock.now += 0.001
    with django_assert_num_queries(1):
        sign_in_cache.lookup(**ids)


def test_pending_invalidations_stay_until_redis_is_reachable(settings):
    user_id = uuid.uuid4()
    PendingInvalidation.objects.create(user_id=user_id)
    with _cache_unreachable(settings):
        assert sign_in_cache.pending_invalidate() == set()
    assert PendingInvalidation.objects.count() == 1
    assert sign_in_cache.pending_invalidate() == {user_id}
    assert not PendingInvalidation.objects.exists()


def test_a_pending_invalidation_leaves_a_busy_generation_busy():
    """A busy generation is a newer change's, not committed yet: no fills until it is."""
    ids = _sign_in_ids(_signed_in())
    PendingInvalidation.objects.create(user_id=ids["user_id"])
    with transaction.atomic():
        sign_in_cache.account_changed(ids["user_id"])
        assert sign_in_cache.pending_invalidate() == {ids["user_id"]}
        assert _neither_hit_nor_fill(sign_in_cache.lookup(**ids))


def test_off_when_the_lifetime_is_zero(settings, django_assert_num_queries):
    settings.SIGN_IN_CACHE_SECONDS = 0
    client = _signed_in()
    client.get("/auth/my-profile")
    with django_assert_num_queries(1):
        assert client.get("/auth/my-profile").status_code == 200


def test_an_authenticated_read_is_one_redis_call(django_assert_num_queries, monkeypatch):
    """The per-account rate limit is counted in the look-up's call (config/ratelimit.py)."""
    client = _signed_in()
    client.get("/auth/my-profile")  # fills
    commands = []
    execute = redis.Redis.execute_command

    def counting(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    with django_assert_num_queries(0):
        response = client.get("/auth/my-profile")
    assert response.status_code == 200
    assert commands == ["EVALSHA"]
    assert response["x-ratelimit-remaining"] == str(int(response["x-ratelimit-limit"]) - 2)


def test_past_the_account_limit_a_read_does_no_database_work(settings, django_assert_num_queries):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account": "2/m"}
    client = _signed_in()
    assert [client.get("/auth/my-profile").status_code for _ in range(2)] == [200, 200]
    sign_in_cache.account_changed(_user(client).pk)  # no entry: a read would go to the database
    with django_assert_num_queries(0):
        refused = client.get("/auth/my-profile")
    assert refused.status_code == 429
    assert refused.json()["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["x-ratelimit-remaining"] == "0"
