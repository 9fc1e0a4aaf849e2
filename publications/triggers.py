"""The database's own refusal to change or remove a publication or its frozen averages (docs/architecture.md).

Installed by a migration, on PostgreSQL as on SQLite: an UPDATE or DELETE of a publication row fails whoever sends
it, the ORM or someone with a database prompt. A forger who drops the triggers first is caught by the chain of
digests instead (verify_publication).
"""

from __future__ import annotations

from typing import Any

TABLE = "publications_publication"

SQLITE_INSTALL = [
    f"CREATE TRIGGER publication_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'publications are immutable: UPDATE refused'); END",
    f"CREATE TRIGGER publication_no_delete BEFORE DELETE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'publications are immutable: DELETE refused'); END",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS publication_no_update", "DROP TRIGGER IF EXISTS publication_no_delete"]

POSTGRESQL_INSTALL = [
    "CREATE OR REPLACE FUNCTION publication_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'publications are immutable: % refused', TG_OP; END $$",
    f"CREATE TRIGGER publication_immutable BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION publication_refuse_change()",
    f"CREATE TRIGGER publication_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION publication_refuse_change()",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS publication_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS publication_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS publication_refuse_change()",
]


# The averages frozen with each publication (PublishedAverages), refused the same way by a trigger of their own,
# installed by a later migration than the publication's.
AVERAGES_TABLE = "publications_publishedaverages"

AVERAGES_SQLITE_INSTALL = [
    f"CREATE TRIGGER published_averages_no_update BEFORE UPDATE ON {AVERAGES_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'published averages are immutable: UPDATE refused'); END",
    f"CREATE TRIGGER published_averages_no_delete BEFORE DELETE ON {AVERAGES_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'published averages are immutable: DELETE refused'); END",
]
AVERAGES_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS published_averages_no_update",
    "DROP TRIGGER IF EXISTS published_averages_no_delete",
]

AVERAGES_POSTGRESQL_INSTALL = [
    "CREATE OR REPLACE FUNCTION published_averages_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'published averages are immutable: % refused', TG_OP; END $$",
    f"CREATE TRIGGER published_averages_immutable BEFORE UPDATE OR DELETE ON {AVERAGES_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION published_averages_refuse_change()",
    f"CREATE TRIGGER published_averages_no_truncate BEFORE TRUNCATE ON {AVERAGES_TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION published_averages_refuse_change()",
]
AVERAGES_POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS published_averages_no_truncate ON {AVERAGES_TABLE}",
    f"DROP TRIGGER IF EXISTS published_averages_immutable ON {AVERAGES_TABLE}",
    "DROP FUNCTION IF EXISTS published_averages_refuse_change()",
]

_STATEMENTS = {
    (TABLE, "postgresql"): (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
    (TABLE, "sqlite"): (SQLITE_INSTALL, SQLITE_REMOVE),
    (AVERAGES_TABLE, "postgresql"): (AVERAGES_POSTGRESQL_INSTALL, AVERAGES_POSTGRESQL_REMOVE),
    (AVERAGES_TABLE, "sqlite"): (AVERAGES_SQLITE_INSTALL, AVERAGES_SQLITE_REMOVE),
}


def statements(vendor: str, *, install: bool, table: str = TABLE) -> list[str]:
    """The statements that install (or remove) the triggers of one table: the publications' unless told."""
    if (table, vendor) not in _STATEMENTS:
        raise NotImplementedError(f"no publication triggers for {vendor}")
    installing, removing = _STATEMENTS[(table, vendor)]
    return installing if install else removing


def triggers_install(schema_editor: Any, *, install: bool = True, table: str = TABLE) -> None:
    for sql in statements(schema_editor.connection.vendor, install=install, table=table):
        schema_editor.execute(sql, params=None)  # no placeholders: the % of RAISE stays as written
