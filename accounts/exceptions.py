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


class UserNotFound(ServiceError):
    status = HTTPStatus.NOT_FOUND
    default_message = "User not found"


class UsernameInvalid(ServiceError):
    """A username against the rules (format or reserved): a 400, said in the message."""

    default_message = "Username is not allowed"


class ProfileValueInvalid(ServiceError):
    """A bio or profile image against the rules of ``accounts.profile_values``: a 400."""

    default_message = "Profile value is not allowed"


class UsernameTaken(ServiceError):
    status = HTTPStatus.CONFLICT
    default_message = "Username is already taken"


class AlreadyRegistered(ServiceError):
    status = HTTPStatus.CONFLICT
    default_message = "Account is already registered"


class UsernameChangeTooSoon(ServiceError):
    default_message = "Username was changed too recently"


class LastSuperAdmin(ServiceError):
    status = HTTPStatus.CONFLICT
    default_message = "The last super-admin cannot delete itself"


class TooManyNewAccounts(ServiceError):
    """The client address created as many accounts this hour as it may."""

    status = HTTPStatus.TOO_MANY_REQUESTS
    default_message = "Too many new accounts from this address; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class AccountGone(ServiceError):
    """The caller's own account was deleted while its request was in flight: as for any
    token whose account no longer exists, 401."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Account no longer exists"


class NotAllowed(ServiceError):
    """A staff action the actor's role does not permit (``permissions.rules``)."""

    status = HTTPStatus.FORBIDDEN
    default_message = "You are not allowed to do that"


class InvalidRole(ServiceError):
    default_message = "Unknown role"
