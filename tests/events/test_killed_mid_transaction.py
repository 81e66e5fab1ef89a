"""A process killed with SIGKILL in the middle of a change's transaction leaves neither the
change nor its event; one killed just after the commit leaves both. Real processes, on the
test's own database."""

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from events.models import Event, EventType
from tests.events.flows import account

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
import django
django.setup()
from django.db import transaction
from accounts.models import User
from backoffice import moderation
user = User.objects.get(pk=sys.argv[1])
with transaction.atomic():
    moderation.user_ban(actor=None, user=user)
    if sys.argv[2] == "before-commit":
        print("changed", flush=True)
        time.sleep(120)
print("committed", flush=True)
time.sleep(120)
"""


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )


def _kill_after(user: User, moment: str, expected_line: str) -> None:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(user.pk), moment],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the child never reported"
        assert child.stdout is not None
        line = child.stdout.readline().decode().strip()
        assert line == expected_line, (line, child.stderr.read() if child.stderr else "")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_killed_before_the_commit_leaves_no_change_and_no_event():
    user = account()
    _kill_after(user, "before-commit", "changed")
    user.refresh_from_db()
    assert not user.is_banned
    assert not Event.objects.filter(type=EventType.USER_BANNED).exists()
    assert not Event.objects.filter(type=EventType.SESSION_REVOKED).exists()


@pytest.mark.django_db(transaction=True)
def test_killed_after_the_commit_leaves_the_change_and_its_events():
    user = account()
    _kill_after(user, "after-commit", "committed")
    user.refresh_from_db()
    assert user.is_banned
    assert Event.objects.filter(type=EventType.USER_BANNED, subject_uuid=user.pk).count() == 1
    assert Event.objects.filter(type=EventType.SESSION_REVOKED, subject_uuid=user.pk).count() == 1
