"""Errors of the sign-in flows; ``config.errors`` maps them to the JSON error shape.

A refusal of ``POST /auth/login`` carries its ``reason``: a fixed word, the outcome the
sign-in metric counts it under (``metrics.instruments.sign_in_observed``).
"""

from http import HTTPStatus

from core.errors import ServiceError


class SignInFailed(ServiceError):
    """Wrong signature, wrong message, stale time: the caller did not prove the wallet."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Invalid signature"
    # bad_signature; stale: outside the time window; bad_message: not a message for here.
    reason = "bad_signature"

    def __init__(self, message: str | None = None, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class SignatureReplayed(SignInFailed):
    default_message = "Signature has already been used"
    reason = "replay"


class AccountBanned(ServiceError):
    status = HTTPStatus.FORBIDDEN
    default_message = "Account is banned"
    reason = "banned"


class TokenRejected(ServiceError):
    """A refresh token that is invalid, expired, revoked or reused."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Invalid or expired refresh token"


class TooManyNewAccounts(ServiceError):
    """The client address created as many accounts this hour as it may."""

    status = HTTPStatus.TOO_MANY_REQUESTS
    default_message = "Too many new accounts from this address; try again later"
    reason = "new_accounts_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class SessionNotFound(ServiceError):
    """Not one of the caller's live sessions: unknown, another account's, revoked, ended,
    or not a session id at all. One answer for each, so that none tells which."""

    status = HTTPStatus.NOT_FOUND
    default_message = "Session not found"
