"""``manage.py create_super_admin ADDRESS``: make a wallet a super-admin (created if new)."""

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from accounts.usernames import username_problem
from backoffice import moderation
from backoffice.management.operator import service_errors, user_describe


class Command(BaseCommand):
    help = (
        "Create or promote a super-admin by wallet address. The wallet signs in to the API as "
        "usual; give --username and --password-stdin (or --password-prompt) to also let it "
        "sign in to the admin site with a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="the wallet's base58 Solana address")
        parser.add_argument(
            "--username",
            help="username for the admin site sign-in (the API's rules: 3-32 letters, digits "
            "or underscores, not a reserved name)",
        )
        parser.add_argument("--email", help="contact email of the staff member")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--password-stdin", action="store_true", help="read the admin-site password from stdin"
        )
        group.add_argument(
            "--password-prompt", action="store_true", help="ask for the admin-site password"
        )

    def _password(self, options: dict[str, Any]) -> str | None:
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        if options["password_prompt"]:
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match")
            return first
        return None

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options)
        if password is not None and not options["username"]:
            raise CommandError("A password needs --username: the admin site signs in by username")
        try:
            with transaction.atomic(), service_errors():
                user, created = moderation.super_admin_ensure(address=options["address"])
                fields = []
                username = options["username"]
                if username and username != user.username:
                    # The API's rules (format and reserved names), by the same function.
                    problem = username_problem(username)
                    if problem is not None:
                        raise CommandError(f"username {problem}")
                    user.username = username
                    fields.append("username")
                if options["email"]:
                    user.email = options["email"]
                    fields.append("email")
                if password is not None:
                    try:
                        validate_password(password, user)
                    except ValidationError as exc:
                        raise CommandError("; ".join(exc.messages)) from None
                    user.set_password(password)
                    fields.append("password")
                if fields:
                    user.full_clean(exclude=["password"])
                    moderation.user_fields_save(user=user, fields=fields)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except IntegrityError:
            raise CommandError("That username is taken") from None
        verb = "Created" if created else "Promoted"
        self.stdout.write(self.style.SUCCESS(f"{verb} super-admin {user_describe(user)}"))
