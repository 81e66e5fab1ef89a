"""The account's page in the admin site: live sessions, revoked one by one or all at once
through the staff flows, the latest audit events and (for super-admins) webhook deliveries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from signin.models import SignIn
from webhooks.services import endpoint_create, events_fan_out

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _revoke_url(user: User) -> str:
    return reverse("admin:accounts_user_sessions_revoke", args=[user.pk])


def _signed_in_twice(sign_in, wallet) -> tuple[User, list[SignIn]]:
    sign_in(wallet)
    sign_in(wallet)
    user = User.objects.get(address=wallet.address)
    return user, list(SignIn.objects.filter(user=user))


def test_the_page_lists_live_sessions_and_recent_audit_events(admin_user, sign_in, wallet):
    user, (first, second) = _signed_in_twice(sign_in, wallet)
    SignIn.objects.filter(pk=second.pk).update(revoked_at=timezone.now())
    page = _client(admin_user).get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    assert [session.id for session in page.context["live_sessions"]] == [first.id]
    assert [event.action for event in page.context["recent_events"]] == [
        AuditAction.SIGN_IN_SUCCEEDED
    ] * 2
    content = page.content.decode()
    assert 'id="user-sessions"' in content and 'id="user-audit-events"' in content
    assert f'value="{first.id}"' in content and f'value="{second.id}"' not in content
    assert 'id="revoke-all-sessions"' in content
    assert f"?subject_uuid={user.pk}" in content


def test_revoke_one_session_from_the_page(admin_user, sign_in, wallet):
    user, (first, second) = _signed_in_twice(sign_in, wallet)
    response = _client(admin_user).post(_revoke_url(user), {"sign_in": str(first.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[user.pk])
    assert SignIn.objects.get(pk=first.pk).revoked_at is not None
    assert SignIn.objects.get(pk=second.pk).revoked_at is None
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.detail["scope"] == "one" and event.detail["via"] == "admin"
    assert event.actor == admin_user


def test_revoke_all_sessions_from_the_page(admin_user, sign_in, wallet):
    user, _ = _signed_in_twice(sign_in, wallet)
    assert _client(admin_user).post(_revoke_url(user), {"sign_in": "all"}).status_code == 302
    assert not SignIn.objects.filter(user=user, revoked_at=None).exists()
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.detail == {"via": "admin", "scope": "all", "revoked": 2}


@pytest.mark.parametrize("value", ["", "nonsense", "6f1d4c4e-8a4f-4a43-9d0e-6cfb2d9d2d10"])
def test_an_unknown_session_changes_nothing(admin_user, sign_in, wallet, value):
    user, _ = _signed_in_twice(sign_in, wallet)
    response = _client(admin_user).post(_revoke_url(user), {"sign_in": value}, follow=True)
    assert "No such session of this account." in response.content.decode()
    assert SignIn.objects.filter(user=user, revoked_at=None).count() == 2


def test_another_accounts_session_is_not_revoked_through_this_page(
    admin_user, sign_in, wallet, user
):
    _, (first, _second) = _signed_in_twice(sign_in, wallet)
    _client(admin_user).post(_revoke_url(user), {"sign_in": str(first.pk)})
    assert SignIn.objects.get(pk=first.pk).revoked_at is None


def test_a_plain_admin_cannot_revoke_a_super_admins_sessions(admin_user, super_admin):
    SignIn.objects.create(user=super_admin, refresh_jti="j")
    response = _client(admin_user).post(_revoke_url(super_admin), {"sign_in": "all"}, follow=True)
    assert "You may not revoke this account" in response.content.decode()
    assert SignIn.objects.filter(user=super_admin, revoked_at=None).count() == 1
    page = _client(admin_user).get(reverse("admin:accounts_user_change", args=[super_admin.pk]))
    assert 'id="revoke-all-sessions"' not in page.content.decode()


def test_plain_users_cannot_post_here(user, sign_in, wallet):
    target, _ = _signed_in_twice(sign_in, wallet)
    assert _client(user).post(_revoke_url(target), {"sign_in": "all"}).status_code == 302
    assert SignIn.objects.filter(user=target, revoked_at=None).count() == 2


def test_a_super_admin_sees_the_webhook_deliveries_about_the_account(
    super_admin, admin_user, sign_in, wallet, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    endpoint = endpoint_create(actor=None, url="http://127.0.0.1:9/hooks").endpoint
    user, _ = _signed_in_twice(sign_in, wallet)
    other = sign_in(type(wallet)())  # another account's events are not listed
    assert other["user"]["id"] != str(user.pk)
    events_fan_out()
    url = reverse("admin:accounts_user_change", args=[user.pk])

    page = _client(super_admin).get(url)
    deliveries = page.context["webhook_deliveries"]
    assert sorted(d.event.type for d in deliveries) == sorted(
        ["user.created", "session.created", "session.created"]
    )
    assert {d.endpoint_id for d in deliveries} == {endpoint.pk}
    content = page.content.decode()
    assert 'id="user-webhook-deliveries"' in content
    assert reverse("admin:webhooks_delivery_change", args=[deliveries[0].pk]) in content

    # Endpoints and deliveries are the super-admins': an admin's page leaves them out.
    page = _client(admin_user).get(url)
    assert page.context["webhook_deliveries"] is None
    assert 'id="user-webhook-deliveries"' not in page.content.decode()
