"""Writing many rows as plain tuples: COPY on PostgreSQL, one executemany on SQLite.

Why not bulk_create: for an import of 100,000 contacts with 1.4 million answers,
Django builds and adapts every value of every model instance in Python (about
15 µs a value), which made the import many times slower than the database's own
bulk path. The import has already checked every value against the rules, so it
writes tuples in the column order named here, adapted once per column by the
field's own get_db_prep_save where a type needs it (datetimes, scores, JSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def table_columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The model's concrete fields by attribute name (`participant_id`, or `participant` for its column)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    fields |= {field.name: field for field in model._meta.concrete_fields}
    return [fields[name] for name in names]


def prepared(field: models.Field[Any, Any], value: Any) -> Any:
    """A value as the database takes it: the field's own conversion (a score's integer, a datetime's text on SQLite)."""
    return field.get_db_prep_save(value, connection)


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """n new primary keys for the model's table, no other writer can take them: they are ours to insert with.

    PostgreSQL: from the table's identity sequence. SQLite: one writer at a time; after
    a write has taken the database's lock, the ids after the highest are free until commit.
    """
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), n],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        # bandit's B608 below: the only name put in is the model's own table, quoted; nothing comes from input.
        cursor.execute(f"UPDATE {quoted} SET id = id WHERE 0")  # nosec B608 # takes SQLite's write lock for this transaction
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # nosec B608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + n))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (values in `columns`' order, already prepared) into the model's table; return how many."""
    fields = table_columns(model, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # Built before the statement starts: a generator that queried (a content type, say) would wait on the COPY.
    batch = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3's own cursor, for COPY
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            return len(batch)
        placeholders = ", ".join(["%s"] * len(fields))
        # The model's own table and column names, quoted; every value is a bound parameter.
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", batch)  # nosec B608
        return len(batch)


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set `columns` of many rows by id: each row gives the values (prepared) and then the id; one executemany."""
    fields = table_columns(model, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    with connection.cursor() as cursor:
        # The model's own table and column names, quoted; every value is a bound parameter.
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # nosec B608
