"""Writing many rows of already validated, already prepared values: the import's last step.

Measured with tests/benchmarks/bench_outages.py on a 100,000-row file: Django's
bulk_create() spends about 85 µs a row building and preparing model instances, and
bulk_update() about 1.5 ms a row compiling its CASE WHEN expressions. These helpers pass
plain tuples to the database instead:

* SQLite: ``executemany``, which loops in C over one prepared statement;
* PostgreSQL: ``COPY`` (an update goes through a temporary table and one
  ``UPDATE … FROM``), since ``executemany`` there still costs a round of the protocol a row.

Only names from a model's metadata are ever put into the SQL text; values are parameters
or COPY data. Values must already be what the database takes (``get_db_prep_save``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connection

_BATCH = 5000


def _batches(rows: Sequence, size: int = _BATCH) -> Iterator[Sequence]:
    for position in range(0, len(rows), size):
        yield rows[position : position + size]


def _columns(model, attnames: Sequence[str]) -> list:
    return [model._meta.get_field(name) for name in attnames]


def rows_insert(model, attnames: Sequence[str], rows: Sequence[Sequence]) -> None:
    """``INSERT`` each row (values in the order of ``attnames``)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in _columns(model, attnames))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY goes to psycopg directly: translate its errors as Django does its own, so
            # that a duplicate reference (two imports at once) is an IntegrityError.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(attnames))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - names only
        for batch in _batches(rows):
            cursor.executemany(sql, batch)


def rows_update(model, attnames: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set ``attnames`` of the row whose primary key ends each row:
    ``(value, value, …, pk)``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = _columns(model, attnames)
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote(f"{model._meta.db_table}_import_staging")
            definitions = ", ".join(
                [f"{pk} bigint"] + [f"{quote(f.column)} {f.db_type(connection)}" for f in fields]
            )
            # Dropped at the end of the import's transaction (ON COMMIT DROP); the DROP
            # first covers a second import inside the same transaction (tests).
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({definitions}) ON COMMIT DROP")
            names = ", ".join([pk] + [quote(field.column) for field in fields])
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((row[-1], *row[:-1]))
            assignments = ", ".join(
                f"{quote(field.column)} = staging.{quote(field.column)}" for field in fields
            )
            cursor.execute(
                f"UPDATE {table} AS target SET {assignments} "  # noqa: S608 - names only
                f"FROM {staging} AS staging WHERE target.{pk} = staging.{pk}"
            )
            return
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names only
        for batch in _batches(rows):
            cursor.executemany(sql, batch)
