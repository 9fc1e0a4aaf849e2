"""The database's own refusal to change or remove a publication (docs/architecture.md: publications never change).

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


def statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"no publication triggers for {vendor}")


def triggers_install(schema_editor: Any, *, install: bool = True) -> None:
    for sql in statements(schema_editor.connection.vendor, install=install):
        schema_editor.execute(sql, params=None)  # no placeholders: the % of RAISE stays as written
