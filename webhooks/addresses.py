"""The SSRF guard: where a webhook may be sent.

An endpoint's URL is checked when it is registered and again before every delivery, after
its name is resolved: every address the name resolves to must be a public one (not
private, loopback, link-local, shared, reserved, multicast or unspecified; an IPv6 address
that stands for an IPv4 one, mapped, 6to4 or NAT64, is judged by that one), unless
``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``. The request then goes to the address that was checked
(``Target.address``), with the name in the Host header and in TLS's SNI, so a DNS answer
that changes between the check and the connection (DNS rebinding) cannot send it
elsewhere. Resolution is injected (``Resolver``) for the tests.
"""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.errors import ServiceError

# (host, port) -> the addresses it resolves to.
Resolver = Callable[[str, int], list[str]]


class EndpointRefused(ServiceError):
    default_message = "Webhook endpoint refused"


@dataclass(frozen=True)
class Target:
    url: str  # as registered
    scheme: str
    host: str  # the name (Host header, SNI)
    port: int
    address: str  # the checked address to connect to


def system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise EndpointRefused(f"{host} does not resolve: {exc}") from None
    return [str(info[4][0]) for info in infos]


# IPv6 forms that carry an IPv4 address in their last 32 bits and reach it: NAT64's
# well-known prefix (RFC 6052) and the deprecated IPv4-compatible form. ``is_global`` calls
# them global whatever the IPv4 address inside, so the guard judges that address instead.
_LAST_32_BITS_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
# NAT64's local-use prefix (RFC 8215): translated by the operator's own network.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _reached(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), else itself."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in _LAST_32_BITS_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_refusal(address: str) -> str | None:
    """Why ``address`` may not be sent to, or None when it may."""
    ip = _reached(ipaddress.ip_address(address.split("%", 1)[0]))  # drop an IPv6 zone id
    if ip.is_unspecified or ip.is_multicast:
        return f"{address} is not a unicast address"
    private = not ip.is_global or ip in _LOCAL_NAT64
    if private and not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return f"{address} is a private, loopback, link-local or reserved address"
    return None


def target_resolve(url: str, *, resolve: Resolver = system_resolve) -> Target:
    """The URL checked and resolved to an address that may be sent to; ``EndpointRefused``
    otherwise. https is required unless private addresses are allowed (local receivers)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise EndpointRefused(f"Not a URL: {exc}") from None
    allowed_schemes = {"https", "http"} if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES else {"https"}
    if parts.scheme not in allowed_schemes:
        raise EndpointRefused(f"The URL must be {' or '.join(sorted(allowed_schemes))}")
    if not parts.hostname:
        raise EndpointRefused("The URL has no host")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("The URL may not carry credentials")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise EndpointRefused(f"{host} does not resolve")
    # Every address, not only the first: the connection must not depend on which is tried.
    for address in addresses:
        refusal = address_refusal(address)
        if refusal is not None:
            raise EndpointRefused(f"{host}: {refusal}")
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0])
