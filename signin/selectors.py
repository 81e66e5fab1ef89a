"""The live-sign-in read behind every authenticated request."""

import uuid

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from accounts.models import User
from signin import sign_in_cache
from signin.statements import USER_ATTNAMES, user_of_live_sign_in


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
            user = User.from_db(DEFAULT_DB_ALIAS, USER_ATTNAMES, row)
            if user.pk == user_id:
                return user
    user = user_of_live_sign_in(sign_in_id=sign_in_id, user_id=user_id, now=timezone.now())
    if user is not None and cached.generation is not None:
        sign_in_cache.store(
            sign_in_id=sign_in_id,
            generation=cached.generation,
            values=(USER_ATTNAMES, tuple(getattr(user, name) for name in USER_ATTNAMES)),
        )
    return user
