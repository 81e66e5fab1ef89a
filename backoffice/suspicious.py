"""The suspicious-activity page's selectors: client addresses that created many accounts,
wallets named by many refused proofs, accounts holding many live sessions.

Read from the audit trail (``sign_in.succeeded`` with ``newAccount``, ``sign_in.failed``
with the proof's ``address``; the time range on ``audit_action_created_idx``) and the
live sign-ins (``signin_user_revoked_idx``). Nothing here writes; the page's ban and
revoke buttons go through ``backoffice.moderation``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from accounts.models import User, Wallet
from audit.models import AuditAction, AuditEvent
from signin.models import SignIn


@dataclass(frozen=True)
class Thresholds:
    """What counts as suspicious; the page's defaults, changed by its query parameters."""

    hours: int = 24  # how far back new accounts, refused proofs and new sessions are counted
    new_accounts: int = 10  # accounts created from one client address
    refused_proofs: int = 20  # refused proofs naming one wallet
    live_sessions: int = 10  # sessions one account opened in the window and still holds
    limit: int = 50  # rows per list


@dataclass(frozen=True)
class AddressActivity:
    ip_address: str
    accounts: int
    last_at: datetime


@dataclass(frozen=True)
class WalletActivity:
    address: str
    refusals: int
    client_addresses: int
    last_at: datetime
    user: User | None  # the account holding the wallet, if any


@dataclass(frozen=True)
class SessionHoarder:
    user: User
    live_sessions: int


@dataclass(frozen=True)
class SuspiciousActivity:
    since: datetime
    thresholds: Thresholds
    addresses: list[AddressActivity]
    wallets: list[WalletActivity]
    accounts: list[SessionHoarder]


def suspicious_activity(
    *, thresholds: Thresholds, now: datetime | None = None
) -> SuspiciousActivity:
    now = now or timezone.now()
    since = now - timedelta(hours=thresholds.hours)
    return SuspiciousActivity(
        since=since,
        thresholds=thresholds,
        addresses=addresses_creating_accounts(
            since=since, at_least=thresholds.new_accounts, limit=thresholds.limit
        ),
        wallets=wallets_refused(
            since=since, at_least=thresholds.refused_proofs, limit=thresholds.limit
        ),
        accounts=accounts_with_live_sessions(
            since=since, now=now, at_least=thresholds.live_sessions, limit=thresholds.limit
        ),
    )


def _new_accounts(*, since: datetime):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN_SUCCEEDED, created_at__gte=since, detail__newAccount=True
    ).order_by()


def addresses_creating_accounts(
    *, since: datetime, at_least: int, limit: int
) -> list[AddressActivity]:
    """Client addresses from which at least ``at_least`` accounts were created since
    ``since`` (first sign-ins of new wallets), most first."""
    rows = (
        _new_accounts(since=since)
        .exclude(ip_address=None)
        .values("ip_address")
        .annotate(accounts=Count("*"), last_at=Max("created_at"))
        .filter(accounts__gte=at_least)
        .order_by("-accounts", "ip_address")[:limit]
    )
    return [AddressActivity(**row) for row in rows]


def accounts_created_from(*, ip_address: str, since: datetime) -> list[User]:
    """The accounts created from ``ip_address`` since ``since`` that still exist."""
    ids = _new_accounts(since=since).filter(ip_address=ip_address).values("subject_id")
    return list(User.objects.filter(pk__in=ids).order_by("created_at"))


def wallets_refused(*, since: datetime, at_least: int, limit: int) -> list[WalletActivity]:
    """Wallets named by at least ``at_least`` refused sign-in proofs since ``since``, most
    first, with the account holding each (anyone may name any wallet in a refused proof,
    so the account may be the target, not the culprit)."""
    rows = list(
        AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED, created_at__gte=since)
        .annotate(address=KeyTextTransform("address", "detail"))
        .exclude(address=None)
        .order_by()
        .values("address")
        .annotate(
            refusals=Count("*"),
            client_addresses=Count("ip_address", distinct=True),
            last_at=Max("created_at"),
        )
        .filter(refusals__gte=at_least)
        .order_by("-refusals", "address")[:limit]
    )
    owners = {
        wallet.address: wallet.user
        for wallet in Wallet.objects.filter(
            address__in=[row["address"] for row in rows]
        ).select_related("user")
    }
    return [WalletActivity(**row, user=owners.get(row["address"])) for row in rows]


def accounts_with_live_sessions(
    *, since: datetime, now: datetime, at_least: int, limit: int
) -> list[SessionHoarder]:
    """Accounts that opened at least ``at_least`` sessions since ``since`` that are still
    live (not revoked, not ended), most first, with all their live sessions counted.

    Only sessions opened since ``since`` are looked at for the threshold: they lie together
    in the time index (``signin_created_country_idx``), where counting every live session
    of every account would read them all (about 2 s at two million). With ``since`` one
    session lifetime back, every live session counts.
    """
    rows = list(
        SignIn.objects.filter(created_at__gte=since, revoked_at=None, expires_at__gt=now)
        .order_by()
        .values("user_id")
        .annotate(opened=Count("*"))
        .filter(opened__gte=at_least)
        .order_by("-opened", "user_id")[:limit]
    )
    ids = [row["user_id"] for row in rows]
    users = User.objects.in_bulk(ids)
    live = dict(
        SignIn.objects.filter(user_id__in=ids, revoked_at=None, expires_at__gt=now)
        .order_by()
        .values("user_id")
        .annotate(live=Count("*"))
        .values_list("user_id", "live")
    )
    hoarders = [
        SessionHoarder(user=users[user_id], live_sessions=live.get(user_id, 0))
        for user_id in ids
        if user_id in users
    ]
    return sorted(hoarders, key=lambda row: -row.live_sessions)
