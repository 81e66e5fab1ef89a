"""Reads of accounts that the views serialize."""

import uuid

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from accounts import sign_in_cache, solana
from accounts.exceptions import UserNotFound
from accounts.models import User
from accounts.statements import USER_ATTNAMES, user_of_live_sign_in

_MAX_IDENTIFIER_LENGTH = 64


def user_get_public(*, identifier: str) -> User:
    """The account whose uuid or wallet address is ``identifier``.

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
        lookup = {"address": identifier}
    user = User.objects.filter(**lookup).first()
    if user is None:
        raise UserNotFound()
    return user


def user_get_by_live_sign_in(
    *, sign_in_id: uuid.UUID, user_id: uuid.UUID, cached: sign_in_cache.Lookup | None = None
) -> User | None:
    """The account of an unrevoked sign-in (None if revoked, deleted, or not that
    account's): from the sign-in cache when it holds the current answer, else as the
    database says now. ``cached``: the caller's own ``sign_in_cache.lookup`` of it."""
    if cached is None:
        cached = sign_in_cache.lookup(sign_in_id=sign_in_id, user_id=user_id)
    if cached.values is not None:
        shape, row = cached.values
        # An entry written by a release with other User fields (during a deploy) is a miss.
        if shape == USER_ATTNAMES:
            cached_user = User.from_db(DEFAULT_DB_ALIAS, USER_ATTNAMES, row)
            if cached_user.pk == user_id:
                return cached_user
    user = user_of_live_sign_in(sign_in_id=sign_in_id, user_id=user_id, now=timezone.now())
    if user is not None and cached.generation is not None:
        sign_in_cache.store(
            sign_in_id=sign_in_id,
            generation=cached.generation,
            values=(USER_ATTNAMES, tuple(getattr(user, name) for name in USER_ATTNAMES)),
        )
    return user
