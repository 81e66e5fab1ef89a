"""The username rules: format, reserved names. The database enforces format and uniqueness too."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 32
# \A and \Z mean the same in Python, PostgreSQL and SQLite (Django's REGEXP is Python's re),
# unlike "$", which lets a trailing newline through in Python.
USERNAME_REGEX = rf"\A[A-Za-z0-9_]{{{USERNAME_MIN_LENGTH},{USERNAME_MAX_LENGTH}}}\Z"
_USERNAME_PATTERN = re.compile(USERNAME_REGEX)
USERNAME_FORMAT_MESSAGE = (
    f"must be {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters of "
    "letters, digits and underscores"
)

# Names that could pass for the service, its staff or a system account. Compared without
# regard to case or underscores (``Admin_``, ``__admin`` and ``a_d_min`` read as ``admin``);
# RESERVED_USERNAMES_EXTRA adds to them.
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "admins",
        "administrator",
        "root",
        "superuser",
        "super_admin",
        "superadmin",
        "sysadmin",
        "system",
        "support",
        "help",
        "helpdesk",
        "staff",
        "mod",
        "mods",
        "moderator",
        "moderators",
        "official",
        "team",
        "security",
        "abuse",
        "postmaster",
        "hostmaster",
        "webmaster",
        "info",
        "contact",
        "noreply",
        "no_reply",
        "api",
        "www",
        "mail",
        "owner",
        "dev",
        "devs",
        "developer",
        "null",
        "none",
        "undefined",
        "anonymous",
        "everyone",
        "here",
        "me",
        "you",
        "user",
        "users",
        "register",
        "login",
        "logout",
        "auth",
        "settings",
        "profile",
        "pump",
        "pumpfun",
        "pump_fun",
        "launchpad",
    }
)


def _skeleton(name: str) -> str:
    """What a name reads as: lower-case, underscores removed."""
    return name.lower().replace("_", "")


_RESERVED_SKELETONS = frozenset(_skeleton(name) for name in RESERVED_USERNAMES)


def username_is_reserved(username: str) -> bool:
    skeleton = _skeleton(username)
    return skeleton in _RESERVED_SKELETONS or any(
        skeleton == _skeleton(name) for name in settings.RESERVED_USERNAMES_EXTRA
    )


def username_format_validator(value: str) -> None:
    """The format alone (the model field's validator; staff accounts obey it too)."""
    if not isinstance(value, str) or not _USERNAME_PATTERN.match(value):
        raise ValidationError(USERNAME_FORMAT_MESSAGE, code="invalid_username")


def username_problem(username: str) -> str | None:
    """Why a wallet account may not take this name (format or reserved), or None."""
    if not isinstance(username, str) or not _USERNAME_PATTERN.match(username):
        return USERNAME_FORMAT_MESSAGE
    if username_is_reserved(username):
        return "is reserved"
    return None
