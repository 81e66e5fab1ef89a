"""The one answer to "which address is the client?", for rate limits, audit and geo-IP."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """``REMOTE_ADDR``, or the address ``TRUSTED_PROXY_COUNT`` hops back in X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so with N trusted
    proxies in front of us the client is the N-th entry from the right. Entries left of
    that were written by the client and are ignored, so sending the header spoofs nothing.
    A header with fewer entries than trusted proxies, or an entry that is not an address,
    did not come through the proxies as configured: the peer address is used then.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
