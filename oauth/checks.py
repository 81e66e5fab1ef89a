"""``manage.py check --deploy``: the issuer that RFC 8414 metadata and the tokens carry."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def issuer_is_an_https_url(**kwargs: Any) -> list[CheckMessage]:
    """RFC 8414 (section 2) and RFC 9068 verifiers expect ``iss`` to be the authorization
    server's https URL, with no query or fragment; ``launchpad-auth`` (the default without
    ``PUBLIC_BASE_URL``) works with this service's own examples but not with every library."""
    issuer = settings.SIMPLE_JWT["ISSUER"]
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.netloc and not parts.query and not parts.fragment:
        return []
    return [
        Warning(
            f"The token issuer {issuer!r} is not an https URL.",
            hint="Set PUBLIC_BASE_URL to the service's https URL (the issuer follows it), or"
            " JWT_ISSUER; tokens issued before the change are refused after it.",
            id="oauth.W001",
        )
    ]
