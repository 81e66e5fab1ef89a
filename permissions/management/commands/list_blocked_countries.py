"""``manage.py list_blocked_countries``: the blocked jurisdictions and their reasons."""

from typing import Any

from django.core.management.base import BaseCommand

from permissions.models import BlockedJurisdiction


class Command(BaseCommand):
    help = "List the blocked countries with the reason shown to their users."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = list(BlockedJurisdiction.objects.order_by("code"))
        for row in rows:
            default = "" if row.reason else "  (default reason)"
            self.stdout.write(f"{row.code}  {row.reason_text}{default}")
        if not rows:
            self.stdout.write("No blocked countries: access is allowed from everywhere.")
