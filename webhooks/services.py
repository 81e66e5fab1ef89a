"""Webhook endpoints and deliveries: the staff flows and the worker's steps.

Staff flows (the admin site and ``manage.py webhooks`` call them) take the ``actor`` (None:
an operator's command) and an ``Origin``, and record their audit event in the change's
transaction, as ``backoffice.moderation`` does. The worker's steps (``webhooks.tasks``)
are ``events_fan_out`` (a delivery row per event and subscribed endpoint) and
``deliveries_send_due`` (one attempt of each delivery that is due, a batch at a time).
The clock (``now``) and the DNS resolver are injected.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import COMMAND, Origin, audit_record
from events.models import Event, EventType
from metrics.instruments import webhook_delivery_observed
from webhooks.addresses import EndpointRefused, Resolver, system_resolve, target_resolve
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Endpoint
from webhooks.sending import Message, Outcome, message_send
from webhooks.signing_secrets import (
    secret_decrypt,
    secret_encrypt,
    secret_generate,
    secret_reencrypt,
)
from webhooks.subscriptions import subscriptions

# The waits after each failed attempt: ten attempts over about three days, then failed.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)
# A claimed delivery is due again after this, if its worker died before recording the
# attempt (longer than an attempt can take).
CLAIM_SECONDS = 60
# The type of the message `webhooks test` sends (not an event: nothing is recorded).
TEST_EVENT_TYPE = "webhook.test"


@dataclass(frozen=True)
class NewEndpoint:
    endpoint: Endpoint
    secret: str  # shown once; only its encryption is stored


def _record(
    *, action: str, actor: User | None, origin: Origin, endpoint: Endpoint, **detail: object
) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        detail={"via": origin.via, "endpointId": endpoint.pk, "url": endpoint.url, **detail},
    )


def event_types_clean(event_types: Iterable[str]) -> list[str]:
    """The contract's types, each once; ``EndpointRefused`` names an unknown one."""
    cleaned = sorted({value.strip() for value in event_types if value.strip()})
    unknown = [value for value in cleaned if value not in EventType.values]
    if unknown:
        raise EndpointRefused(
            f"Unknown event types {', '.join(unknown)}; known: {', '.join(EventType.values)}"
        )
    return cleaned


@transaction.atomic
def endpoint_create(
    *,
    actor: User | None,
    url: str,
    event_types: Iterable[str] = (),
    description: str = "",
    origin: Origin = COMMAND,
    resolve: Resolver = system_resolve,
) -> NewEndpoint:
    """Register an endpoint with a new secret. The URL must pass the SSRF guard now (and
    passes it again at every delivery); no event types means every type."""
    target_resolve(url, resolve=resolve)
    secret = secret_generate()
    endpoint = Endpoint.objects.create(
        url=url,
        description=description.strip()[:200],
        event_types=event_types_clean(event_types),
        secret_encrypted=secret_encrypt(secret),
    )
    transaction.on_commit(subscriptions.invalidate)
    _record(
        action=AuditAction.WEBHOOK_ENDPOINT_CREATED,
        actor=actor,
        origin=origin,
        endpoint=endpoint,
        eventTypes=endpoint.event_types,
    )
    return NewEndpoint(endpoint=endpoint, secret=secret)


@transaction.atomic
def endpoint_enabled_set(
    *, actor: User | None, endpoint: Endpoint, enabled: bool, origin: Origin = COMMAND
) -> bool:
    """Disable an endpoint (no new deliveries; pending ones wait), or enable it, which also
    closes its circuit (its waiting deliveries are sent again). False: nothing changed."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.enabled == enabled and (not enabled or endpoint.paused_at is None):
        return False
    endpoint.enabled = enabled
    if enabled:
        endpoint.paused_at = None
        endpoint.consecutive_failures = 0
    endpoint.save(update_fields=["enabled", "paused_at", "consecutive_failures"])
    transaction.on_commit(subscriptions.invalidate)
    _record(
        action=AuditAction.WEBHOOK_ENDPOINT_ENABLED
        if enabled
        else AuditAction.WEBHOOK_ENDPOINT_DISABLED,
        actor=actor,
        origin=origin,
        endpoint=endpoint,
    )
    return True


@transaction.atomic
def endpoint_secrets_reencrypt() -> int:
    """Encrypt every endpoint's secret with the first of ``SIGNING_KEYS_SECRET`` (after
    a new one was put first), so the old one can be removed; returns how many."""
    endpoints = list(Endpoint.objects.select_for_update())
    for endpoint in endpoints:
        endpoint.secret_encrypted = secret_reencrypt(endpoint.secret_encrypted)
    Endpoint.objects.bulk_update(endpoints, ["secret_encrypted"])
    return len(endpoints)


def endpoint_test(
    *,
    actor: User | None,
    endpoint: Endpoint,
    origin: Origin = COMMAND,
    now: datetime | None = None,
    resolve: Resolver = system_resolve,
) -> Outcome:
    """Send a signed ``webhook.test`` message now (not an event: no delivery is recorded)
    and return what the endpoint answered; audited."""
    now = now or timezone.now()
    message = Message(
        id=f"msg_test_{endpoint.pk}_{int(now.timestamp())}",
        type=TEST_EVENT_TYPE,
        timestamp=now,
        data={},
    )
    outcome = message_send(
        url=endpoint.url,
        secret=secret_decrypt(endpoint.secret_encrypted),
        message=message,
        resolve=resolve,
    )
    _record(
        action=AuditAction.WEBHOOK_ENDPOINT_TESTED,
        actor=actor,
        origin=origin,
        endpoint=endpoint,
        statusCode=outcome.status_code,
        error=outcome.error,
    )
    return outcome


@transaction.atomic
def delivery_replay(
    *, actor: User | None, delivery: Delivery, origin: Origin = COMMAND, now: datetime | None = None
) -> None:
    """Send a delivery again from its first attempt, with the same ``webhook-id`` (the
    receiver's deduplication sees the same message)."""
    now = now or timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
    )
    _record(
        action=AuditAction.WEBHOOK_EVENT_REPLAYED,
        actor=actor,
        origin=origin,
        endpoint=delivery.endpoint,
        eventId=delivery.event_id,
        deliveryId=delivery.pk,
    )


# --- The worker's steps -----------------------------------------------------------------------
def events_fan_out(*, now: datetime | None = None, batch: int = 500) -> int:
    """Give each event not yet dispatched a delivery per enabled endpoint that wants it and
    existed when it was recorded (an endpoint gets no event from before it was registered),
    and mark it dispatched, in one transaction per batch; returns the events dispatched.

    Rows are locked (skipping those another worker holds, on PostgreSQL) so two workers
    share the work; the unique (endpoint, event) pair keeps a delivery single either way.
    """
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            events = list(
                Event.objects.filter(dispatched_at__isnull=True)
                .order_by("id")
                .select_for_update(skip_locked=True)
                .only("id", "type", "created_at")[:batch]
            )
            if not events:
                return done
            endpoints = list(Endpoint.objects.filter(enabled=True))
            Delivery.objects.bulk_create(
                [
                    Delivery(endpoint=endpoint, event=event, next_attempt_at=now, created_at=now)
                    for event in events
                    for endpoint in endpoints
                    if endpoint.wants(event.type) and event.created_at >= endpoint.created_at
                ],
                ignore_conflicts=True,
            )
            Event.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=now)
        done += len(events)


def deliveries_due(*, now: datetime, limit: int) -> list[Delivery]:
    """Pending deliveries whose time has come, of enabled endpoints with a closed circuit."""
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__enabled=True,
            endpoint__paused_at__isnull=True,
        )
        .order_by("next_attempt_at", "id")
        .only("id", "next_attempt_at")[:limit]
    )


def deliveries_claim(*, due: list[Delivery], now: datetime) -> list[Delivery]:
    """Take due deliveries for one attempt each, with their endpoint and event, in two
    statements: one ``UPDATE`` moves the time of those still due (of an enabled endpoint
    with a closed circuit) to the claim's end; the rows that carry it are this worker's.
    (Two workers would have to claim in the same microsecond to share one; a delivery sent
    twice is what at-least-once allows.) No lock is held while the requests are made."""
    claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    pks = [delivery.pk for delivery in due]
    Delivery.objects.filter(
        pk__in=pks,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        # Checked again here: an earlier attempt may have paused it.
        endpoint__enabled=True,
        endpoint__paused_at__isnull=True,
    ).update(next_attempt_at=claimed_until)
    return list(
        Delivery.objects.filter(pk__in=pks, next_attempt_at=claimed_until)
        .select_related("endpoint", "event")
        .order_by("id")
    )


def _send(delivery: Delivery, resolve: Resolver) -> Outcome:
    endpoint, event = delivery.endpoint, delivery.event
    return message_send(
        url=endpoint.url,
        secret=secret_decrypt(endpoint.secret_encrypted),
        message=Message(
            id=event.message_id, type=event.type, timestamp=event.created_at, data=event.data
        ),
        resolve=resolve,
    )


def deliveries_record(
    *, deliveries: list[Delivery], outcomes: list[Outcome], now: datetime
) -> None:
    """Record a batch's attempts in one transaction: each delivery's attempt, its end or
    its next time (``RETRY_DELAYS``), and each endpoint's run of failures and circuit."""
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery=delivery,
                attempted_at=now,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                succeeded=outcome.succeeded,
                response_excerpt=outcome.response_excerpt,
                error=outcome.error,
            )
            for delivery, outcome in zip(deliveries, outcomes, strict=True)
        )
        # Grouped by what is written, so a batch is a few statements, not one a delivery.
        changes: dict[tuple, list[int]] = defaultdict(list)
        failures: dict[int, int] = defaultdict(int)  # per endpoint, since its last success
        succeeded: set[int] = set()
        for delivery, outcome in zip(deliveries, outcomes, strict=True):
            webhook_delivery_observed(outcome=outcome.kind, seconds=outcome.latency_ms / 1000)
            attempts = delivery.attempts + 1
            if outcome.succeeded:
                change: tuple = (DeliveryStatus.SUCCEEDED, attempts, None, now)
                succeeded.add(delivery.endpoint_id)
                failures[delivery.endpoint_id] = 0
            elif attempts > len(RETRY_DELAYS):
                change = (DeliveryStatus.FAILED, attempts, None, None)
                failures[delivery.endpoint_id] += 1
            else:
                change = (DeliveryStatus.PENDING, attempts, now + RETRY_DELAYS[attempts - 1], None)
                failures[delivery.endpoint_id] += 1
            changes[change].append(delivery.pk)
        for (status, attempts, next_attempt_at, delivered_at), pks in changes.items():
            Delivery.objects.filter(pk__in=pks).update(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                delivered_at=delivered_at,
            )
        for endpoint_id, failed in failures.items():
            _circuit_update(
                endpoint_id=endpoint_id,
                failed=failed,
                reset=endpoint_id in succeeded,
                now=now,
            )


def _circuit_update(*, endpoint_id: int, failed: int, reset: bool, now: datetime) -> None:
    """``failed``: the endpoint's failures of the batch since its last success in it
    (``reset``: there was one); the circuit opens at ``WEBHOOKS_CIRCUIT_FAILURES`` in a row."""
    if reset:
        Endpoint.objects.filter(pk=endpoint_id).exclude(consecutive_failures=failed).update(
            consecutive_failures=failed
        )
    elif failed:
        Endpoint.objects.filter(pk=endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + failed
        )
    if failed:
        Endpoint.objects.filter(
            pk=endpoint_id,
            paused_at__isnull=True,
            consecutive_failures__gte=settings.WEBHOOKS_CIRCUIT_FAILURES,
        ).update(paused_at=now)


def deliveries_send_due(
    *,
    clock: Callable[[], datetime] = timezone.now,
    limit: int = 100,
    resolve: Resolver = system_resolve,
) -> int:
    """Attempt the due deliveries this worker claims (at most ``limit``), sending up to
    ``WEBHOOKS_CONCURRENCY`` requests at once (threads: the requests wait on the network;
    only this thread uses the database); returns how many."""
    now = clock()
    claimed = deliveries_claim(due=deliveries_due(now=now, limit=limit), now=now)
    if not claimed:
        return 0
    with ThreadPoolExecutor(max_workers=settings.WEBHOOKS_CONCURRENCY) as pool:
        outcomes = list(pool.map(lambda delivery: _send(delivery, resolve), claimed))
    deliveries_record(deliveries=claimed, outcomes=outcomes, now=clock())
    return len(claimed)
