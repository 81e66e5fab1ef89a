"""``python manage.py sign_login_body``: print a signed ``POST /auth/login`` body for curl."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from signin.devwallet import (
    default_key_path,
    dev_key_load_or_create,
    login_body_json,
    login_body_sign,
)


class Command(BaseCommand):
    help = (
        "Print a signed login body (pump.fun's form) for a local test keypair, created in "
        ".dev-wallet.key on first use. For local testing only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key-file",
            type=Path,
            default=None,
            help="hex secret key file (default: .dev-wallet.key)",
        )
        parser.add_argument(
            "--timestamp",
            type=int,
            default=None,
            help="milliseconds since the epoch (default: now)",
        )

    def handle(
        self, *args: object, key_file: Path | None, timestamp: int | None, **options: object
    ) -> None:
        key = dev_key_load_or_create(path=key_file or default_key_path())
        self.stdout.write(login_body_json(login_body_sign(key=key, timestamp_ms=timestamp)))
