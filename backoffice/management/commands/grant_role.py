"""``manage.py grant_role USER ROLE``: give an account the admin or super-admin role."""

from typing import Any

from django.core.management.base import CommandParser

from accounts.models import Role
from backoffice import moderation
from backoffice.management.operator import UserCommand, user_describe


class Command(UserCommand):
    help = "Grant a staff role (admin or super_admin) to an account."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("role", choices=[Role.ADMIN, Role.SUPER_ADMIN], help="the role")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        changed = self.run(
            lambda: moderation.user_role_set(actor=None, user=user, role=options["role"])
        )
        state = "now" if changed else "already"
        self.stdout.write(self.style.SUCCESS(f"{user_describe(user)} is {state} {options['role']}"))
