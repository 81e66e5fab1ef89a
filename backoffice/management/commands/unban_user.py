"""``manage.py unban_user USER``: lift a ban."""

from typing import Any

from backoffice import moderation
from backoffice.management.operator import UserCommand, user_describe


class Command(UserCommand):
    help = "Lift an account's ban; it may sign in again (its old tokens stay revoked)."

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        changed = self.run(lambda: moderation.user_unban(actor=None, user=user))
        message = "Unbanned" if changed else "Not banned, nothing to do:"
        self.stdout.write(self.style.SUCCESS(f"{message} {user_describe(user)}"))
