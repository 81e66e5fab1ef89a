"""``manage.py revoke_role USER``: take the staff role away (back to a plain user)."""

from typing import Any

from accounts.models import Role
from backoffice import moderation
from backoffice.management.operator import UserCommand, user_describe


class Command(UserCommand):
    help = (
        "Remove an account's admin or super-admin role, making it a plain user. "
        "The last super-admin cannot be demoted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        changed = self.run(lambda: moderation.user_role_set(actor=None, user=user, role=Role.USER))
        state = "is now" if changed else "was already"
        self.stdout.write(self.style.SUCCESS(f"{user_describe(user)} {state} a plain user"))
