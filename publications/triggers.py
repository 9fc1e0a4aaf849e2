"""The database's own refusal to change or remove a publication or what is frozen with it (docs/architecture.md).

Installed by a migration, on PostgreSQL as on SQLite: an UPDATE or DELETE of a publication row fails whoever sends
it, the ORM or someone with a database prompt. A forger who drops the triggers first is caught by the chain of
digests instead (verify_publication).
"""

from __future__ import annotations

from typing import Any

TABLE = "publications_publication"
# The averages frozen with each publication (PublishedAverages) and its inputs (PublishedInputs), refused the same way
# by triggers of their own, installed by the migrations that made their tables.
AVERAGES_TABLE = "publications_publishedaverages"
INPUTS_TABLE = "publications_publishedinputs"
# Every table of frozen rows: the publications first.
FROZEN_TABLES = (TABLE, AVERAGES_TABLE, INPUTS_TABLE)

# table -> (the prefix of its triggers' and function's names, what their refusal calls the rows)
_NAMES = {
    TABLE: ("publication", "publications"),
    AVERAGES_TABLE: ("published_averages", "published averages"),
    INPUTS_TABLE: ("published_inputs", "published inputs"),
}


def _sqlite(table: str, *, install: bool) -> list[str]:
    prefix, rows = _NAMES[table]
    if not install:
        return [f"DROP TRIGGER IF EXISTS {prefix}_no_update", f"DROP TRIGGER IF EXISTS {prefix}_no_delete"]
    return [
        f"CREATE TRIGGER {prefix}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{rows} are immutable: {operation} refused'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def _postgresql(table: str, *, install: bool) -> list[str]:
    prefix, rows = _NAMES[table]
    if not install:
        return [
            f"DROP TRIGGER IF EXISTS {prefix}_no_truncate ON {table}",
            f"DROP TRIGGER IF EXISTS {prefix}_immutable ON {table}",
            f"DROP FUNCTION IF EXISTS {prefix}_refuse_change()",
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {prefix}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{rows} are immutable: % refused', TG_OP; END $$",
        f"CREATE TRIGGER {prefix}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {prefix}_refuse_change()",
        f"CREATE TRIGGER {prefix}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_refuse_change()",
    ]


_VENDORS = {"postgresql": _postgresql, "sqlite": _sqlite}


def statements(vendor: str, *, install: bool, table: str = TABLE) -> list[str]:
    """The statements that install (or remove) the triggers of one table: the publications' unless told."""
    if vendor not in _VENDORS or table not in _NAMES:
        raise NotImplementedError(f"no publication triggers for {vendor}")
    return _VENDORS[vendor](table, install=install)


def triggers_install(schema_editor: Any, *, install: bool = True, table: str = TABLE) -> None:
    for sql in statements(schema_editor.connection.vendor, install=install, table=table):
        schema_editor.execute(sql, params=None)  # no placeholders: the % of RAISE stays as written
