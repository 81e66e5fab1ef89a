"""The operator commands: effects, audit entries, clear errors and exit status."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import wallets
from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent
from signin.models import SignIn, UsedSignInProof
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

COMMANDS = [
    "create_super_admin",
    "grant_role",
    "revoke_role",
    "ban_user",
    "unban_user",
    "revoke_sessions",
    "purge_expired",
    "show_user",
    "list_staff",
    "audit_log",
]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    command = load_command_class("backoffice", name)
    text = command.create_parser("manage.py", name).format_help()
    assert command.help and command.help.split()[0] in text


def test_create_super_admin_creates_then_promotes():
    address = Wallet().address
    assert "Created super-admin" in _run("create_super_admin", address)
    user = User.objects.get(address=address)
    assert user.role == Role.SUPER_ADMIN and not user.has_usable_password()
    assert [(w.address, w.is_primary) for w in user.wallets.all()] == [(address, True)]
    existing_address = Wallet().address
    existing = user_create_for_wallet(address=existing_address)
    assert "Promoted super-admin" in _run("create_super_admin", existing_address)
    existing.refresh_from_db()
    assert existing.role == Role.SUPER_ADMIN
    event = AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED, subject=existing).get()
    assert event.actor is None and event.detail["via"] == "command"


def test_create_super_admin_with_admin_site_password(monkeypatch):
    address = Wallet().address
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery-9\n"))
    _run("create_super_admin", address, "--username", "ops_lead", "--password-stdin")
    user = User.objects.get(address=address)
    assert user.username == "ops_lead" and user.check_password("correct-horse-battery-9")


def test_create_super_admin_errors(monkeypatch):
    with pytest.raises(CommandError, match="is not a Solana wallet address"):
        _run("create_super_admin", "not-a-wallet")
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    with pytest.raises(CommandError, match="needs --username"):
        _run("create_super_admin", Wallet().address, "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="too short"):
        _run("create_super_admin", Wallet().address, "--username", "ops", "--password-stdin")
    user_create_for_wallet(address=Wallet().address, username="taken")
    with pytest.raises(CommandError, match=r"already exists|taken"):
        _run("create_super_admin", Wallet().address, "--username", "taken")
    assert not User.objects.filter(role=Role.SUPER_ADMIN).exists()  # all rolled back


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("admin", "username is reserved"),
        ("Support", "username is reserved"),
        ("ops lead", "username must be 3 to 32 characters"),
        ("o", "username must be 3 to 32 characters"),
    ],
)
def test_create_super_admin_applies_the_api_username_rules(username, message):
    with pytest.raises(CommandError, match=message):
        _run("create_super_admin", Wallet().address, "--username", username)
    assert not User.objects.filter(role=Role.SUPER_ADMIN).exists()  # rolled back
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).exists()


def test_create_super_admin_honours_extra_reserved_names(settings):
    address = Wallet().address
    _run("create_super_admin", address, "--username", "ops_chief")
    assert User.objects.get(address=address).username == "ops_chief"
    settings.RESERVED_USERNAMES_EXTRA = ["ops_lead", "ops_chief"]
    with pytest.raises(CommandError, match="username is reserved"):
        _run("create_super_admin", Wallet().address, "--username", "OPS_LEAD")
    # Naming the account's own current name again is not a change, so not refused.
    assert "Promoted" in _run("create_super_admin", address, "--username", "ops_chief")


def test_grant_and_revoke_role(user, super_admin):
    assert "is now admin" in _run("grant_role", user.address, "admin")
    assert "is already admin" in _run("grant_role", str(user.pk), "admin")
    user.refresh_from_db()
    assert user.role == Role.ADMIN
    assert "is now a plain user" in _run("revoke_role", user.address)
    user.refresh_from_db()
    assert user.role == Role.USER
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED, subject=user).count() == 2
    with pytest.raises(CommandError, match="last super-admin"):
        _run("revoke_role", super_admin.address)
    with pytest.raises(CommandError, match="invalid choice"):
        _run("grant_role", user.address, "god")
    with pytest.raises(CommandError, match="No user"):
        _run("grant_role", "nobody", "admin")


def test_ban_and_unban(sign_in):
    wallet = Wallet()
    body = sign_in(wallet, APIClient())
    assert "revoked 1 sign-in(s)" in _run("ban_user", wallet.address, "--reason", "fraud")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get("/auth/my-profile").status_code == 401
    event = AuditEvent.objects.get(action=AuditAction.USER_BANNED)
    assert event.detail["reason"] == "fraud"
    assert "Unbanned" in _run("unban_user", wallet.address)
    assert "Not banned" in _run("unban_user", wallet.address)
    assert not User.objects.get(address=wallet.address).is_banned
    with pytest.raises(CommandError, match="No user"):
        _run("ban_user", Wallet().address)


def test_revoke_sessions(sign_in):
    wallet = Wallet()
    sign_in(wallet, APIClient())
    sign_in(wallet, APIClient())
    assert "Revoked 2 sign-in(s)" in _run("revoke_sessions", wallet.address)
    assert not SignIn.objects.filter(revoked_at__isnull=True).exists()


def test_purge_expired(user):
    now = timezone.now()
    keep_days = settings.SIGN_IN_RETENTION_DAYS
    UsedSignInProof.objects.create(key="old", expires_at=now - timedelta(seconds=1))
    UsedSignInProof.objects.create(key="fresh", expires_at=now + timedelta(minutes=5))
    SignIn.objects.create(
        user=user, refresh_jti="a", revoked_at=now - timedelta(days=keep_days + 1)
    )
    SignIn.objects.create(user=user, refresh_jti="b", revoked_at=now - timedelta(days=1))
    expired_long_ago = now - settings.REFRESH_TOKEN_LIFETIME - timedelta(days=keep_days + 1)
    SignIn.objects.create(user=user, refresh_jti="c", last_used_at=expired_long_ago)
    SignIn.objects.create(user=user, refresh_jti="live")
    old_time = now - timedelta(days=settings.AUDIT_RETENTION_DAYS + 1)
    AuditEvent.objects.create(action=AuditAction.ADMIN_ACTION, created_at=old_time)
    AuditEvent.objects.create(action=AuditAction.ADMIN_ACTION)

    dry = _run("purge_expired", "--dry-run")
    assert "Would delete 1 expired sign-in proof(s), 2 old sign-in(s)" in dry
    assert UsedSignInProof.objects.count() == 2

    out = _run("purge_expired")
    assert "Deleted 1 expired sign-in proof(s), 2 old sign-in(s)" in out
    assert "1 audit event(s)" in out
    assert "0 webhook event(s)" in out
    assert list(UsedSignInProof.objects.values_list("key", flat=True)) == ["fresh"]
    assert sorted(SignIn.objects.values_list("refresh_jti", flat=True)) == ["b", "live"]
    assert AuditEvent.objects.count() == 1


def test_show_user_list_staff_and_audit_log(sign_in, admin_user):
    wallet = Wallet()
    sign_in(wallet, APIClient())
    shown = _run("show_user", wallet.address)
    assert wallet.address in shown and "live sign-ins: 1" in shown
    assert "sign_in.succeeded" in shown
    assert admin_user.address in _run("list_staff")
    log = _run("audit_log", "--user", wallet.address, "--action", "sign_in.succeeded")
    assert len(log.strip().splitlines()) == 1 and "sign_in.succeeded" in log
    with pytest.raises(CommandError, match="Unknown action"):
        _run("audit_log", "--action", "nope")
    with pytest.raises(CommandError, match="No user"):
        _run("show_user", "ghost")


def test_show_user_lists_every_wallet_and_finds_the_account_by_any(sign_in):
    primary, linked = Wallet(), Wallet()
    sign_in(primary, APIClient())
    user = User.objects.get(address=primary.address)
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    shown = _run("show_user", linked.address)
    assert f"id: {user.pk}" in shown and "wallets: 2" in shown
    lines = shown.splitlines()
    (primary_line,) = [line for line in lines if line.strip().startswith(primary.address)]
    (linked_line,) = [line for line in lines if line.strip().startswith(linked.address)]
    assert "primary" in primary_line and "linked" in linked_line
    assert lines.index(primary_line) < lines.index(linked_line)


def test_create_super_admin_with_a_linked_wallet_promotes_its_account(sign_in):
    primary, linked = Wallet(), Wallet()
    sign_in(primary, APIClient())
    user = User.objects.get(address=primary.address)
    wallets.wallet_link_from_body(user=user, body=linked.link_body(user.pk))
    assert "Promoted super-admin" in _run("create_super_admin", linked.address)
    assert User.objects.get().role == Role.SUPER_ADMIN


def test_list_staff_when_there_is_none():
    assert "No staff accounts" in _run("list_staff")


def test_failure_exits_non_zero_with_the_message_on_stderr():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_super_admin", "not-a-wallet"],
        cwd=settings.BASE_DIR,
        # The refusal comes before any database work; keep the child off the test servers.
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "is not a Solana wallet address" in result.stderr
