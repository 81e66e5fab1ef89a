"""``manage.py signing_keys``: list, ensure, rotate, withdraw, purge, reencrypt."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.errors import ServiceError
from signing_keys import services
from signing_keys.models import SigningKey


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"


class Command(BaseCommand):
    help = (
        "Access-token signing keys. list: every key (never a private one); ensure: make an"
        " active and a next key if missing (the release phase runs it); rotate: the next"
        " key signs, the signing one retires; withdraw KID: refuse a compromised key's"
        " tokens (every instance within SIGNING_KEYS_REFRESH_SECONDS); purge: delete"
        " retired keys past retire_after; reencrypt: encrypt every private key with the"
        " first SIGNING_KEYS_SECRET."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list")
        actions.add_parser("ensure")
        rotate = actions.add_parser("rotate")
        rotate.add_argument(
            "--force",
            action="store_true",
            help="rotate even if the next key was published less than JWKS_MAX_AGE_SECONDS ago",
        )
        withdraw = actions.add_parser("withdraw")
        withdraw.add_argument("kid")
        actions.add_parser("purge")
        actions.add_parser("reencrypt")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except ServiceError as error:
            raise CommandError(error.message) from None

    def _list(self, options: dict[str, Any]) -> None:
        self.stdout.write("kid\talgorithm\tstate\tcreated\tactivated\tretire_after\twithdrawn")
        for key in SigningKey.objects.order_by("created_at", "id"):
            self.stdout.write(
                "\t".join(
                    [
                        key.kid,
                        key.algorithm,
                        key.state,
                        _when(key.created_at),
                        _when(key.activated_at),
                        _when(key.retire_after),
                        _when(key.withdrawn_at),
                    ]
                )
            )

    def _ensure(self, options: dict[str, Any]) -> None:
        services.keys_ensure_now()
        self.stdout.write("signing keys: an active and a next key exist")

    def _rotate(self, options: dict[str, Any]) -> None:
        rotation = services.key_rotate(force=options["force"])
        self.stdout.write(
            f"signing with {rotation.activated}; retired {rotation.retired or '-'} (published"
            f" until its last token expires); published {rotation.published} as the next key"
        )

    def _withdraw(self, options: dict[str, Any]) -> None:
        key = services.key_withdraw(kid=options["kid"])
        self.stdout.write(
            f"withdrew {key.kid} at {_when(key.withdrawn_at)}: its tokens are refused by every"
            " instance within SIGNING_KEYS_REFRESH_SECONDS"
            f" ({settings.SIGNING_KEYS_REFRESH_SECONDS} s)"
        )

    def _purge(self, options: dict[str, Any]) -> None:
        kids = services.keys_purge(now=timezone.now())
        self.stdout.write(f"purged {len(kids)} retired key(s): {', '.join(kids) or '-'}")

    def _reencrypt(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"re-encrypted {services.keys_reencrypt()} key(s)")
