"""Sign In With Solana: the wallet-standard sign-in message (Phantom, Solflare, Supabase).

The text format is the one ``createSignInMessageText`` of @solana/wallet-standard-util
writes::

    <domain> wants you to sign in with your Solana account:
    <address>

    <statement>

    URI: <uri>
    Version: 1
    Chain ID: <chain>
    Nonce: <nonce>
    Issued At: <iso 8601>
    Expiration Time: <iso 8601>
    Not Before: <iso 8601>
    Request ID: <id>
    Resources:
    - <uri>

The statement and every field are optional in the format; this service requires
``Nonce`` and ``Issued At`` of any message, and the sign-in checks (``accounts.services``)
require ``URI`` (``uri_is_on_domain``).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from core.text import has_characters_not_in_url

_HEADER = re.compile(r"^(?P<domain>\S+) wants you to sign in with your Solana account:$")
_NONCE = re.compile(r"^[A-Za-z0-9]{8,}$")
# Field label -> attribute, in the order the format writes them.
_FIELDS = {
    "URI": "uri",
    "Version": "version",
    "Chain ID": "chain_id",
    "Nonce": "nonce",
    "Issued At": "issued_at",
    "Expiration Time": "expiration_time",
    "Not Before": "not_before",
    "Request ID": "request_id",
}
_TIME_FIELDS = {"issued_at", "expiration_time", "not_before"}
MAX_MESSAGE_LENGTH = 4096
_DEFAULT_PORTS = {"https": 443, "http": 80}


class SiwsFormatError(ValueError):
    """The text is not a well-formed sign-in message."""


@dataclass(frozen=True)
class SiwsMessage:
    domain: str
    address: str
    nonce: str
    issued_at: datetime
    statement: str | None = None
    uri: str | None = None
    version: str | None = None
    chain_id: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = field(default_factory=tuple)


def _parse_time(label: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SiwsFormatError(f"{label} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise SiwsFormatError(f"{label} must include a time zone")
    return parsed


def _parse_fields(lines: list[str]) -> tuple[dict[str, object], list[str]]:
    values: dict[str, object] = {}
    resources: list[str] = []
    order = list(_FIELDS)
    position = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        if line == "Resources:":
            resources = [item[2:] for item in lines[index + 1 :] if item.startswith("- ")]
            if len(resources) != len(lines) - index - 1:
                raise SiwsFormatError("Resources must be lines starting with '- '")
            break
        label, sep, value = line.partition(": ")
        if not sep or label not in _FIELDS or label in order[:position]:
            raise SiwsFormatError(f"unexpected line {line[:40]!r}")
        position = order.index(label) + 1
        attribute = _FIELDS[label]
        values[attribute] = _parse_time(label, value) if attribute in _TIME_FIELDS else value
        index += 1
    return values, resources


def parse_siws_message(text: str) -> SiwsMessage:
    if len(text) > MAX_MESSAGE_LENGTH:
        raise SiwsFormatError("message is too long")
    lines = text.split("\n")
    header = _HEADER.match(lines[0])
    if header is None or len(lines) < 2:
        raise SiwsFormatError("not a Sign In With Solana message")
    address = lines[1]
    rest = lines[2:]
    statement = None
    if rest:
        if rest[0] != "":
            raise SiwsFormatError("expected a blank line after the address")
        rest = rest[1:]
        first_label = rest[0].partition(": ")[0] if rest else ""
        if rest and first_label not in _FIELDS and rest[0] != "Resources:":
            statement = rest[0]
            rest = rest[1:]
            if rest:
                if rest[0] != "":
                    raise SiwsFormatError("expected a blank line after the statement")
                rest = rest[1:]
    values, resources = _parse_fields(rest)
    nonce = values.get("nonce")
    if not isinstance(nonce, str) or not _NONCE.match(nonce):
        raise SiwsFormatError("Nonce must be at least 8 letters or digits")
    issued_at = values.pop("issued_at", None)
    if not isinstance(issued_at, datetime):
        raise SiwsFormatError("Issued At is required")
    return SiwsMessage(
        domain=header.group("domain"),
        address=address,
        issued_at=issued_at,
        statement=statement,
        resources=tuple(resources),
        **values,  # type: ignore[arg-type]
    )


def is_local_development_host(host: str) -> bool:
    """localhost, 127.0.0.1, ::1 or a name under .localhost (``host`` lower-case, unbracketed)."""
    return host in {"localhost", "127.0.0.1", "::1"} or host.endswith(".localhost")


def uri_is_on_domain(uri: str, domain: str) -> bool:
    """Whether ``uri`` is an https URL on ``domain`` (host and port), without user-info.

    ``domain`` is the message's RFC 3986 authority (``pump.fun``, ``localhost:3000``). An
    http URL is accepted only on a local development host, which has no certificate.
    """
    if has_characters_not_in_url(uri):
        return False
    try:
        target, origin = urlsplit(uri), urlsplit(f"//{domain}")
        target_port, origin_port = target.port, origin.port
    except ValueError:  # a malformed IPv6 literal, a port that is not a number or too big
        return False
    host = origin.hostname
    if host is None or target.hostname != host or "@" in target.netloc or "@" in origin.netloc:
        return False
    if target.scheme != "https" and not (
        target.scheme == "http" and is_local_development_host(host)
    ):
        return False
    default_port = _DEFAULT_PORTS[target.scheme]
    target_port = default_port if target_port is None else target_port
    return target_port == (default_port if origin_port is None else origin_port)
