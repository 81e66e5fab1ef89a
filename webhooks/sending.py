"""One signed HTTP request to an endpoint, by Standard Webhooks.

The body is ``{"type", "timestamp", "data"}``; the headers ``webhook-id`` (the event's, the
same for every attempt and replay, so receivers deduplicate), ``webhook-timestamp`` (this
attempt's time, which receivers check for freshness) and ``webhook-signature``, made by the
``standardwebhooks`` reference library (no HMAC is written here). httpx sends it to the
address the SSRF guard checked (``webhooks.addresses``), follows no redirect, gives up
after ``WEBHOOKS_TIMEOUT_SECONDS`` and reads at most ``WEBHOOKS_RESPONSE_BYTES`` of the
answer.
"""

import functools
import json
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone
from standardwebhooks import Webhook

from webhooks.addresses import EndpointRefused, Resolver, system_resolve, target_resolve

USER_AGENT = "launchpad-auth-webhooks/1"


@dataclass(frozen=True)
class Message:
    id: str
    type: str
    timestamp: datetime  # when the event happened
    data: dict[str, Any]

    def body(self) -> str:
        return json.dumps(
            {
                "type": self.type,
                "timestamp": self.timestamp.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "data": self.data,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    response_excerpt: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def kind(self) -> str:
        """For the metrics: ``delivered`` (2xx), ``refused`` (any other answer) or
        ``no_answer`` (refused address, connection error, timeout)."""
        if self.succeeded:
            return "delivered"
        return "refused" if self.status_code is not None else "no_answer"


def signed_headers(*, secret: str, message_id: str, body: str, now: datetime) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now.astimezone(UTC), body),
    }


@functools.lru_cache(maxsize=64)
def _client(host: str) -> httpx.Client:
    """One client (connection pool) per endpoint host name, kept by the worker process:
    a new client for each request costs more than a local delivery. Keyed by name, so a
    pooled TLS connection is only reused for the name it was verified for."""
    return httpx.Client(
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment between the check and the peer
        verify=ssl.create_default_context(),
    )


def message_send(
    *,
    url: str,
    secret: str,
    message: Message,
    resolve: Resolver = system_resolve,
) -> Outcome:
    """Send the message once; never raises for the endpoint's faults (they are the outcome).
    Signed at the wall clock's time, whatever clock schedules the attempt: receivers check
    ``webhook-timestamp`` against theirs."""
    started = time.perf_counter()

    def outcome(**kwargs: Any) -> Outcome:
        latency_ms = int((time.perf_counter() - started) * 1000)
        return Outcome(latency_ms=latency_ms, **kwargs)

    try:
        target = target_resolve(url, resolve=resolve)
    except EndpointRefused as exc:
        return outcome(status_code=None, error=exc.message[:300])
    body = message.body()
    headers = {
        **signed_headers(secret=secret, message_id=message.id, body=body, now=timezone.now()),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
    }
    request_url = httpx.URL(url).copy_with(host=target.address)
    limit = settings.WEBHOOKS_RESPONSE_BYTES
    try:
        with _client(target.host).stream(
            "POST",
            request_url,
            content=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            extensions={"sni_hostname": target.host},
        ) as response:
            read = b""
            deadline = started + settings.WEBHOOKS_TIMEOUT_SECONDS
            for chunk in response.iter_raw():
                read += chunk
                # A few bytes at a time must not hold the worker past the timeout either.
                if len(read) >= limit or time.perf_counter() > deadline:
                    break
            return outcome(
                status_code=response.status_code,
                response_excerpt=read[:limit].decode("utf-8", errors="replace"),
            )
    except httpx.HTTPError as exc:
        return outcome(status_code=None, error=f"{type(exc).__name__}: {exc}"[:300])
