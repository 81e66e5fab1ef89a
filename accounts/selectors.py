"""Reads of accounts that the views serialize."""

import uuid

from accounts.exceptions import UserNotFound
from accounts.models import User
from signin import solana

_MAX_IDENTIFIER_LENGTH = 64


def user_get_public(*, identifier: str) -> User:
    """The account whose uuid, or the address of any of whose wallets, is ``identifier``.

    ``UserNotFound`` for an unknown or deleted account and for text that is neither a uuid
    nor a Solana address, so a caller cannot tell a malformed id from a missing account.
    """
    if len(identifier) > _MAX_IDENTIFIER_LENGTH:
        raise UserNotFound()
    lookup: dict[str, uuid.UUID | str]
    try:
        lookup = {"pk": uuid.UUID(identifier)}
    except ValueError:
        try:
            solana.decode_public_key(identifier)
        except solana.EncodingError:
            raise UserNotFound() from None
        lookup = {"wallets__address": identifier}
    user = User.objects.filter(**lookup).first()
    if user is None:
        raise UserNotFound()
    return user

