"""Which event types some enabled endpoint wants, as each process knows it: read from the
database at most every ``WEBHOOKS_SUBSCRIPTIONS_REFRESH_SECONDS`` (and at once after this
process changed an endpoint).

A committed change wakes the worker only for events an endpoint wants (``webhooks.tasks``):
a sign-in's ``session.created`` nobody subscribed to costs no Redis round trip. An endpoint
registered by another process is known here within the interval; an event it wants in
between is sent by the worker's sweep, within a minute, instead of at once.
"""

import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError

from webhooks.models import Endpoint


class Subscriptions:
    """``clock``: seconds, monotonic (injected by tests)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._types: frozenset[str] | None = frozenset()  # None: every type
        self._next_check = float("-inf")

    def wanted(self, types: Iterable[str]) -> bool:
        """Does an enabled endpoint want any of ``types``? True when unsure (the database
        did not answer): a needless wake-up costs little, a missed one a minute."""
        if self._clock() >= self._next_check:
            self._refresh()
        subscribed = self._types
        return subscribed is None or not subscribed.isdisjoint(types)

    def invalidate(self) -> None:
        self._next_check = float("-inf")

    def _refresh(self) -> None:
        with self._lock:
            try:
                lists = list(
                    Endpoint.objects.filter(enabled=True).values_list("event_types", flat=True)
                )
            except DatabaseError:
                self._types = None
            else:
                # An endpoint that lists no type wants every type.
                self._types = (
                    None
                    if any(not types for types in lists)
                    else frozenset(t for types in lists for t in types)
                )
            self._next_check = self._clock() + settings.WEBHOOKS_SUBSCRIPTIONS_REFRESH_SECONDS


subscriptions = Subscriptions()
