"""``manage.py webhooks add|list|test|disable|enable|reencrypt``: the operator's side of webhook
endpoints. ``add`` prints the secret, once; nothing ever prints it again."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from webhooks.addresses import EndpointRefused
from webhooks.models import Endpoint
from webhooks.services import (
    endpoint_create,
    endpoint_enabled_set,
    endpoint_secrets_reencrypt,
    endpoint_test,
)


class Command(BaseCommand):
    help = "Add, list, test, disable or enable webhook endpoints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="a new endpoint; prints its id and secret")
        add.add_argument("url")
        add.add_argument(
            "--events",
            default="",
            help="comma-separated event types (default: every type)",
        )
        add.add_argument("--description", default="")
        actions.add_parser("list", help="every endpoint, without secrets")
        actions.add_parser(
            "reencrypt", help="encrypt every secret with the first of SIGNING_KEYS_SECRET"
        )
        for action in ("test", "disable", "enable"):
            one = actions.add_parser(action, help=f"{action} an endpoint by its id")
            one.add_argument("endpoint_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                self._add(options)
            elif action == "list":
                self._list()
            elif action == "reencrypt":
                self.stdout.write(f"{endpoint_secrets_reencrypt()} secrets re-encrypted")
            else:
                self._one(action, options["endpoint_id"])
        except EndpointRefused as exc:
            raise CommandError(exc.message) from None

    def _add(self, options: dict[str, Any]) -> None:
        created = endpoint_create(
            actor=None,
            url=options["url"],
            event_types=options["events"].split(","),
            description=options["description"],
        )
        self.stdout.write(f"endpoint_id: {created.endpoint.pk}")
        self.stdout.write(f"secret:      {created.secret}")
        self.stdout.write("The secret is shown only now; give it to the receiver.")

    def _list(self) -> None:
        for endpoint in Endpoint.objects.all():
            types = ",".join(endpoint.event_types) or "*"
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.state}\t{endpoint.url}\t{types}\t"
                f"failures in a row {endpoint.consecutive_failures}\t{endpoint.description}"
            )

    def _one(self, action: str, endpoint_id: int) -> None:
        endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
        if endpoint is None:
            raise CommandError(f"no webhook endpoint {endpoint_id}")
        if action == "test":
            outcome = endpoint_test(actor=None, endpoint=endpoint)
            answer = outcome.status_code or outcome.error
            self.stdout.write(f"{endpoint.url}: {answer} in {outcome.latency_ms} ms")
            if not outcome.succeeded:
                raise CommandError("the endpoint did not answer 2xx")
            return
        changed = endpoint_enabled_set(actor=None, endpoint=endpoint, enabled=action == "enable")
        self.stdout.write(f"{endpoint.pk} {action}d" if changed else f"{endpoint.pk} unchanged")
