"""Offline IP-to-country lookup (iptocc: the Regional Internet Registries' allocation data,
compiled into the package; no file or network access at request time)."""

import ipaddress

import iptocc


def country_of_ip(address: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 country an address is allocated to; None when unknown.

    Private, loopback and reserved addresses, and text that is not an address, are unknown.
    """
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global:
        return None
    code = iptocc.country_code(str(ip))
    return code.upper() if isinstance(code, str) and len(code) == 2 else None
