"""Errors of the account and profile flows; ``config.errors`` maps them to the JSON error shape."""

from http import HTTPStatus

from core.errors import ServiceError


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


class AccountGone(ServiceError):
    """The caller's own account was deleted while its request was in flight: as for any
    token whose account no longer exists, 401."""

    status = HTTPStatus.UNAUTHORIZED
    default_message = "Account no longer exists"


class WalletProofInvalid(ServiceError):
    """A wallet-link proof that is wrong, stale, replayed or made for another account: a 400,
    not the sign-in's 401, which on an authenticated endpoint would say the token failed."""

    default_message = "Invalid wallet proof"


class WalletTaken(ServiceError):
    """The wallet belongs to an account already; which one is not said."""

    status = HTTPStatus.CONFLICT
    default_message = "Wallet is already linked to an account"


class WalletNotFound(ServiceError):
    status = HTTPStatus.NOT_FOUND
    default_message = "Wallet not found"


class WalletUnlinkRefused(ServiceError):
    """The primary wallet, or an account's only one, stays linked."""

    status = HTTPStatus.CONFLICT
    default_message = "The primary wallet cannot be unlinked; make another wallet primary first"
