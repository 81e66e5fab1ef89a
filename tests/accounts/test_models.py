import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_username_is_unique_without_regard_to_case():
    User.objects.create(address="a" * 32, username="Alice")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(address="b" * 32, username="aLICE")


def test_many_unregistered_and_staff_accounts_may_have_no_username_or_address():
    User.objects.create(address="a" * 32)
    User.objects.create(address="b" * 32)
    User.objects.create_superuser(username="staff1", password="pw-123456789")
    User.objects.create_superuser(username="staff2", password="pw-123456789")
    assert User.objects.filter(address__isnull=True).count() == 2


def test_createsuperuser_command_makes_a_staff_super_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery")
    call_command("createsuperuser", "--noinput", "--username", "ops", "--email", "o@x.io")
    staff = User.objects.get(username="ops")
    assert staff.role == Role.SUPER_ADMIN
    assert staff.address is None
    assert staff.is_staff and staff.is_superuser
    assert staff.check_password("correct-horse-battery")
