"""``manage.py show_user USER``: an account at a glance, for support and incidents."""

from typing import Any

from django.core.management.base import CommandParser

from audit.models import AuditEvent
from backoffice.management.operator import UserCommand


class Command(UserCommand):
    help = (
        "Show an account: profile, role, ban, wallets, live sign-ins and its latest audit events."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--events", type=int, default=10, help="audit events to show")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.get_user(options)
        write = self.stdout.write
        for label, value in [
            ("id", user.pk),
            ("address", user.address or "-"),
            ("username", user.username or "-"),
            ("email", user.email or "-"),
            ("role", user.role),
            ("banned", "yes" if user.is_banned else "no"),
            ("created", user.created_at.isoformat()),
            ("last login", user.last_login.isoformat() if user.last_login else "-"),
        ]:
            write(f"{label:>12}: {value}")
        wallets = list(user.wallets.order_by("-is_primary", "linked_at", "pk"))
        write(f"{'wallets':>12}: {len(wallets)}")
        for wallet in wallets:
            write(
                f"  {wallet.address}  {'primary' if wallet.is_primary else 'linked '}  "
                f"{wallet.linked_at:%Y-%m-%d %H:%M}"
            )
        live = user.sign_ins.filter(revoked_at__isnull=True).order_by("-created_at")
        write(f"{'live sign-ins':>12}: {live.count()}")
        for sign_in in live[:20]:
            write(
                f"  {sign_in.pk}  {sign_in.created_at:%Y-%m-%d %H:%M}  "
                f"{sign_in.ip_address or '-'}  {sign_in.user_agent[:60]}"
            )
        events = AuditEvent.objects.filter(subject_uuid=user.pk)[: max(options["events"], 0)]
        write(f"{'audit':>12}:")
        for event in events:
            write(f"  {event.created_at:%Y-%m-%d %H:%M:%S}  {event.action}  {event.detail}")
