"""The suspicious-activity page: its selectors without HTTP, then the page (staff only, its
thresholds, its links) and its ban and revoke buttons, which go through the staff flows."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from backoffice import suspicious
from signin.models import SignIn
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:accounts_user_suspicious")
MODERATE = reverse("admin:accounts_user_suspicious_moderate")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _created_from(ip_address: str, count: int, *, at=None) -> list[User]:
    users = []
    for _ in range(count):
        user = user_create_for_wallet(address=Wallet().address)
        event = audit_record(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            actor=user,
            subject=user,
            ip_address=ip_address,
            detail={"signInId": "x", "newAccount": True},
        )
        if at is not None:
            AuditEvent.objects.filter(pk=event.pk).update(created_at=at)
        users.append(user)
    return users


def _refusals(address: str, count: int, ip_prefix: str = "198.51.100.") -> None:
    for index in range(count):
        audit_record(
            action=AuditAction.SIGN_IN_FAILED,
            ip_address=f"{ip_prefix}{index % 3}",
            detail={"reason": "Invalid signature", "address": address},
        )


def _live_sessions(user: User, count: int, **fields) -> None:
    for _ in range(count):
        SignIn.objects.create(user=user, refresh_jti="j", **fields)


def test_nothing_suspicious_in_an_empty_service():
    activity = suspicious.suspicious_activity(thresholds=suspicious.Thresholds())
    assert (activity.addresses, activity.wallets, activity.accounts) == ([], [], [])


def test_addresses_creating_many_accounts_within_the_window():
    _created_from("203.0.113.7", 3)
    _created_from("203.0.113.8", 1)
    _created_from("203.0.113.9", 3, at=timezone.now() - timedelta(hours=30))  # too old
    user = user_create_for_wallet(address=Wallet().address)  # a returning sign-in: not new
    audit_record(
        action=AuditAction.SIGN_IN_SUCCEEDED,
        subject=user,
        ip_address="203.0.113.8",
        detail={"newAccount": False},
    )
    since = timezone.now() - timedelta(hours=24)
    rows = suspicious.addresses_creating_accounts(since=since, at_least=2, limit=10)
    assert [(row.ip_address, row.accounts) for row in rows] == [("203.0.113.7", 3)]
    created = suspicious.accounts_created_from(ip_address="203.0.113.7", since=since)
    assert len(created) == 3


def test_wallets_with_many_refused_proofs_and_their_accounts():
    owned = Wallet()
    owner = user_create_for_wallet(address=owned.address)
    stranger = Wallet().address
    _refusals(owned.address, 4)
    _refusals(stranger, 5)
    _refusals(Wallet().address, 1)
    since = timezone.now() - timedelta(hours=1)
    rows = suspicious.wallets_refused(since=since, at_least=3, limit=10)
    assert [(row.address, row.refusals, row.client_addresses) for row in rows] == [
        (stranger, 5, 3),
        (owned.address, 4, 3),
    ]
    assert rows[0].user is None and rows[1].user == owner


def test_accounts_with_many_live_sessions_count_only_live_ones():
    hoarder, other, patient = (user_create_for_wallet(address=Wallet().address) for _ in range(3))
    now = timezone.now()
    _live_sessions(hoarder, 3)
    _live_sessions(hoarder, 2, created_at=now - timedelta(days=3))  # live, opened before
    _live_sessions(other, 2)
    _live_sessions(other, 3, revoked_at=now)
    _live_sessions(other, 3, expires_at=now - timedelta(seconds=1))
    _live_sessions(patient, 3, created_at=now - timedelta(days=3))
    rows = suspicious.accounts_with_live_sessions(
        since=now - timedelta(hours=24), now=now, at_least=3, limit=10
    )
    assert [(row.user, row.live_sessions) for row in rows] == [(hoarder, 5)]
    # A window as long as a session's life sees every live session.
    rows = suspicious.accounts_with_live_sessions(
        since=now - timedelta(days=30), now=now, at_least=3, limit=10
    )
    assert [(row.user, row.live_sessions) for row in rows] == [(hoarder, 5), (patient, 3)]


def _staff(role=Role.ADMIN) -> Client:
    client = Client()
    client.force_login(user_create_for_wallet(address=Wallet().address, role=role))
    return client


def test_the_page_is_for_staff_only(user):
    assert Client().get(PAGE).status_code == 302
    plain = Client()
    plain.force_login(user)
    assert plain.get(PAGE).status_code == 302  # to the admin's sign-in
    assert plain.post(MODERATE, {"action": "ban", "user": str(user.pk)}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_banned


def test_the_page_lists_each_kind_with_links_and_buttons():
    farm = _created_from("203.0.113.7", 3)
    target = Wallet()
    owner = user_create_for_wallet(address=target.address)
    _refusals(target.address, 3)
    _live_sessions(owner, 3)
    page = _staff().get(PAGE, {"new_accounts": 2, "refused_proofs": 3, "live_sessions": 3})
    assert page.status_code == 200
    activity = page.context["activity"]
    assert [row.ip_address for row in activity.addresses] == ["203.0.113.7"]
    assert [row.address for row in activity.wallets] == [target.address]
    assert [row.user for row in activity.accounts] == [owner]
    content = page.content.decode()
    audit = reverse("admin:audit_auditevent_changelist")
    assert f"{audit}?ip_address=203.0.113.7&amp;action__exact=sign_in.succeeded" in content
    assert f"{audit}?action__exact=sign_in.failed&amp;detail__address={target.address}" in content
    assert reverse("admin:accounts_user_change", args=[owner.pk]) in content
    assert "Ban these 3 accounts" in content and "Revoke all sessions" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert farm  # the three accounts behind the address


def test_the_audit_list_links_filter_as_they_say(admin_user):
    target = Wallet().address
    _refusals(target, 2)
    _refusals(Wallet().address, 1)
    client = Client()
    client.force_login(admin_user)
    audit = reverse("admin:audit_auditevent_changelist")
    page = client.get(audit, {"action__exact": "sign_in.failed", "detail__address": target})
    assert page.status_code == 200 and page.context["cl"].result_count == 2
    page = client.get(audit, {"ip_address": "198.51.100.1"})
    assert page.status_code == 200 and page.context["cl"].result_count == 1


def test_bad_thresholds_show_an_error_and_use_the_defaults():
    page = _staff().get(PAGE, {"hours": "-3", "live_sessions": "many"})
    assert page.status_code == 200
    assert page.context["activity"].thresholds == suspicious.Thresholds()
    assert page.context["form"].errors.keys() == {"hours", "live_sessions"}


def test_ban_every_account_created_from_an_address_goes_through_the_flow():
    farm = _created_from("203.0.113.7", 3)
    bystander = _created_from("203.0.113.8", 1)[0]
    _live_sessions(farm[0], 1)
    response = _staff().post(
        MODERATE, {"action": "ban", "ip_address": "203.0.113.7", "hours": "24", "query": "hours=24"}
    )
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?hours=24"
    assert User.objects.filter(pk__in=[user.pk for user in farm], is_banned=True).count() == 3
    assert not User.objects.get(pk=bystander.pk).is_banned
    assert not SignIn.objects.filter(user=farm[0], revoked_at=None).exists()
    bans = AuditEvent.objects.filter(action=AuditAction.USER_BANNED)
    assert bans.count() == 3
    assert all(event.detail["via"] == "admin" for event in bans)
    assert {event.detail["reason"] for event in bans} == {"suspicious activity"}


def test_revoke_one_accounts_sessions_from_the_page():
    user = user_create_for_wallet(address=Wallet().address)
    _live_sessions(user, 2)
    response = _staff().post(MODERATE, {"action": "revoke", "user": str(user.pk)})
    assert response.status_code == 302
    assert not SignIn.objects.filter(user=user, revoked_at=None).exists()
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.detail == {"via": "admin", "scope": "all", "revoked": 2}


def test_a_plain_admin_cannot_ban_a_staff_account_from_the_page(super_admin):
    client = _staff(Role.ADMIN)
    response = client.post(MODERATE, {"action": "ban", "user": str(super_admin.pk)}, follow=True)
    assert not User.objects.get(pk=super_admin.pk).is_banned
    assert "You may not ban this account" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "ban"},  # no target
        {"action": "ban", "user": "not-a-uuid"},
        {"action": "delete", "user": "6f1d4c4e-8a4f-4a43-9d0e-6cfb2d9d2d10"},
        {"action": "ban", "ip_address": "nope"},
    ],
)
def test_a_malformed_post_changes_nothing(data, user):
    response = _staff().post(MODERATE, data, follow=True)
    assert response.status_code == 200
    assert not User.objects.filter(is_banned=True).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.USER_BANNED).exists()


def test_get_on_the_moderation_url_is_refused():
    assert _staff().get(MODERATE).status_code == 405
