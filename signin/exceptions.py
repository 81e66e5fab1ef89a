"""Errors of the sign-in flows; ``config.errors`` maps them to the JSON error shape."""

from http import HTTPStatus

from core.errors import ServiceError


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


class TooManyNewAccounts(ServiceError):
    """The client address created as many accounts this hour as it may."""

    status = HTTPStatus.TOO_MANY_REQUESTS
    default_message = "Too many new accounts from this address; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class SessionNotFound(ServiceError):
    """Not one of the caller's live sessions: unknown, another account's, revoked, ended,
    or not a session id at all. One answer for each, so that none tells which."""

    status = HTTPStatus.NOT_FOUND
    default_message = "Session not found"
