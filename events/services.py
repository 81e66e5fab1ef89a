"""Recording events: called by each flow inside the transaction of the change it reports.

``event_record`` writes one row, ``events_record`` several in one ``INSERT`` (a first
sign-in's ``user.created`` and ``session.created``; a ban's ``user.banned`` and its
``session.revoked``). ``data`` is the account's public profile (the shape of
``GET /users/{id}``) and the event's own facts; never a token, a signature or an email
address (``SECRET_KEYS`` below are refused, and the profile has none). After the
transaction commits, ``events_committed`` wakes whoever delivers the events.
"""

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.serializers import PublicProfileSerializer
from config.bound_serializers import bound_representation
from core.inserts import rows_insert
from events.models import Event, EventType
from events.signals import events_committed

# Keys that would carry a secret or personal data a receiver must never get: a flow that
# passes one is a bug, caught by its test, never sent.
SECRET_KEYS = frozenset(
    {"email", "token", "accessToken", "refreshToken", "signature", "password", "secret"}
)
_TYPES = frozenset(EventType.values)


@dataclass(frozen=True)
class NewEvent:
    """One event to record: its type, the account it is about (None: a country), and its
    own facts (merged over the account's public profile)."""

    type: str
    subject: User | None
    facts: Mapping[str, Any] = field(default_factory=dict)


@functools.cache
def _public_profile() -> Callable[[Any], dict[str, Any]]:
    return bound_representation(PublicProfileSerializer)


def profile_data(user: User) -> dict[str, Any]:
    """The account's public profile, as ``GET /users/{id}`` shows it."""
    return _public_profile()(user)


def _row(event: NewEvent, profiles: dict[Any, dict[str, Any]]) -> Event:
    if event.type not in _TYPES:
        raise ValueError(f"unknown event type {event.type!r}")
    leaked = SECRET_KEYS.intersection(event.facts)
    if leaked:
        raise ValueError(f"event data may not carry {sorted(leaked)}")
    subject = event.subject
    if subject is None:
        data = {}
    else:
        # A first sign-in's two events are about one account: its profile is built once.
        if subject.pk not in profiles:
            profiles[subject.pk] = profile_data(subject)
        data = profiles[subject.pk]
    return Event(
        type=event.type,
        subject_uuid=subject.pk if subject is not None else None,
        data={**data, **event.facts},
    )


def _committed(types: frozenset[str]) -> None:
    events_committed.send(sender=Event, types=types)


def events_record(events: Iterable[NewEvent]) -> list[Event]:
    """Record events in the caller's transaction, in one statement."""
    profiles: dict[Any, dict[str, Any]] = {}
    rows = [_row(event, profiles) for event in events]
    if not rows:
        return []
    rows_insert(Event, rows)
    transaction.on_commit(functools.partial(_committed, frozenset(row.type for row in rows)))
    return rows


def event_record(
    *, type: str, subject: User | None, facts: Mapping[str, Any] | None = None
) -> Event:
    """Record one event in the caller's transaction."""
    return events_record([NewEvent(type=type, subject=subject, facts=facts or {})])[0]
