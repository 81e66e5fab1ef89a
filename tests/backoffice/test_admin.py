"""The admin site: the admin / super-admin split (forms and crafted POSTs), the actions'
effect on the API, the read-only audit trail and the dashboard."""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django_q.models import OrmQ, Schedule, Success
from django_q.tasks import async_task
from rest_framework.test import APIClient

from accounts import wallets
from accounts.models import Role, User
from accounts.models import Wallet as WalletRow
from audit.models import AuditAction, AuditEvent
from signin.models import SignIn
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")
SIGN_INS = reverse("admin:signin_signin_changelist")
AUDIT = reverse("admin:audit_auditevent_changelist")
WALLETS = reverse("admin:accounts_wallet_changelist")


def _staff_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def _change_form(user: User, **overrides) -> dict:
    data = {
        "username": user.username or "",
        "email": user.email,
        "bio": user.bio,
        "profile_image": user.profile_image or "",
        "role": user.role,
        # The read-only inlines' management forms.
        **{
            f"{inline}-{count}_FORMS": "0"
            for inline in ("wallets", "sign_ins")
            for count in ("TOTAL", "INITIAL", "MIN_NUM", "MAX_NUM")
        },
    }
    return data | overrides


def _bearer_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/auth/my-profile").status_code


def test_plain_users_and_anonymous_are_kept_out(user):
    assert Client().get(USERS).status_code == 302
    assert _staff_client(user).get(USERS).status_code == 302  # to the admin login


def test_admin_lists_searches_and_filters_users(admin_user):
    address = Wallet().address
    target = user_create_for_wallet(address=address, username="alice")
    user_create_for_wallet(address=Wallet().address)
    client = _staff_client(admin_user)
    page = client.get(USERS, {"q": address})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [target]
    assert list(client.get(USERS, {"q": "ALICE"}).context["cl"].result_list) == [target]
    assert list(client.get(USERS, {"registered": "yes"}).context["cl"].result_list) == [target]
    staff = client.get(USERS, {"role__exact": Role.ADMIN}).context["cl"].result_list
    assert list(staff) == [admin_user]
    assert client.get(USERS, {"is_banned__exact": "1"}).context["cl"].result_count == 0
    content = page.content.decode()
    for column in ("Address", "Username", "Role", "Status", "Last login"):
        assert column in content


def _rows(page) -> list[str]:
    """The change list's result rows, as HTML, in the order of ``cl.result_list``."""
    body = page.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("</tr>")[:-1]


def test_user_list_marks_a_ban_with_a_red_cross_and_the_word(admin_user):
    banned = user_create_for_wallet(address=Wallet().address, username="mallory", is_banned=True)
    active = user_create_for_wallet(address=Wallet().address, username="alice")
    page = _staff_client(admin_user).get(USERS)
    rows = {
        user.pk: row for user, row in zip(page.context["cl"].result_list, _rows(page), strict=True)
    }
    assert "icon-no.svg" in rows[banned.pk] and "Banned" in rows[banned.pk]
    assert "icon-yes.svg" not in rows[banned.pk]
    assert "icon-yes.svg" in rows[active.pk] and "Active" in rows[active.pk]
    assert "icon-no.svg" not in rows[active.pk]


def test_admin_sees_a_user_read_only_and_cannot_change_roles_by_form(admin_user, user):
    client = _staff_client(admin_user)
    page = client.get(_change_url(user))
    assert page.status_code == 200
    assert 'name="role"' not in page.content.decode()  # no editable role field
    assert 'name="_save"' not in page.content.decode()


def test_admin_crafted_post_cannot_change_a_role(admin_user, user):
    client = _staff_client(admin_user)
    for target, role in ((user, Role.SUPER_ADMIN), (admin_user, Role.SUPER_ADMIN)):
        response = client.post(_change_url(target), _change_form(target, role=role))
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.role != Role.SUPER_ADMIN
    assert client.post(reverse("admin:accounts_user_add"), {"role": "admin"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).exists()


def test_super_admin_changes_a_role_through_the_form(super_admin, user):
    client = _staff_client(super_admin)
    response = client.post(_change_url(user), _change_form(user, role=Role.ADMIN, bio="trusted"))
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert user.role == Role.ADMIN and user.bio == "trusted"
    role_event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert role_event.actor == super_admin and role_event.subject == user
    assert role_event.detail == {"via": "admin", "from": "user", "to": "admin"}
    edit = AuditEvent.objects.get(action=AuditAction.USER_UPDATED)
    assert edit.detail == {"via": "admin", "fields": ["bio"]}


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("support", "Username is reserved"),
        ("ADMIN", "Username is reserved"),
        ("two words", "Username must be 3 to 32 characters"),
        ("ab", "Username must be 3 to 32 characters"),
        ("x" * 33, "at most 32 characters"),
    ],
)
def test_edit_form_applies_the_api_username_rules(super_admin, username, message):
    target = user_create_for_wallet(address=Wallet().address, username="alice")
    client = _staff_client(super_admin)
    response = client.post(_change_url(target), _change_form(target, username=username))
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    target.refresh_from_db()
    assert target.username == "alice"
    assert not AuditEvent.objects.filter(action=AuditAction.USER_UPDATED).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "Admin_", "Username is reserved"),
        ("username", "__admin", "Username is reserved"),
        ("bio", "gm \u202efun.pump", "Bio must not contain control, bidirectional-override"),
        ("bio", "zero\u200bwidth", "Bio must not contain control, bidirectional-override"),
        ("profile_image", "https://127.0.0.1/x", "Profile image must name a host, not an IP"),
        ("profile_image", "https://user:pw@evil.com/a.png", "Profile image must not contain"),
        ("profile_image", "https://a.localhost/x", "Profile image must name a public host"),
        ("profile_image", "https://img.example:8080/a.png", "Profile image must not name a port"),
    ],
)
def test_edit_form_applies_the_api_profile_rules(super_admin, field, value, message):
    target = User.objects.create(
        address=Wallet().address, username="alice", bio="gm", profile_image="https://i.example/a"
    )
    client = _staff_client(super_admin)
    response = client.post(_change_url(target), _change_form(target, **{field: value}))
    assert response.status_code == 200  # the form again, with the error
    assert message in html.unescape(response.content.decode())
    target.refresh_from_db()
    assert (target.username, target.bio, target.profile_image) == (
        "alice",
        "gm",
        "https://i.example/a",
    )
    assert not AuditEvent.objects.filter(action=AuditAction.USER_UPDATED).exists()


def test_edit_form_keeps_unchanged_values_stored_before_the_rules(super_admin):
    target = User.objects.create(
        address=Wallet().address,
        username="alice",
        bio="gm \u202efun.pump",
        profile_image="https://127.0.0.1/x",
    )
    client = _staff_client(super_admin)
    response = client.post(_change_url(target), _change_form(target, email="a@example.com"))
    assert response.status_code == 302, response.content
    target.refresh_from_db()
    assert (target.email, target.bio, target.profile_image) == (
        "a@example.com",
        "gm \u202efun.pump",
        "https://127.0.0.1/x",
    )
    response = client.post(_change_url(target), _change_form(target, bio="fixed"))
    assert response.status_code == 302, response.content
    target.refresh_from_db()
    assert (target.bio, target.profile_image) == ("fixed", "https://127.0.0.1/x")


def test_edit_form_accepts_a_valid_name_and_keeps_an_unchanged_legacy_one(super_admin):
    target = user_create_for_wallet(address=Wallet().address, username="alice")
    client = _staff_client(super_admin)
    response = client.post(_change_url(target), _change_form(target, username="alice_2"))
    assert response.status_code == 302, response.content
    target.refresh_from_db()
    assert target.username == "alice_2"
    # A name given before the rules (createsuperuser obeys the format only) is not an
    # obstacle to editing other fields, as on the API, where only a change is checked.
    legacy = User.objects.create_user(username="admin", password="a-long-password-1")
    response = client.post(_change_url(legacy), _change_form(legacy, bio="ops"))
    assert response.status_code == 302, response.content
    legacy.refresh_from_db()
    assert (legacy.username, legacy.bio) == ("admin", "ops")


def test_last_super_admin_cannot_demote_itself_in_the_form(super_admin):
    client = _staff_client(super_admin)
    response = client.post(_change_url(super_admin), _change_form(super_admin, role=Role.USER))
    assert response.status_code == 200  # the form again, with the error
    assert "The last super-admin cannot lose the role" in response.content.decode()
    super_admin.refresh_from_db()
    assert super_admin.role == Role.SUPER_ADMIN


def test_admin_bans_through_the_action_and_the_api_refuses_the_old_token(admin_user, sign_in):
    wallet = Wallet()
    body = sign_in(wallet, APIClient())
    target = User.objects.get(address=wallet.address)
    assert _bearer_status(body["token"]) == 200

    response = _staff_client(admin_user).post(
        USERS, {"action": "ban_users", "_selected_action": [str(target.pk)]}
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_banned
    assert _bearer_status(body["token"]) == 401
    event = AuditEvent.objects.get(action=AuditAction.USER_BANNED)
    assert event.actor == admin_user and event.detail["via"] == "admin"
    assert event.ip_address == "127.0.0.1"

    _staff_client(admin_user).post(
        USERS, {"action": "unban_users", "_selected_action": [str(target.pk)]}
    )
    target.refresh_from_db()
    assert not target.is_banned
    assert APIClient().post("/auth/login", wallet.login_body(), format="json").status_code == 201


def test_admin_crafted_ban_of_a_super_admin_is_refused(admin_user, super_admin):
    response = _staff_client(admin_user).post(
        USERS, {"action": "ban_users", "_selected_action": [str(super_admin.pk)]}, follow=True
    )
    assert "You may not ban this account" in response.content.decode()
    super_admin.refresh_from_db()
    assert not super_admin.is_banned


def test_revoke_all_sessions_action(admin_user, sign_in):
    wallet = Wallet()
    body = sign_in(wallet, APIClient())
    target = User.objects.get(address=wallet.address)
    _staff_client(admin_user).post(
        USERS, {"action": "revoke_all_sessions", "_selected_action": [str(target.pk)]}
    )
    assert _bearer_status(body["token"]) == 401
    target.refresh_from_db()
    assert not target.is_banned


def test_sessions_page_lists_and_revokes_one_sign_in(admin_user, sign_in):
    wallet = Wallet()
    first, second = sign_in(wallet, APIClient()), sign_in(wallet, APIClient())
    target = User.objects.get(address=wallet.address)
    client = _staff_client(admin_user)
    page = client.get(SIGN_INS, {"user__id__exact": str(target.pk), "state": "live"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    one = SignIn.objects.filter(user=target).earliest("created_at")
    client.post(SIGN_INS, {"action": "revoke_sign_ins", "_selected_action": [str(one.pk)]})
    assert sorted([_bearer_status(first["token"]), _bearer_status(second["token"])]) == [200, 401]
    assert client.get(SIGN_INS, {"state": "live"}).context["cl"].result_count == 1
    sign_in_change = reverse("admin:signin_signin_change", args=[one.pk])
    assert client.post(sign_in_change, {"revoked_reason": ""}).status_code == 403


def test_sessions_page_shows_wallet_country_and_device(admin_user, settings):
    settings.COUNTRY_HEADER = "CF-IPCountry"
    wallet = Wallet()
    agent = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    )
    response = APIClient().post(
        "/auth/login",
        wallet.login_body(),
        format="json",
        HTTP_USER_AGENT=agent,
        HTTP_CF_IPCOUNTRY="DE",
    )
    assert response.status_code == 201
    page = _staff_client(admin_user).get(SIGN_INS, {"q": wallet.address})
    assert page.context["cl"].result_count == 1
    text = page.content.decode()
    for column in ("column-wallet", "column-country", "column-device"):
        assert column in text
    assert f'<td class="field-wallet">{wallet.address}</td>' in text
    assert '<td class="field-country">DE</td>' in text
    assert '<td class="field-device">Chrome on macOS</td>' in text
    target = User.objects.get(address=wallet.address)
    user_page = _staff_client(admin_user).get(_change_url(target)).content.decode()
    assert "Chrome on macOS" in user_page


def test_admin_cannot_revoke_a_super_admins_sessions(admin_user, super_admin):
    SignIn.objects.create(user=super_admin, refresh_jti="x")
    _staff_client(admin_user).post(
        SIGN_INS,
        {"action": "revoke_sign_ins", "_selected_action": [str(super_admin.sign_ins.get().pk)]},
    )
    assert super_admin.sign_ins.get().revoked_at is None


def test_audit_trail_is_read_only_for_everyone(super_admin, user):
    event = AuditEvent.objects.create(action=AuditAction.ADMIN_ACTION, subject=user)
    client = _staff_client(super_admin)
    assert client.get(AUDIT).status_code == 200
    assert client.get(AUDIT, {"subject_uuid": str(user.pk)}).context["cl"].result_count == 1
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"action": "user.banned"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_add"), {}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(AUDIT, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code == 200  # unknown action: nothing happens
    assert AuditEvent.objects.filter(pk=event.pk, action=AuditAction.ADMIN_ACTION).exists()


def test_dashboard_counts_and_site_title(admin_user, sign_in):
    sign_in(Wallet(), APIClient())
    user_create_for_wallet(address=Wallet().address, is_banned=True)
    page = _staff_client(admin_user).get(reverse("admin:index"))
    content = page.content.decode()
    assert "Launchpad Auth" in content
    assert '<span class="backoffice-number" id="count-users">3</span>' in content
    assert '<span class="backoffice-number" id="count-sign-ins-today">1</span>' in content
    assert '<span class="backoffice-number" id="count-banned">1</span>' in content
    assert "backoffice/backoffice.css" in content


def test_staff_sign_in_to_the_admin_site_is_audited():
    staff = User.objects.create_user(username="staffer", password="a-long-password-1", role="admin")
    client = Client()
    client.post(reverse("admin:login"), {"username": "staffer", "password": "wrong"})
    failed = AuditEvent.objects.get(action=AuditAction.STAFF_SIGN_IN_FAILED)
    assert failed.subject == staff and failed.detail["username"] == "staffer"
    response = client.post(
        reverse("admin:login"), {"username": "staffer", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=AuditAction.STAFF_SIGN_IN_SUCCEEDED).actor == staff
    client.post(reverse("admin:logout"))
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_LOGOUT, actor=staff).exists()


# --- Wallets ---------------------------------------------------------------------------------


def _account_with_linked_wallet(sign_in) -> tuple[User, Wallet, dict, Wallet, dict]:
    """An account signed in with its primary and with a linked wallet: (account, primary,
    its sign-in's body, linked, its sign-in's body)."""
    primary, linked = Wallet(), Wallet()
    primary_body = sign_in(primary, APIClient())
    target = User.objects.get(address=primary.address)
    wallets.wallet_link_from_body(user=target, body=linked.link_body(target.pk))
    return target, primary, primary_body, linked, sign_in(linked, APIClient())


def test_the_users_page_shows_its_wallets_with_a_way_to_unlink(admin_user, sign_in):
    target, primary, _, linked, _ = _account_with_linked_wallet(sign_in)
    page = _staff_client(admin_user).get(_change_url(target)).content.decode()
    assert primary.address in page and linked.address in page
    assert f"{WALLETS}?q={linked.address}" in html.unescape(page)
    assert f"{WALLETS}?q={primary.address}" not in html.unescape(page)  # the primary stays
    # Any of the account's wallets finds it in the users list.
    found = _staff_client(admin_user).get(USERS, {"q": linked.address})
    assert [user.pk for user in found.context["cl"].result_list] == [target.pk]


def test_admin_unlinks_a_wallet_and_its_sessions_end(admin_user, sign_in):
    target, primary, primary_body, linked, linked_body = _account_with_linked_wallet(sign_in)
    client = _staff_client(admin_user)
    listed = client.get(WALLETS, {"q": linked.address})
    (row,) = listed.context["cl"].result_list
    response = client.post(
        WALLETS, {"action": "unlink_wallets", "_selected_action": [str(row.pk)]}, follow=True
    )
    assert "Unlinked: 1 wallet(s)." in response.content.decode()
    assert list(target.wallets.values_list("address", flat=True)) == [primary.address]
    assert _bearer_status(linked_body["token"]) == 401
    assert _bearer_status(primary_body["token"]) == 200
    event = AuditEvent.objects.get(action=AuditAction.WALLET_UNLINKED)
    assert (event.actor, event.subject) == (admin_user, target)
    assert event.detail == {"via": "admin", "address": linked.address, "revoked": 1}


def test_staff_cannot_unlink_the_primary_wallet_nor_a_super_admins(
    admin_user, super_admin, sign_in
):
    _target, primary, _, _, _ = _account_with_linked_wallet(sign_in)
    staff_wallet = Wallet()
    wallets.wallet_link_from_body(user=super_admin, body=staff_wallet.link_body(super_admin.pk))
    client = _staff_client(admin_user)
    for address, message in [
        (primary.address, "The primary wallet cannot be unlinked"),
        (staff_wallet.address, "You may not unlink this account&#x27;s wallets"),
    ]:
        wallet = WalletRow.objects.get(address=address)
        response = client.post(
            WALLETS, {"action": "unlink_wallets", "_selected_action": [str(wallet.pk)]}, follow=True
        )
        assert message in response.content.decode()
        assert WalletRow.objects.filter(address=address).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.WALLET_UNLINKED).exists()


def test_wallets_are_read_only_in_the_admin_site(super_admin, sign_in):
    target, _, _, linked, _ = _account_with_linked_wallet(sign_in)
    wallet = WalletRow.objects.get(address=linked.address)
    client = _staff_client(super_admin)
    change = reverse("admin:accounts_wallet_change", args=[wallet.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"address": Wallet().address}).status_code == 403
    # No such action here: nothing happens.
    client.post(WALLETS, {"action": "delete_selected", "_selected_action": [wallet.pk]})
    assert WalletRow.objects.get(pk=wallet.pk).user == target


def _schedule_form() -> dict:
    """A schedule that would have the worker run ``os.system``, as django-q2's form takes it."""
    return {
        "name": "attacker",
        "func": "os.system",
        "args": "'touch /tmp/should-not-exist'",
        "schedule_type": "O",
        "repeats": "-1",
        "next_run_0": "2026-01-01",
        "next_run_1": "00:00:00",
    }


def test_the_task_queue_is_read_only_for_super_admins_and_hidden_from_admins(
    admin_user, super_admin
):
    async_task("math.floor", 1.5, sync=True)  # a finished task in the results
    task = Success.objects.get()
    schedule = Schedule.objects.get(func="webhooks.tasks.sweep")  # made by a migration
    boss = _staff_client(super_admin)
    for url in (
        reverse("admin:django_q_schedule_changelist"),
        reverse("admin:django_q_schedule_change", args=[schedule.pk]),
        reverse("admin:django_q_success_changelist"),
        reverse("admin:django_q_failure_changelist"),
    ):
        assert boss.get(url).status_code == 200, url
    assert boss.get(reverse("admin:django_q_schedule_add")).status_code == 403
    boss.post(reverse("admin:django_q_schedule_add"), _schedule_form())
    boss.post(
        reverse("admin:django_q_schedule_change", args=[schedule.pk]),
        _schedule_form() | {"name": schedule.name},
    )
    assert not Schedule.objects.filter(func="os.system").exists()
    assert Schedule.objects.get(pk=schedule.pk).func == "webhooks.tasks.sweep"
    page = boss.get(reverse("admin:django_q_success_changelist")).content.decode()
    assert "resubmit_task" not in page
    resubmitted = boss.post(
        reverse("admin:django_q_success_changelist"),
        {"action": "resubmit_task", "_selected_action": [task.pk]},
    )
    assert resubmitted.status_code == 200  # an action the page does not offer: nothing done
    assert not OrmQ.objects.exists()
    admin = _staff_client(admin_user)
    assert admin.get(reverse("admin:django_q_schedule_changelist")).status_code == 403
    assert (
        admin.post(
            reverse("admin:django_q_success_changelist"),
            {"action": "resubmit_task", "_selected_action": [task.pk]},
        ).status_code
        == 403
    )
    assert "Task queue" not in admin.get(reverse("admin:index")).content.decode()


def test_the_outbox_is_for_super_admins_only(admin_user, super_admin, user):
    events = reverse("admin:events_event_changelist")
    assert _staff_client(admin_user).get(events).status_code == 403
    assert "Webhook events" not in _staff_client(admin_user).get(_change_url(user)).content.decode()
    assert _staff_client(super_admin).get(events).status_code == 200
    assert "Webhook events" in _staff_client(super_admin).get(_change_url(user)).content.decode()
