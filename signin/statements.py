"""The sign-in's and refresh's SQL statements, written out once at import from the models'
metadata: one ``UPDATE ... RETURNING`` the ORM cannot say, and statements where building
the query with the ORM cost more CPU than its round trip (measured in
docs/performance.md). A returned account row becomes the model directly. All run on
PostgreSQL and on SQLite.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db import connection, models

from accounts.models import User, Wallet
from signin.models import SignIn, UsedSignInProof

_USER_FIELDS = User._meta.concrete_fields
USER_ATTNAMES = tuple(field.attname for field in _USER_FIELDS)


def _name(model: type[models.Model], field_name: str | None = None) -> str:
    """A model's table, or one of its fields' column, quoted."""
    if field_name is None:
        return connection.ops.quote_name(model._meta.db_table)
    return connection.ops.quote_name(_column_field(model, field_name).column)


def _column_field(model: type[models.Model], field_name: str) -> models.Field:
    """One of the columns of ``model``'s table (not a relation's far side)."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field


def _user_columns(alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + connection.ops.quote_name(field.column) for field in _USER_FIELDS)


# Only quoted model metadata is formatted into these (S608).
#
# The account is found by any of its wallets in the same statement: the wallet table's
# unique address index, then the account's primary key (no second round trip).
_SIGNED_IN_NOW = (
    f"UPDATE {_name(User)} SET {_name(User, 'last_login')} = %s, "  # noqa: S608
    f"{_name(User, 'updated_at')} = %s WHERE {_name(User, 'id')} = "
    f"(SELECT {_name(Wallet, 'user')} FROM {_name(Wallet)} WHERE {_name(Wallet, 'address')} = %s) "
    f"RETURNING {_user_columns()}"
)

_USED_PROOFS = (
    f"INSERT INTO {_name(UsedSignInProof)} "  # noqa: S608
    f"({_name(UsedSignInProof, 'key')}, {_name(UsedSignInProof, 'expires_at')}) VALUES "
)

# The sign-in is live (not revoked, not past its end), the presented token its current
# one, its account not banned.
_REFRESH_ROTATE = (
    f"UPDATE {_name(SignIn)} SET {_name(SignIn, 'refresh_jti')} = %s, "  # noqa: S608
    f"{_name(SignIn, 'last_used_at')} = %s "
    f"WHERE {_name(SignIn, 'id')} = %s "
    f"AND {_name(SignIn, 'refresh_jti')} = %s AND {_name(SignIn, 'revoked_at')} IS NULL "
    f"AND {_name(SignIn, 'expires_at')} > %s "
    f"AND EXISTS (SELECT 1 FROM {_name(User)} u WHERE u.{_name(User, 'id')} = "
    f"{_name(SignIn)}.{_name(SignIn, 'user')} AND NOT u.{_name(User, 'is_banned')}) "
    f"RETURNING {_name(SignIn, 'user')}, {_name(SignIn, 'expires_at')}"
)


def _user_from(sql: str, params: list) -> User | None:
    if connection.vendor != "postgresql":
        # Other backends need Django's value converters (SQLite keeps uuids and times as text).
        return next(iter(User.objects.raw(sql, params)), None)
    # psycopg already returns uuids and aware datetimes: the row is the model's values.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else User.from_db(connection.alias, USER_ATTNAMES, row)


def _when(field_name: str, value: datetime) -> Any:
    return _column_field(SignIn, field_name).get_db_prep_value(value, connection)


def user_signed_in_now(*, address: str, now: datetime) -> User | None:
    """Set the account of the wallet ``address`` (any of its wallets, primary or linked)
    ``last_login`` (and ``updated_at``) to ``now`` and return the account as updated; None
    if the wallet belongs to no account. One statement.

    The caller tells the sign-in cache (``sign_in_cache.account_changed``), as every flow
    that changes an account does.
    """
    when = User._meta.get_field("last_login").get_db_prep_value(now, connection)
    return _user_from(_SIGNED_IN_NOW, [when, when, address])


def used_proofs_insert(*, keys: tuple[str, ...], expires_at: datetime) -> None:
    """Insert ``UsedSignInProof`` rows; ``django.db.IntegrityError`` if a key is there."""
    until = UsedSignInProof._meta.get_field("expires_at").get_db_prep_value(expires_at, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _USED_PROOFS + ", ".join(["(%s, %s)"] * len(keys)),
            [value for key in keys for value in (key, until)],
        )


def refresh_rotated(
    *, sign_in_id: uuid.UUID, presented_jti: str, new_jti: str, now: datetime
) -> tuple[uuid.UUID, datetime] | None:
    """Make ``new_jti`` the sign-in's refresh token if ``presented_jti`` is its current one,
    the sign-in is live (not past its end) and its account not banned, and return the
    account's id and the sign-in's end; None (nothing written) otherwise. The caller
    compares the account with the token's."""
    with connection.cursor() as cursor:
        cursor.execute(
            _REFRESH_ROTATE,
            [
                new_jti,
                _when("last_used_at", now),
                SignIn._meta.pk.get_db_prep_value(sign_in_id, connection),
                presented_jti,
                _when("expires_at", now),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # SQLite returns the uuid and the time as text: Django's converters make them values.
    account_id, expires_at = row
    column = SignIn._meta.get_field("expires_at").get_col(_name(SignIn))
    for converter in connection.ops.get_db_converters(column):
        expires_at = converter(expires_at, column, connection)
    return User._meta.pk.to_python(account_id), expires_at
