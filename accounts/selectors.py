"""Reads of accounts that the views serialize."""

import uuid

from django.db import DEFAULT_DB_ALIAS, connection

from accounts import sign_in_cache, solana
from accounts.exceptions import UserNotFound
from accounts.models import SignIn, User

_MAX_IDENTIFIER_LENGTH = 64


def user_get_public(*, identifier: str) -> User:
    """The account whose uuid or wallet address is ``identifier``.

    ``UserNotFound`` for an unknown or deleted account and for text that is neither a uuid
    nor a Solana address, so a caller cannot tell a malformed id from a missing account.
    """
    if len(identifier) > _MAX_IDENTIFIER_LENGTH:
        raise UserNotFound()
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


# The one query on every authenticated request, written out once at import: building it
# with the ORM cost more than the round trip itself (see README, Performance).
_USER_FIELDS = User._meta.concrete_fields
_USER_ATTNAMES = tuple(field.attname for field in _USER_FIELDS)
_LIVE_SIGN_IN_USER_SQL = (  # noqa: S608 (only quoted model metadata is formatted in)
    "SELECT {columns} FROM {user} u JOIN {sign_in} s ON s.{sign_in_user} = u.{user_pk} "
    "WHERE s.{sign_in_pk} = %s AND s.{sign_in_user} = %s AND s.{revoked_at} IS NULL"
).format(
    columns=", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in _USER_FIELDS),
    user=connection.ops.quote_name(User._meta.db_table),
    sign_in=connection.ops.quote_name(SignIn._meta.db_table),
    sign_in_user=connection.ops.quote_name(SignIn._meta.get_field("user").column),
    user_pk=connection.ops.quote_name(User._meta.pk.column),
    sign_in_pk=connection.ops.quote_name(SignIn._meta.pk.column),
    revoked_at=connection.ops.quote_name(SignIn._meta.get_field("revoked_at").column),
)


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
        if shape == _USER_ATTNAMES:
            user = User.from_db(DEFAULT_DB_ALIAS, _USER_ATTNAMES, row)
            if user.pk == user_id:
                return user
    user = _user_get_by_live_sign_in_from_database(sign_in_id=sign_in_id, user_id=user_id)
    if user is not None and cached.generation is not None:
        sign_in_cache.store(
            sign_in_id=sign_in_id,
            generation=cached.generation,
            values=(_USER_ATTNAMES, tuple(getattr(user, name) for name in _USER_ATTNAMES)),
        )
    return user


def _user_get_by_live_sign_in_from_database(
    *, sign_in_id: uuid.UUID, user_id: uuid.UUID
) -> User | None:
    params = [
        SignIn._meta.pk.get_db_prep_value(sign_in_id, connection),
        User._meta.pk.get_db_prep_value(user_id, connection),
    ]
    if connection.vendor != "postgresql":
        # Other backends need Django's value converters (SQLite keeps uuids and times as text).
        return next(iter(User.objects.raw(_LIVE_SIGN_IN_USER_SQL, params)), None)
    # psycopg already returns uuids and aware datetimes: the row is the model's values.
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_SIGN_IN_USER_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return User.from_db(connection.alias, _USER_ATTNAMES, row)
