"""Appending a row to an append-only table with one written-out ``INSERT ... RETURNING``.

The sign-in writes two such rows (its audit event and its outbox event). Through the ORM
(``Model.save``, ``bulk_create``) each cost about 0.8 M instructions, a tenth of the whole
sign-in; this statement, built once per model from its metadata and given the values its
own fields prepare, about 0.26 M less each (docs/performance.md, "Events out"). No
``save()`` runs: for models whose rows are only ever inserted, with nothing in ``save``
that the caller does not do itself. PostgreSQL and SQLite (3.35+, for ``RETURNING``).
"""

import functools
from collections.abc import Sequence

from django.db import connection, models


@functools.cache
def _statement(model: type[models.Model]) -> tuple[tuple[models.Field, ...], str, str, str]:
    fields = tuple(field for field in model._meta.concrete_fields if field is not model._meta.pk)
    quote = connection.ops.quote_name
    assert model._meta.pk is not None
    # Only quoted model metadata is formatted into it (S608).
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return fields, head, row, f" RETURNING {quote(model._meta.pk.column)}"


def rows_insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert unsaved ``rows`` of ``model`` (its primary key made by the database) in one
    statement, in the caller's transaction; each gets its primary key."""
    fields, head, row, returning = _statement(model)
    params = [
        field.get_db_prep_save(getattr(instance, field.attname), connection)
        for instance in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(head + ", ".join([row] * len(rows)) + returning, params)
        keys = [key for (key,) in cursor.fetchall()]
    for instance, key in zip(rows, keys, strict=True):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = connection.alias
