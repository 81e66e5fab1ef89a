"""The jurisdiction commands: block_country, unblock_country, list_blocked_countries."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from permissions.models import BlockedJurisdiction

pytestmark = pytest.mark.django_db

COMMANDS = ["block_country", "unblock_country", "list_blocked_countries"]
FRANCE_ADDRESS = "90.0.0.1"  # Orange France; iptocc says FR


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _jurisdiction(client: APIClient) -> dict:
    return client.get("/auth/is-valid-jurisdiction", REMOTE_ADDR=FRANCE_ADDRESS).json()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name):
    command = load_command_class("permissions", name)
    text = command.create_parser("manage.py", name).format_help()
    assert command.help and command.help.split()[0] in text


def test_block_country_blocks_and_is_audited(auth_client):
    assert _jurisdiction(auth_client)["isValidJurisdiction"] is True
    out = _run("block_country", "fr", "--reason", "Not offered in France")
    assert "Blocked FR: Not offered in France" in out
    assert BlockedJurisdiction.objects.get(code="FR").reason == "Not offered in France"
    assert _jurisdiction(auth_client) == {
        "isValidJurisdiction": False,
        "jurisdiction": "FR",
        "reason": "Not offered in France",
    }
    event = AuditEvent.objects.get(action=AuditAction.JURISDICTION_BLOCKED)
    assert event.actor is None and event.subject is None
    assert event.detail == {"via": "command", "code": "FR", "reason": "Not offered in France"}


def test_block_country_on_a_blocked_country_sets_the_reason():
    BlockedJurisdiction.objects.filter(code="GB").update(reason="")
    assert "reason updated" in _run("block_country", "GB", "--reason", "FCA rules")
    assert BlockedJurisdiction.objects.get(code="GB").reason == "FCA rules"
    event = AuditEvent.objects.get(action=AuditAction.JURISDICTION_UPDATED)
    assert event.detail == {
        "via": "command",
        "code": "GB",
        "reason": "FCA rules",
        "previousCode": "GB",
        "previousReason": "",
    }
    assert "nothing to do" in _run("block_country", "GB", "--reason", "FCA rules")
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("F1", "ISO 3166-1 alpha-2"),
        ("FRA", "ISO 3166-1 alpha-2|at most 2"),
        ("", "blank"),
        ("é1", "ISO 3166-1 alpha-2"),
    ],
)
def test_block_country_refuses_a_code_that_is_not_alpha_2(code, message):
    before = BlockedJurisdiction.objects.count()
    with pytest.raises(CommandError, match=message):
        _run("block_country", code)
    assert BlockedJurisdiction.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_block_country_refuses_an_over_long_reason():
    with pytest.raises(CommandError, match="reason"):
        _run("block_country", "FR", "--reason", "x" * 256)
    assert not BlockedJurisdiction.objects.filter(code="FR").exists()


def test_unblock_country_allows_again_and_is_audited(auth_client):
    _run("block_country", "FR")
    assert _jurisdiction(auth_client)["isValidJurisdiction"] is False
    assert "Unblocked FR" in _run("unblock_country", " fr ")
    assert not BlockedJurisdiction.objects.filter(code="FR").exists()
    assert _jurisdiction(auth_client) == {"isValidJurisdiction": True, "jurisdiction": "FR"}
    event = AuditEvent.objects.get(action=AuditAction.JURISDICTION_UNBLOCKED)
    assert event.detail == {"via": "command", "code": "FR", "reason": ""}


def test_unblock_country_that_is_not_blocked_fails():
    with pytest.raises(CommandError, match="FR is not blocked"):
        _run("unblock_country", "FR")
    with pytest.raises(CommandError, match="ISO 3166-1 alpha-2"):
        _run("unblock_country", "F1")
    assert not AuditEvent.objects.exists()


def test_list_blocked_countries():
    BlockedJurisdiction.objects.filter(code="KP").update(reason="Sanctions")
    BlockedJurisdiction.objects.filter(code="GB").update(reason="")
    lines = _run("list_blocked_countries").strip().splitlines()
    codes = [line.split()[0] for line in lines]
    assert codes == sorted(BlockedJurisdiction.objects.values_list("code", flat=True))
    assert "KP  Sanctions" in lines
    assert "GB  Access from GB is not available  (default reason)" in lines
    BlockedJurisdiction.objects.all().delete()
    assert "No blocked countries" in _run("list_blocked_countries")


def test_failure_exits_non_zero_with_the_message_on_stderr():
    result = subprocess.run(
        [sys.executable, "manage.py", "block_country", "F1"],
        cwd=settings.BASE_DIR,
        # The refusal comes before any write; keep the child off the test servers.
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "ISO 3166-1 alpha-2" in result.stderr
    assert "Traceback" not in result.stderr
