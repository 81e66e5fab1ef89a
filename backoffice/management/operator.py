"""What the operator commands share: finding the account, and turning domain errors into
``CommandError`` (a message on stderr and exit status 1)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from backoffice import moderation
from core.errors import ServiceError

T = TypeVar("T")

USER_HELP = "the account: any of its wallet addresses, its uuid or its username"


@contextmanager
def service_errors() -> Iterator[None]:
    try:
        yield
    except ServiceError as exc:
        raise CommandError(exc.message) from None


def user_describe(user: User) -> str:
    name = f" ({user.username})" if user.username else ""
    return f"{user.address or '-'}{name} [{user.pk}]"


class UserCommand(BaseCommand):
    """A command acting on one account named by its first argument."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help=USER_HELP)

    def get_user(self, options: dict[str, Any]) -> User:
        with service_errors():
            return moderation.user_resolve(identifier=options["user"])

    def run(self, flow: Callable[[], T]) -> T:
        with service_errors():
            return flow()
