"""``manage.py ban_user USER``: ban an account and revoke all its tokens at once."""

from typing import Any

from django.core.management.base import CommandParser

from backoffice import moderation
from backoffice.management.operator import UserCommand, user_describe


class Command(UserCommand):
    help = "Ban an account: it can no longer sign in, and every token it holds is refused at once."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--reason", default="", help="why (kept in the audit trail)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        revoked = self.run(
            lambda: moderation.user_ban(actor=None, user=user, reason=options["reason"])
        )
        self.stdout.write(
            self.style.SUCCESS(f"Banned {user_describe(user)}; revoked {revoked} sign-in(s)")
        )
