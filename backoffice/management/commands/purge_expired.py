"""``manage.py purge_expired``: the retention job (run it daily, e.g. from a scheduler)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from backoffice.housekeeping import records_purge


class Command(BaseCommand):
    help = (
        "Delete used sign-in proofs past their expiry, sign-ins revoked or expired more than "
        "SIGN_IN_RETENTION_DAYS ago, audit events older than AUDIT_RETENTION_DAYS, and "
        "delivered webhook events older than EVENTS_RETENTION_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = records_purge(dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {counts.sign_in_proofs} expired sign-in proof(s), "
                f"{counts.sign_ins} old sign-in(s) (kept {settings.SIGN_IN_RETENTION_DAYS} days), "
                f"{counts.audit_events} audit event(s)"
                f" (kept {settings.AUDIT_RETENTION_DAYS} days), "
                f"{counts.events} webhook event(s) (kept {settings.EVENTS_RETENTION_DAYS} days)"
            )
        )
