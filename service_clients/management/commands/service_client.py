"""``manage.py service_client create|list|disable|enable``: the operator's side of service
clients. ``create`` prints the secret, once; nothing ever prints it again."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from service_clients.models import ServiceClient
from service_clients.services import (
    ClientNotFound,
    service_client_create,
    service_client_set_enabled,
)


class Command(BaseCommand):
    help = "Create, list, disable or enable the service clients of the OAuth endpoints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new client; prints its id and secret")
        create.add_argument("--name", required=True, help="what the client is (shown in lists)")
        actions.add_parser("list", help="every client, without secrets")
        for action in ("disable", "enable"):
            toggle = actions.add_parser(action, help=f"{action} a client by its id")
            toggle.add_argument("client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            name = options["name"].strip()
            if not name or len(name) > 100:
                raise CommandError("--name must be 1 to 100 characters")
            created = service_client_create(name=name)
            self.stdout.write(f"client_id:     {created.client.client_id}")
            self.stdout.write(f"client_secret: {created.secret}")
            self.stdout.write("The secret is shown only now; store it in the client's service.")
        elif action == "list":
            for client in ServiceClient.objects.all():
                used = client.last_used_at.isoformat() if client.last_used_at else "never"
                state = "enabled" if client.enabled else "disabled"
                self.stdout.write(
                    f"{client.client_id}\t{state}\t{client.name}\t"
                    f"created {client.created_at.isoformat()}\tlast used {used}"
                )
        else:
            try:
                client = service_client_set_enabled(
                    client_id=options["client_id"], enabled=action == "enable"
                )
            except ClientNotFound:
                raise CommandError(f"no service client {options['client_id']!r}") from None
            self.stdout.write(f"{client.client_id} {action}d")
