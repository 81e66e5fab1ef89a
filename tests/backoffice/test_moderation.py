"""The staff flows of backoffice/moderation.py, and their effect on the API."""

import pytest
from rest_framework.test import APIClient

from accounts import wallets
from accounts.exceptions import LastSuperAdmin, UserNotFound, WalletUnlinkRefused
from accounts.models import Role, User
from accounts.models import Wallet as WalletRow
from audit.models import AuditAction, AuditEvent
from backoffice import moderation
from core.errors import ServiceError
from permissions.exceptions import InvalidRole, NotAllowed
from signin.models import SignIn
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_ban_refuses_old_tokens_at_once_and_refresh_and_sign_in(sign_in, admin_user):
    wallet = Wallet()
    first, second = sign_in(wallet, APIClient()), sign_in(wallet, APIClient())
    user = User.objects.get(address=wallet.address)
    assert _bearer(first["token"]).get("/auth/my-profile").status_code == 200

    revoked = moderation.user_ban(actor=admin_user, user=user, reason="spam")

    assert revoked == 2
    assert _bearer(first["token"]).get("/auth/my-profile").status_code == 401
    assert _bearer(second["token"]).get("/auth/my-profile").status_code == 401
    refresh = APIClient().post(
        "/auth/refresh", {"refreshToken": first["refreshToken"]}, format="json"
    )
    assert refresh.status_code == 401
    login = APIClient().post("/auth/login", wallet.login_body(), format="json")
    assert login.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.USER_BANNED)
    assert event.actor == admin_user and event.subject == user
    assert event.detail == {
        "via": "command",
        "reason": "spam",
        "revoked": 2,
        "alreadyBanned": False,
    }


def test_unban_lets_the_wallet_sign_in_again(sign_in, admin_user):
    wallet = Wallet()
    sign_in(wallet, APIClient())
    user = User.objects.get(address=wallet.address)
    moderation.user_ban(actor=admin_user, user=user)
    assert moderation.user_unban(actor=admin_user, user=user) is True
    assert moderation.user_unban(actor=admin_user, user=user) is False
    assert APIClient().post("/auth/login", wallet.login_body(), format="json").status_code == 201
    assert AuditEvent.objects.filter(action=AuditAction.USER_UNBANNED).count() == 1


def test_admin_cannot_ban_staff(admin_user, super_admin):
    with pytest.raises(NotAllowed):
        moderation.user_ban(actor=admin_user, user=super_admin)
    super_admin.refresh_from_db()
    assert not super_admin.is_banned
    assert not AuditEvent.objects.exists()


def test_role_changes_only_by_super_admins(admin_user, super_admin, user):
    with pytest.raises(NotAllowed):
        moderation.user_role_set(actor=admin_user, user=user, role=Role.ADMIN)
    assert moderation.user_role_set(actor=super_admin, user=user, role=Role.ADMIN) is True
    user.refresh_from_db()
    assert user.role == Role.ADMIN
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.actor == super_admin
    assert event.detail == {"via": "command", "from": "user", "to": "admin"}
    assert moderation.user_role_set(actor=super_admin, user=user, role=Role.ADMIN) is False


def test_last_super_admin_cannot_be_demoted(super_admin):
    with pytest.raises(LastSuperAdmin):
        moderation.user_role_set(actor=super_admin, user=super_admin, role=Role.ADMIN)
    other = user_create_for_wallet(address=Wallet().address, role=Role.SUPER_ADMIN)
    moderation.user_role_set(actor=other, user=super_admin, role=Role.ADMIN)
    with pytest.raises(LastSuperAdmin):
        moderation.user_role_set(actor=None, user=other, role=Role.USER)


def test_unknown_role_is_refused(super_admin, user):
    with pytest.raises(InvalidRole):
        moderation.user_role_set(actor=super_admin, user=user, role="god")


def test_revoke_all_sessions_keeps_the_account_usable(sign_in, admin_user):
    wallet = Wallet()
    body = sign_in(wallet, APIClient())
    user = User.objects.get(address=wallet.address)
    assert moderation.sign_ins_revoke_all(actor=admin_user, user=user) == 1
    assert _bearer(body["token"]).get("/auth/my-profile").status_code == 401
    assert APIClient().post("/auth/login", wallet.login_body(), format="json").status_code == 201
    event = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert event.detail == {"via": "command", "scope": "all", "revoked": 1}


def test_revoke_one_sign_in(sign_in, admin_user):
    wallet = Wallet()
    first, second = sign_in(wallet, APIClient()), sign_in(wallet, APIClient())
    target = SignIn.objects.filter(user__address=wallet.address).earliest("created_at")
    assert moderation.sign_in_revoke(actor=admin_user, sign_in=target) is True
    assert moderation.sign_in_revoke(actor=admin_user, sign_in=target) is False
    statuses = sorted(
        _bearer(body["token"]).get("/auth/my-profile").status_code for body in (first, second)
    )
    assert statuses == [200, 401]


def test_user_resolve_by_address_uuid_and_username(user):
    user.username = "Alice_1"
    user.save()
    for identifier in (user.address, str(user.pk), "alice_1", " ALICE_1 "):
        assert moderation.user_resolve(identifier=identifier) == user
    with pytest.raises(UserNotFound):
        moderation.user_resolve(identifier="nobody")


def test_super_admin_ensure_creates_or_promotes():
    address = Wallet().address
    user, created = moderation.super_admin_ensure(address=address)
    assert created and user.role == Role.SUPER_ADMIN and not user.has_usable_password()
    existing_address = Wallet().address
    existing = user_create_for_wallet(address=existing_address)
    promoted, created = moderation.super_admin_ensure(address=existing_address)
    assert not created and promoted.pk == existing.pk and promoted.role == Role.SUPER_ADMIN
    with pytest.raises(ServiceError):
        moderation.super_admin_ensure(address="not-a-wallet")


def test_staff_unlink_a_wallet_under_the_accounts_rules_and_it_is_audited(
    sign_in, admin_user, super_admin
):
    primary, linked = Wallet(), Wallet()
    sign_in(primary, APIClient())
    user = User.objects.get(address=primary.address)
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    token = sign_in(linked, APIClient())["token"]
    # Not the primary one, as for the account itself.
    with pytest.raises(WalletUnlinkRefused):
        moderation.wallet_unlink(
            actor=admin_user, wallet=WalletRow.objects.get(address=primary.address)
        )
    # Not a staff account's, for a plain admin.
    staff_linked = Wallet()
    wallets.wallet_link_from_body(user=super_admin, body=staff_linked.link_body(super_admin.pk))
    with pytest.raises(NotAllowed):
        moderation.wallet_unlink(
            actor=admin_user, wallet=WalletRow.objects.get(address=staff_linked.address)
        )
    assert not AuditEvent.objects.filter(action=AuditAction.WALLET_UNLINKED).exists()
    # An operator (no actor) or an admin unlinks a user's wallet: its sessions end.
    revoked = moderation.wallet_unlink(
        actor=None, wallet=WalletRow.objects.get(address=linked.address)
    )
    assert revoked == 1
    assert _bearer(token).get("/auth/my-profile").status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.WALLET_UNLINKED)
    assert (event.actor, event.subject) == (None, user)
    assert event.detail == {"via": "command", "address": linked.address, "revoked": 1}
