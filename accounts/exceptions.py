"""Domain errors of the account flows; ``config.errors`` maps them to the JSON error shape."""

from http import HTTPStatus


class ServiceError(Exception):
    status = HTTPStatus.BAD_REQUEST
    default_message = "Bad request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class SignInFailed(ServiceError):
    """Wrong signature, wrong message, stale time: the caller did not prove the wallet."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Invalid signature"


class SignatureReplayed(SignInFailed):
    default_message = "Signature has already been used"


class AccountBanned(ServiceError):
    status = HTTPStatus.FORBIDDEN
    default_message = "Account is banned"


class TokenRejected(ServiceError):
    """A refresh token that is invalid, expired, revoked or reused."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Invalid or expired refresh token"


class BackingServiceUnavailable(ServiceError):
    """A backing service (database, cache) a flow needs cannot be reached right now."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_message = "A backing service is unavailable"
