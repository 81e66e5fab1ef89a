"""``manage.py block_country CODE --reason "..."``: refuse access from a country."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backoffice.management.operator import service_errors
from permissions import jurisdictions


class Command(BaseCommand):
    help = (
        "Block a country (ISO 3166-1 alpha-2 code such as GB; XX blocks unknown countries): "
        "requests from it are refused by the jurisdiction check. On a blocked country, sets "
        "its reason. Recorded in the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="two-letter ISO 3166-1 alpha-2 country code (any case)")
        parser.add_argument(
            "--reason",
            default="",
            help='shown to the user; empty: "Access from <CODE> is not available"',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with service_errors():
            row, outcome = jurisdictions.jurisdiction_block(
                actor=None, code=options["code"], reason=options["reason"]
            )
        message = {
            "blocked": f"Blocked {row.code}",
            "updated": f"{row.code} was blocked already; reason updated",
            "unchanged": f"{row.code} is blocked already with that reason, nothing to do",
        }[outcome]
        self.stdout.write(self.style.SUCCESS(f"{message}: {row.reason_text}"))
