"""``manage.py unblock_country CODE``: allow access from a blocked country again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backoffice.management.operator import service_errors
from permissions import jurisdictions


class Command(BaseCommand):
    help = (
        "Unblock a country (ISO 3166-1 alpha-2 code): requests from it are allowed again. "
        "Fails when the country is not blocked. Recorded in the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="two-letter ISO 3166-1 alpha-2 country code (any case)")

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors():
            row = jurisdictions.jurisdiction_unblock(actor=None, code=options["code"])
        self.stdout.write(self.style.SUCCESS(f"Unblocked {row.code}"))
