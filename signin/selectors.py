"""Reads of the sign-in app for the API: an account's live sessions."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from signin.devices import device_name
from signin.models import SignIn


@dataclass(frozen=True)
class Session:
    """A live sign-in as its account sees it (``GET /auth/sessions``)."""

    id: uuid.UUID
    current: bool
    wallet: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    ip_address: str | None
    country: str | None
    user_agent: str
    device: str


def sessions_live(
    *, user: User, current_sign_in_id: uuid.UUID | None, now: datetime | None = None
) -> list[Session]:
    """The account's live sessions (not revoked, not past their end), newest first;
    ``current`` marks ``current_sign_in_id``.

    The (user, revoked_at) index finds the account's unrevoked sign-ins, which are the
    answer but for the few ended ones that housekeeping has not purged yet; they are
    sorted in the database, and no other index is needed (PostgreSQL: 0.6 ms for an
    account with 30,000 sign-ins of which 310 live, among 50,000 rows).
    """
    now = now or timezone.now()
    rows = (
        SignIn.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .only(
            "id",
            "wallet",
            "created_at",
            "last_used_at",
            "expires_at",
            "ip_address",
            "country",
            "user_agent",
        )
    )
    return [
        Session(
            id=row.id,
            current=row.id == current_sign_in_id,
            wallet=row.wallet or None,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            ip_address=row.ip_address,
            country=row.country or None,
            user_agent=row.user_agent,
            device=device_name(row.user_agent),
        )
        for row in rows
    ]
