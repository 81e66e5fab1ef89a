"""Rate limits for every API view, counted by django-ratelimit in the shared cache.

``RateLimitThrottle`` is DRF's default throttle, so every ``APIView`` is limited. A view
names its limits in a class attribute; without one it gets the per-account limit::

    class LoginApi(APIView):
        rate_limits = (
            RateLimit("sign_in_address", by=ADDRESS),
            RateLimit("sign_in_wallet", by=WALLET, successes_only=True),
        )

The rate of each scope is ``settings.RATE_LIMITS[scope]``. DRF runs throttles after
authentication and permissions and before the handler, so a limited request never reaches
a signature check or a database write. On Redis, a view whose limits all count per account
has them counted by ``signin.authentication`` in its sign-in look-up's Redis call
(``account_counters``, ``counted``), which refuses a limited request before the database
is read; the throttle then reuses those counts. The usage of the tightest limit is kept on the
request for ``config.middleware.RateLimitHeadersMiddleware`` (the ``x-ratelimit-*`` headers).

A limit with ``successes_only`` is checked before the handler but counted only after a
successful (2xx) answer, by ``count_successes`` from that middleware: a value anyone may
name (a wallet address is public) must not let strangers use up its owner's allowance.
"""

import functools
import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
)
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework.throttling import BaseThrottle

from config.cache import redis_client, uses_redis
from config.client import client_ip
from core.errors import ServiceError
from metrics.instruments import rate_limit_refused, service_error_observed

logger = logging.getLogger("config.ratelimit")

USAGE_ATTRIBUTE = "ratelimit_usage"
# The hits a successful answer counts (limits with ``successes_only``).
ON_SUCCESS_ATTRIBUTE = "ratelimit_on_success"
_CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)

KeyFunction = Callable[[str, HttpRequest], str]


class CacheUnavailable(ServiceError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = "The cache is unavailable"


@dataclass(frozen=True)
class Usage:
    """One counter after this request: what the ``x-ratelimit-*`` headers say."""

    scope: str  # a key of settings.RATE_LIMITS (or a service's own, e.g. new_accounts)
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window ends
    exceeded: bool

    @property
    def retry_after(self) -> int:
        return max(1, self.reset - int(time.time()))


def client_network(request: HttpRequest) -> str:
    """The client address (``config.client.client_ip``); IPv6 grouped by its /64 network,
    since one IPv6 client usually holds a whole /64."""
    address = client_ip(request)
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64)
        return str(ipaddress.ip_network(f"{ip}/{mask}", strict=False).network_address)
    return str(ip)


def _address(group: str, request: HttpRequest) -> str:
    return client_network(request)


def account_key(account_id: Any) -> str:
    return f"account:{account_id}"


def _account(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return account_key(user.pk)
    return "address:" + client_network(request)


def _wallet(group: str, request: Any) -> str:
    """The wallet named in the JSON body (``address``, ``wallet`` or the SIWS message)."""
    data = request.data if hasattr(request, "data") else {}
    if not isinstance(data, dict):
        return ""
    for field in ("address", "wallet"):
        if isinstance(data.get(field), str):
            return data[field][:64]
    message = data.get("message")
    if isinstance(message, str):
        lines = message[:4096].split("\n")
        if len(lines) > 1:
            return lines[1].strip()[:64]
    return ""


def _client(group: str, request: Any) -> str:
    """The service client that authenticated the request; a request with neither a client
    nor an account (failed client authentication) counts per client address; an account's
    request (a token holder's revocation) not here but under its own ``ACCOUNT`` limit."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_service_client", False):
        return f"client:{auth.client_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return ""
    return "address:" + client_network(request)


def _holder(group: str, request: Any) -> str:
    """The account of a request authenticated as one; else nothing (``CLIENT`` counts it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return account_key(user.pk)
    return ""


# What a limit counts by: django-ratelimit keys (a string, or a callable(group, request)).
ADDRESS: KeyFunction = _address
ACCOUNT: KeyFunction = _account
WALLET: KeyFunction = _wallet
CLIENT: KeyFunction = _client
HOLDER: KeyFunction = _holder


@dataclass(frozen=True)
class RateLimit:
    scope: str  # a key of settings.RATE_LIMITS
    by: KeyFunction = ACCOUNT
    # Count only requests answered with success; others are checked against it, uncounted.
    successes_only: bool = False


@dataclass(frozen=True)
class Hit:
    """One counter a request touches: counted, or only read (``peek``)."""

    scope: str
    value: str
    rate: str
    peek: bool = False


DEFAULT_RATE_LIMITS = (RateLimit("account", by=ACCOUNT),)


def rate_limit_hit(*, request: Any, scope: str, key: KeyFunction) -> Usage | None:
    """Count one hit on ``scope`` keyed by ``key(scope, request)`` at its configured rate.

    None when limiting is off or the key is empty (nothing to count by, e.g. no wallet in
    the body). The cache unreachable: with ``RATELIMIT_FAIL_OPEN`` the hit goes through
    uncounted, else ``CacheUnavailable`` (503).
    """
    value = key(scope, request)
    if not value:
        return None
    return _hit(request, Hit(scope, value, settings.RATE_LIMITS[scope]))


def rate_limit_value_hit(*, scope: str, value: str, rate: str) -> Usage | None:
    """Count one hit on ``scope`` for a value known without a request (services use this)."""
    return _hit(None, Hit(scope, value, rate))


def _hit(request: Any, hit: Hit) -> Usage | None:
    usages = _count(request, [hit])
    return usages[0] if usages else None


def _count(request: Any, hits: list[Hit]) -> list[Usage]:
    """Count one hit on each counter (read a peeked one); the cache unreachable: fail open
    or 503. A peeked counter's usage is what it would be with this request counted."""
    if not hits or not getattr(settings, "RATELIMIT_ENABLE", True):
        return []
    # Values can come from the body: a lone surrogate must not break the key's encoding.
    hits = [
        Hit(h.scope, h.value.encode("utf-8", "backslashreplace").decode("utf-8"), h.rate, h.peek)
        for h in hits
    ]
    try:
        client = redis_client()
        if client is not None:
            return _count_pipelined(client, hits)
        usages = []
        for hit in hits:
            usage = get_usage(
                request,
                group=hit.scope,
                key=lambda _g, _r, v=hit.value: v,
                rate=hit.rate,
                increment=not hit.peek,
            )
            if usage is None or (usage["time_left"] < 0 and usage["limit"] == 0):
                # django-ratelimit could neither read nor write the counter.
                raise RedisConnectionError("rate-limit counter unavailable")
            count = usage["count"] + (1 if hit.peek else 0)
            usages.append(
                Usage(
                    scope=hit.scope,
                    limit=usage["limit"],
                    remaining=max(0, usage["limit"] - count),
                    reset=int(time.time()) + usage["time_left"],
                    exceeded=count > usage["limit"],
                )
            )
        return usages
    except _CACHE_ERRORS as exc:
        service_error_observed(service="cache", operation="rate_limit")
        if settings.RATELIMIT_FAIL_OPEN:
            logger.warning("rate limits not counted, cache unavailable: %s", exc)
            return []
        raise CacheUnavailable() from exc


@dataclass(frozen=True)
class Counter:
    """One rate-limit counter in Redis: django-ratelimit's key for this window."""

    scope: str
    key: str
    limit: int
    ttl: int  # seconds: the window and django-ratelimit's fudge
    reset: int  # epoch seconds when the window ends
    peek: bool = False  # read, not counted (the script is given a ttl of 0)

    @property
    def script_ttl(self) -> int:
        return 0 if self.peek else self.ttl

    def usage(self, count: int) -> Usage:
        if self.peek:
            count += 1  # as if this request were counted
        return Usage(
            scope=self.scope,
            limit=self.limit,
            remaining=max(0, self.limit - count),
            reset=self.reset,
            exceeded=count > self.limit,
        )


# INCR each counter, and give a new one its expiry: every counter of a request in one
# Redis command (a Lua script runs atomically), instead of two round trips per counter.
# A ttl of 0 only reads the counter (a peek). ``count_from(first)`` counts KEYS[first..]
# with their ttls in the same ARGV positions; ``counting_script`` gives it to a script.
_COUNT_FUNCTION = """
local function count_from(first)
  local counts = {}
  for i = first, #KEYS do
    local count
    if ARGV[i] == '0' then
      count = tonumber(redis.call('GET', KEYS[i]) or '0')
    else
      count = redis.call('INCR', KEYS[i])
      if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i]) end
    end
    counts[#counts + 1] = count
  end
  return counts
end
"""


def counting_script(body: str) -> str:
    """A Lua script whose ``body`` may call ``count_from(first)``: how this module counts,
    for another module's script that counts a request's counters in its own Redis call
    (the sign-in cache's look-up) and owns the layout of its KEYS."""
    return _COUNT_FUNCTION + body


_count_script = None


# django-ratelimit parses a rate with a regular expression on every use; the rates are few.
_parsed_rate = functools.lru_cache(maxsize=64)(_split_rate)


def _counters(hits: list[Hit]) -> list[Counter]:
    """The keys and windows are django-ratelimit's own (``get_usage`` reads the same
    counters); only its add-then-incr, two round trips per counter, becomes one call."""
    cache = caches["default"]
    counters = []
    for hit in hits:
        limit, period = parsed = _parsed_rate(hit.rate)
        window = _get_window(hit.value, period)
        # A digest under a fixed prefix: nothing for the cache's key validation (memcached's
        # character rules, a loop over the key) to find.
        key = cache.make_key(_make_cache_key(hit.scope, window, parsed, hit.value, ALL))
        counters.append(
            Counter(
                scope=hit.scope,
                key=key,
                limit=limit,
                ttl=period + EXPIRATION_FUDGE,
                reset=window,
                peek=hit.peek,
            )
        )
    return counters


def _count_pipelined(client: Redis, hits: list[Hit]) -> list[Usage]:
    """Every counter of a request in one Redis round trip."""
    global _count_script
    counters = _counters(hits)
    if _count_script is None:
        _count_script = client.register_script(counting_script("return count_from(1)"))
    counts = _count_script(
        keys=[c.key for c in counters], args=[c.script_ttl for c in counters], client=client
    )
    return [counter.usage(count) for counter, count in zip(counters, counts, strict=True)]


def account_counters(view: Any, account_id: Any) -> list[Counter]:
    """The counters of a request to ``view`` by a known account, when every limit of the
    view counts per account and they are kept in Redis; else none.

    For a caller that makes a Redis call for the request anyway (the sign-in look-up of
    ``signin.authentication``): it counts these in that call and hands the counts to
    ``counted``, and the throttle does not count again.
    """
    limits = getattr(view, "rate_limits", DEFAULT_RATE_LIMITS)
    if (
        not getattr(settings, "RATELIMIT_ENABLE", True)
        or not uses_redis()
        or any(limit.by is not ACCOUNT or limit.successes_only for limit in limits)
    ):
        return []
    value = account_key(account_id)
    return _counters(
        [Hit(limit.scope, value, settings.RATE_LIMITS[limit.scope]) for limit in limits]
    )


def counted(request: Any, counters: list[Counter], counts: list[int]) -> Usage:
    """Keep counts made by another Redis call for the throttle and the headers; returns the
    tightest usage (the caller refuses the request at once if it is exceeded, counted here)."""
    usage = _tightest([c.usage(n) for c, n in zip(counters, counts, strict=True)])
    setattr(getattr(request, "_request", request), USAGE_ATTRIBUTE, usage)
    if usage.exceeded:
        rate_limit_refused(scope=usage.scope)
    return usage


def _tightest(usages: list[Usage]) -> Usage:
    exceeded = [usage for usage in usages if usage.exceeded]
    if exceeded:
        return max(exceeded, key=lambda usage: usage.reset)
    return min(usages, key=lambda usage: (usage.remaining, -usage.reset))


class RateLimitThrottle(BaseThrottle):
    """DRF's default throttle: counts every limit the view names, refuses past any of them."""

    def allow_request(self, request: Any, view: Any) -> bool:
        # Set before the throttle only by ``counted``: this request's limits are counted.
        already = getattr(request._request, USAGE_ATTRIBUTE, None)
        if already is not None:
            self.usage = already
            return not already.exceeded
        limits = getattr(view, "rate_limits", DEFAULT_RATE_LIMITS)
        hits: list[Hit] = []
        try:
            for limit in limits:
                value = limit.by(limit.scope, request)
                if value:
                    rate = settings.RATE_LIMITS[limit.scope]
                    hits.append(Hit(limit.scope, value, rate, peek=limit.successes_only))
        finally:
            # Counted even when a later key (reading the body) fails, so a flood of
            # malformed bodies still uses up the address's limit, and the headers say so.
            usages = _count(request, hits)
            if usages:
                setattr(request._request, USAGE_ATTRIBUTE, _tightest(usages))
        if not usages:
            return True
        self.usage = _tightest(usages)
        if self.usage.exceeded:
            rate_limit_refused(scope=self.usage.scope)
        else:
            # Counted by ``count_successes`` if the answer is a success.
            setattr(request._request, ON_SUCCESS_ATTRIBUTE, [h for h in hits if h.peek])
        return not self.usage.exceeded

    def wait(self) -> float | None:
        return float(self.usage.retry_after)


def count_successes(request: HttpRequest, status_code: int) -> None:
    """After the answer: count the ``successes_only`` limits of a successful request.

    The answer is already made, so the cache being unreachable only loses this count
    (logged); it never turns a success into an error.
    """
    hits = getattr(request, ON_SUCCESS_ATTRIBUTE, None)
    if not hits or not 200 <= status_code < 300:
        return
    try:
        _count(request, [Hit(h.scope, h.value, h.rate) for h in hits])
    except CacheUnavailable:
        logger.warning("a successful request's limits were not counted: cache unavailable")
