"""The audit trail: recording events, and removing a deleted account's personal data from it.

Events are written by the flows themselves (sign-in, logout, refresh, moderation), not by
signals on models. A failed sign-in is recorded after its transaction has rolled back, so
the record survives the failure it describes. Django's own staff sign-in signals (admin
site) are recorded too: they are the only place that event is announced.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User, Wallet
from audit.models import AuditAction, AuditEvent
from config.client import client_ip
from core.inserts import rows_insert

# Keys of ``detail`` that identify a person; removed when the account is deleted.
PERSONAL_DETAIL_KEYS = frozenset(
    {"address", "previousAddress", "username", "email", "ipAddress", "userAgent"}
)
# ``AuditAction.values`` builds a new list on every use; every sign-in records an event.
_ACTIONS = frozenset(AuditAction.values)


@dataclass(frozen=True)
class Origin:
    """Where an audited change came from: the admin site (the staff member's address and
    browser) or an operator's command."""

    ip_address: str | None = None
    user_agent: str = ""
    via: str = "command"  # "admin" or "command"


COMMAND = Origin()


def admin_actor(request: HttpRequest) -> User:
    """The staff member behind an admin-site request: the site lets no one else that far."""
    user = request.user
    assert isinstance(user, User)
    return user


def admin_origin(request: HttpRequest) -> Origin:
    """The origin of a change made in the admin site: the staff member's address and browser."""
    return Origin(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        via="admin",
    )


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    subject: User | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` did it (None: the system or an operator's command)."""
    if action not in _ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_uuid=actor.pk if actor is not None else None,
        subject=subject,
        subject_uuid=subject.pk if subject is not None else None,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:255],
        detail=detail or {},
    )
    # Its save() adds only the uuids, set above; every sign-in records one (core/inserts.py).
    rows_insert(AuditEvent, [event])
    return event


def audit_record_request(
    *,
    request: HttpRequest,
    action: str,
    subject: User | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An event done by the request's (staff) user, from the request's address."""
    actor = request.user if isinstance(request.user, User) else None  # else anonymous
    return audit_record(
        action=action,
        actor=actor,
        subject=subject,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        detail=detail,
    )


def audit_scrub_user(user_id: uuid.UUID | str) -> int:
    """Remove the personal data of an account from its events; keep the events and its uuid.

    Call it when the account is deleted (before or after the row goes). Clears the IP
    address and user agent of every event the account did or was the subject of, and the
    identifying ``detail`` keys (addresses, username, email), including failed sign-ins that
    named one of its wallets before the account existed. Returns the number of events changed.
    """
    user_id = uuid.UUID(str(user_id))
    condition = Q(actor_uuid=user_id) | Q(subject_uuid=user_id)
    addresses = list(Wallet.objects.filter(user_id=user_id).values_list("address", flat=True))
    if addresses:
        condition |= Q(detail__address__in=addresses)
    changed = 0
    for event in AuditEvent.objects.filter(condition).only("id", "detail"):
        detail = {
            key: value
            for key, value in (event.detail or {}).items()
            if key not in PERSONAL_DETAIL_KEYS
        }
        # update(), not save(): scrubbing is the one change an event may undergo.
        changed += AuditEvent.objects.filter(pk=event.pk).update(
            ip_address=None, user_agent="", detail=detail
        )
    return changed


# --- Staff sign-in to the admin site (Django's auth signals) ---------------------------------
def _staff_event(action: str, request: HttpRequest, user: User) -> None:
    audit_record(
        action=action,
        actor=user,
        subject=user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def _on_staff_logged_in(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is not None:
        _staff_event(AuditAction.STAFF_SIGN_IN_SUCCEEDED, request, user)


def _on_staff_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if request is not None and user is not None:
        _staff_event(AuditAction.STAFF_LOGOUT, request, user)


def _on_staff_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:64]
    subject = User.objects.filter(username__iexact=username).first() if username else None
    audit_record(
        action=AuditAction.STAFF_SIGN_IN_FAILED,
        subject=subject,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request is not None else "",
        detail={"reason": "Invalid username or password", "username": username},
    )


def connect_staff_sign_in_signals() -> None:
    user_logged_in.connect(_on_staff_logged_in, dispatch_uid="audit_staff_logged_in")
    user_logged_out.connect(_on_staff_logged_out, dispatch_uid="audit_staff_logged_out")
    user_login_failed.connect(_on_staff_login_failed, dispatch_uid="audit_staff_login_failed")
