"""``manage.py list_staff``: every admin and super-admin."""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from backoffice.management.operator import user_describe
from permissions.rules import ADMIN_ROLES


class Command(BaseCommand):
    help = "List the staff accounts (admins and super-admins), banned ones marked."

    def handle(self, *args: Any, **options: Any) -> None:
        staff = User.objects.filter(role__in=ADMIN_ROLES).order_by("role", "created_at")
        for user in staff:
            banned = "  BANNED" if user.is_banned else ""
            self.stdout.write(f"{user.role:<12} {user_describe(user)}{banned}")
        if not staff:
            self.stdout.write("No staff accounts. Create one with create_super_admin.")
