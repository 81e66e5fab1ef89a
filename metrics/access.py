"""Who may read ``/metrics``: a bearer token (``METRICS_BEARER_TOKEN``), an allow-list of
client addresses (``METRICS_ALLOWED_IPS``), or both (then a scrape needs both). With
neither set nobody may, and the endpoint answers as if it did not exist."""

import enum
import hmac
import ipaddress

from django.conf import settings

_BEARER = "bearer "


class MetricsAccess(enum.Enum):
    GRANTED = enum.auto()
    NOT_CONFIGURED = enum.auto()  # 404: never public by default
    ADDRESS_REFUSED = enum.auto()  # 403
    TOKEN_REFUSED = enum.auto()  # 401


def metrics_access(*, client_address: str, authorization: str | None) -> MetricsAccess:
    """May a request from ``client_address`` (``config.client.client_ip``) with this
    ``Authorization`` header read the metrics?"""
    token, networks = settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_IPS
    if token is None and not networks:
        return MetricsAccess.NOT_CONFIGURED
    if networks and not _address_allowed(client_address, networks):
        return MetricsAccess.ADDRESS_REFUSED
    if token is not None and not _token_presented(authorization, token):
        return MetricsAccess.TOKEN_REFUSED
    return MetricsAccess.GRANTED


def _address_allowed(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _token_presented(authorization: str | None, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time (no timing tells how
    much of a guess was right)."""
    if not authorization or authorization[: len(_BEARER)].lower() != _BEARER:
        return False
    presented = authorization[len(_BEARER) :].strip()
    return hmac.compare_digest(presented.encode(), token.encode())
