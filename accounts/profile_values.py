"""The rules of a profile's free-form values, ``bio`` and ``profileImage``.

The API's serializers, the profile services and the admin site's edit form all ask these
functions, so a value one of them refuses, the others refuse too. Values stored before a
rule existed are left as they are until they are changed.
"""

import ipaddress
import re
from string import hexdigits
from urllib.parse import urlsplit

from core.text import BIDI_AND_ZERO_WIDTH, CONTROL, has_characters_not_in_url

BIO_MAX_LENGTH = 500
PROFILE_IMAGE_MAX_LENGTH = 500

_BIO_REFUSED = re.compile(f"[{CONTROL}{BIDI_AND_ZERO_WIDTH}]")

# A host name as browsers send it: ASCII labels of letters, digits and hyphens, at least two,
# the last a top-level domain of letters or an internationalised one in its xn-- form. Non-
# ASCII names are refused rather than mapped as browsers map them (UTS 46 turns a fullwidth
# "localhost" or fullwidth digits into ASCII ones), so no mapping of ours can differ from a
# browser's; an internationalised name is written in its xn-- form.
_PUBLIC_HOST_NAME = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
# Top-level names that never reach the public internet: loopback (RFC 6761), multicast DNS
# (RFC 6762), private networks (.internal, ICANN 2024; home.arpa, RFC 8375; .home and .corp,
# never to be delegated, ICANN 2018).
_LOCAL_TOP_LEVEL = frozenset({"localhost", "local", "internal", "arpa", "home", "corp"})


def bio_problem(bio: str) -> str | None:
    """Why a bio may not be stored (a control, bidirectional or zero-width character), or None."""
    found = _BIO_REFUSED.search(bio)
    if found is None:
        return None
    return (
        "must not contain control, bidirectional-override or zero-width characters "
        f"(U+{ord(found.group()):04X})"
    )


def _reads_as_ip_address(host: str) -> bool:
    """An IP literal, or a host browsers read as IPv4: one whose last label is a number in
    decimal or 0x-hex (WHATWG URL's "ends in a number": 2130706433, 0x7f.1, 127.1)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        last = host.removesuffix(".").rpartition(".")[2]
        return (last.isascii() and last.isdigit()) or (
            last[:2] == "0x" and all(char in hexdigits for char in last[2:])
        )
    return True


def profile_image_problem(url: str) -> str | None:
    """Why ``url`` may not be a profile image, or None.

    It must be an https URL of a public host name: no user-info, no IP address in any form
    browsers accept, no localhost or other local-network name, no port but 443. Browsers of
    everyone who views the profile load it, so it must not point them at their own machine
    or network, nor at a service that is not a web server (a port), nor carry credentials.
    """
    if has_characters_not_in_url(url):
        return "must be a valid URL"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed IPv6 literal, a port that is not a number or too big
        return "must be a valid URL"
    if parts.scheme != "https":
        return "must be an https URL"
    if "@" in parts.netloc:
        return "must not contain a user name or password"
    host = parts.hostname or ""
    if _reads_as_ip_address(host):
        return "must name a host, not an IP address"
    if host.rpartition(".")[2] in _LOCAL_TOP_LEVEL:
        return "must name a public host, not a local one"
    if not _PUBLIC_HOST_NAME.fullmatch(host):
        return (
            "must name a public host: ASCII letters, digits, hyphens and dots, ending in a "
            "top-level domain (an internationalised name in its xn-- form)"
        )
    if port not in (None, 443):
        return "must not name a port other than 443"
    return None
