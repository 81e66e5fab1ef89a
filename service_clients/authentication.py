"""HTTP Basic authentication of service clients (RFC 6749 section 2.3.1, client_secret_basic)."""

import base64
import binascii
from urllib.parse import unquote

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from service_clients.models import ServiceClient
from service_clients.services import service_client_authenticate


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """The client id and secret of ``Basic <base64(id:secret)>``; each part is
    form-urlencoded first (RFC 6749 2.3.1). None when the header is not Basic at all;
    ``AuthenticationFailed`` when it is Basic but malformed."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise exceptions.AuthenticationFailed("Invalid client credentials") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise exceptions.AuthenticationFailed("Invalid client credentials")
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


class ServiceClientAuthentication(BaseAuthentication):
    """Accepts ``Authorization: Basic`` with an enabled service client's id and secret; a
    wrong, unknown or disabled one is 401. Without a Basic header it passes (another
    authenticator, or the permission, decides). ``request.auth`` is the client;
    ``request.user`` stays anonymous (a client is no account)."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ServiceClient] | None:
        credentials = _basic_credentials(request.META.get("HTTP_AUTHORIZATION", ""))
        if credentials is None:
            return None
        client = service_client_authenticate(client_id=credentials[0], secret=credentials[1])
        if client is None:
            raise exceptions.AuthenticationFailed("Invalid client credentials")
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="oauth"'


class IsServiceClient(BasePermission):
    """Allows a request authenticated as a service client."""

    message = "Service client credentials required"

    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.auth, ServiceClient)
