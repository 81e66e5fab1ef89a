"""Retention: removing records that no longer serve a purpose (``manage.py purge_expired``)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from events.models import Event
from signin.models import DeletedSignIn, SignIn, UsedSignInProof


@dataclass(frozen=True)
class PurgeCounts:
    sign_in_proofs: int
    sign_ins: int
    audit_events: int
    events: int


def _purge_filters(now: datetime) -> tuple[Q, Q, Q, Q]:
    sign_in_keep = timedelta(days=settings.SIGN_IN_RETENTION_DAYS)
    proofs = Q(expires_at__lt=now)
    # A sign-in is dead once revoked, or once its last refresh token has expired.
    sign_ins = Q(revoked_at__lt=now - sign_in_keep) | Q(
        last_used_at__lt=now - settings.REFRESH_TOKEN_LIFETIME - sign_in_keep
    )
    audit = Q(created_at__lt=now - timedelta(days=settings.AUDIT_RETENTION_DAYS))
    # The webhooks outbox: old events go with their deliveries, unless one is still pending.
    events = Q(created_at__lt=now - timedelta(days=settings.EVENTS_RETENTION_DAYS)) & ~Q(
        deliveries__status="pending"
    )
    return proofs, sign_ins, audit, events


@transaction.atomic
def records_purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeCounts:
    """Delete used sign-in proofs past their expiry (they would be refused as stale anyway),
    sign-ins revoked or expired more than ``SIGN_IN_RETENTION_DAYS`` ago (and deleted
    accounts' sign-ins kept for the revocation feed once ended), audit events older than
    ``AUDIT_RETENTION_DAYS``, and webhook events older than ``EVENTS_RETENTION_DAYS``
    (with their deliveries) that no delivery waits for. ``dry_run`` only counts.
    """
    now = now or timezone.now()
    proofs_q, sign_ins_q, audit_q, events_q = _purge_filters(now)
    querysets = (
        UsedSignInProof.objects.filter(proofs_q),
        SignIn.objects.filter(sign_ins_q),
        AuditEvent.objects.filter(audit_q),
        Event.objects.filter(events_q),
    )
    # Kept for the revocation feed until no token of theirs can be live; counted as sign-ins.
    ended_of_deleted = DeletedSignIn.objects.filter(expires_at__lt=now)
    if dry_run:
        counts = [queryset.count() for queryset in querysets]
        counts[1] += ended_of_deleted.count()
    else:
        # Each model's own rows (an event's deliveries and attempts go with it, uncounted).
        counts = [queryset.delete()[1].get(queryset.model._meta.label, 0) for queryset in querysets]
        counts[1] += ended_of_deleted.delete()[0]
    return PurgeCounts(*counts)
