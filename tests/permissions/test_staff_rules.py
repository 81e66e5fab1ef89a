"""The staff rules of permissions/rules.py, called directly."""

import pytest

from accounts.models import Role, User
from permissions import rules
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


def _user(role: str = Role.USER, banned: bool = False) -> User:
    return user_create_for_wallet(address=Wallet().address, role=role, is_banned=banned)


def test_only_super_admins_change_roles_and_edit_accounts():
    user, admin, super_admin = _user(), _user(Role.ADMIN), _user(Role.SUPER_ADMIN)
    assert [rules.can_change_roles(u) for u in (user, admin, super_admin)] == [False, False, True]
    assert [rules.can_edit_user(u, user) for u in (user, admin, super_admin)] == [
        False,
        False,
        True,
    ]
    assert not rules.can_change_roles(_user(Role.SUPER_ADMIN, banned=True))


def test_admins_ban_users_but_not_staff_nor_themselves():
    user, admin, other_admin, super_admin = (
        _user(),
        _user(Role.ADMIN),
        _user(Role.ADMIN),
        _user(Role.SUPER_ADMIN),
    )
    assert rules.can_ban(admin, user)
    assert not rules.can_ban(admin, other_admin)
    assert not rules.can_ban(admin, super_admin)
    assert not rules.can_ban(admin, admin)
    assert not rules.can_ban(user, _user())
    assert rules.can_ban(super_admin, admin)
    assert not rules.can_ban(super_admin, super_admin)


def test_revoke_sessions_rule():
    user, admin, super_admin = _user(), _user(Role.ADMIN), _user(Role.SUPER_ADMIN)
    assert rules.can_revoke_sessions(admin, user)
    assert rules.can_revoke_sessions(admin, admin)
    assert not rules.can_revoke_sessions(admin, super_admin)
    assert rules.can_revoke_sessions(super_admin, admin)
    assert not rules.can_revoke_sessions(user, user)


def test_unlink_wallets_rule_and_permission():
    user, admin, super_admin = _user(), _user(Role.ADMIN), _user(Role.SUPER_ADMIN)
    assert rules.can_unlink_wallets(admin, user)
    assert rules.can_unlink_wallets(admin, admin)
    assert not rules.can_unlink_wallets(admin, super_admin)
    assert rules.can_unlink_wallets(super_admin, admin)
    assert not rules.can_unlink_wallets(user, user)
    wallet_of = {account: account.wallets.get() for account in (user, super_admin)}
    assert admin.has_perm(rules.UNLINK_WALLET_PERMISSION)
    assert admin.has_perm(rules.UNLINK_WALLET_PERMISSION, wallet_of[user])
    assert not admin.has_perm(rules.UNLINK_WALLET_PERMISSION, wallet_of[super_admin])
    assert not user.has_perm(rules.UNLINK_WALLET_PERMISSION)
    assert admin.has_perm("accounts.view_wallet") and not admin.has_perm("accounts.delete_wallet")


def test_has_perm_splits_admin_and_super_admin():
    user, admin, super_admin = _user(), _user(Role.ADMIN), _user(Role.SUPER_ADMIN)
    assert admin.has_perm("accounts.view_user")
    assert admin.has_perm("audit.view_auditevent")
    assert not admin.has_perm("accounts.change_user")
    assert not admin.has_perm("accounts.add_user")
    assert admin.has_perm(rules.BAN_PERMISSION)
    assert admin.has_perm(rules.BAN_PERMISSION, user)
    assert not admin.has_perm(rules.BAN_PERMISSION, super_admin)
    assert super_admin.has_perm("accounts.change_user")
    assert not user.has_perm("accounts.view_user")
    assert admin.is_staff and not admin.is_superuser
