"""``manage.py revoke_sessions USER``: sign an account out everywhere."""

from typing import Any

from backoffice import moderation
from backoffice.management.operator import UserCommand, user_describe


class Command(UserCommand):
    help = "Revoke every live sign-in (all access and refresh tokens) of an account at once."

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        revoked = self.run(lambda: moderation.sign_ins_revoke_all(actor=None, user=user))
        self.stdout.write(
            self.style.SUCCESS(f"Revoked {revoked} sign-in(s) of {user_describe(user)}")
        )
