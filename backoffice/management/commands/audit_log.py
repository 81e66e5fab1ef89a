"""``manage.py audit_log``: read the audit trail from a shell."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import AuditAction, AuditEvent
from backoffice import moderation
from backoffice.management.operator import USER_HELP, service_errors


class Command(BaseCommand):
    help = "Print the latest audit events, newest first, optionally of one account or action."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help=USER_HELP + " (as actor or subject)")
        parser.add_argument("--action", help="one of: " + ", ".join(AuditAction.values))
        parser.add_argument("--limit", type=int, default=50, help="events to print (default 50)")

    def handle(self, *args: Any, **options: Any) -> None:
        events = AuditEvent.objects.all()
        if options["action"]:
            if options["action"] not in AuditAction.values:
                raise CommandError(f"Unknown action {options['action']!r}")
            events = events.filter(action=options["action"])
        if options["user"]:
            with service_errors():
                user = moderation.user_resolve(identifier=options["user"])
            events = events.filter(subject_uuid=user.pk) | events.filter(actor_uuid=user.pk)
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        for event in events[: options["limit"]]:
            self.stdout.write(
                "\t".join(
                    [
                        event.created_at.isoformat(),
                        event.action,
                        str(event.actor_uuid or "-"),
                        str(event.subject_uuid or "-"),
                        event.ip_address or "-",
                        json.dumps(event.detail, sort_keys=True),
                    ]
                )
            )
