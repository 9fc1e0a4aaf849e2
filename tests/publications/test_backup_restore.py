"""A backup restores whole (docs/operations.md): `pg_dump -Fc` of a database with published results, `pg_restore` of it
into a new empty database, and there `verify_publication` passes and the triggers still refuse to change a publication.

The real binaries against the real server (the PostgreSQL pass of CI). The dump reads what is committed, so the test
is transactional; the database it restores into is its own, made with a unique name and dropped at the end.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection

from award.models import Edition
from publications.models import Publication, PublicationKind
from publications.services import publication_create
from tests.conftest import ROOT, need, on_postgres

INTERIM_AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
FINAL_AT = datetime(2021, 5, 20, 18, 0, tzinfo=UTC)


def major_of(binary: str) -> int | None:
    """The major version of a PostgreSQL client program ("pg_dump (PostgreSQL) 15.20 (Debian ...)" -> 15)."""
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False, timeout=30)
    found = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(found.group(1)) if found else None


def pg_program(name: str, server_major: int) -> str:
    """The server's own version of a client program: Debian keeps each major's in /usr/lib/postgresql/N/bin, while the
    one on PATH may be another major's. pg_dump refuses a server newer than itself, so no other will do."""
    candidates = [str(Path("/usr/lib/postgresql") / str(server_major) / "bin" / name), shutil.which(name)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and major_of(candidate) == server_major:
            return candidate
    need(False, f"{name} of PostgreSQL {server_major} (the server's version) is not installed")
    raise AssertionError  # need() failed or skipped


def database_url(settings: dict[str, Any], name: str) -> str:
    """DATABASE_URL for another database on the same server, as the settings read it."""
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{quote(name, safe='')}"


def libpq_env(settings: dict[str, Any]) -> dict[str, str]:
    """The environment that points pg_dump, pg_restore, createdb and dropdb at the test's server."""
    env = {"PGHOST": settings["HOST"] or "127.0.0.1", "PGPORT": str(settings["PORT"] or 5432), "PGUSER": settings["USER"]}
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return os.environ | env


def connect_args(settings: dict[str, Any]) -> dict[str, Any]:
    """psycopg's arguments for another database on the test's server."""
    args = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432, "user": settings["USER"]}
    return args | ({"password": settings["PASSWORD"]} if settings["PASSWORD"] else {})


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, f"{command[0]} failed: {result.stdout}{result.stderr}"
    return result


@pytest.fixture
def restored_name() -> Iterator[str]:
    """A database name of our own on the test server; whatever the test made under it is dropped after it."""
    on_postgres()
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore_{secrets.token_hex(4)}"
    dropdb = pg_program("dropdb", server_major())
    yield name
    subprocess.run([dropdb, "--if-exists", name], env=libpq_env(settings), capture_output=True, timeout=120, check=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # pg_dump reads only what is committed
def test_a_dump_restores_into_an_empty_database_verifies_and_keeps_the_triggers(
    mini: Edition, organiser: User, tmp_path: Path, restored_name: str
) -> None:
    interim = publication_create(edition=mini, kind=PublicationKind.INTERIM, user=organiser, published_at=INTERIM_AT)
    final = publication_create(edition=mini, kind=PublicationKind.FINAL, user=organiser, published_at=FINAL_AT)
    settings = connection.settings_dict
    major = server_major()
    env = libpq_env(settings)
    dump = tmp_path / "award.dump"

    # docs/operations.md, word for word but for the names.
    run([pg_program("pg_dump", major), "-Fc", "-f", str(dump), settings["NAME"]], env)
    run([pg_program("createdb", major), "-T", "template0", restored_name], env)
    restore = [pg_program("pg_restore", major), "--exit-on-error", "--single-transaction", "--no-owner"]
    run([*restore, "-d", restored_name, str(dump)], env)

    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    verified = run(
        [sys.executable, "manage.py", "verify_publication", "2021"],
        clean | {"DATABASE_URL": database_url(settings, restored_name)},
    )
    assert "OK: all 2 publications of 2021 verify, and their chain holds." in verified.stdout
    assert f"link:              {final.link}" in verified.stdout

    with psycopg.connect(dbname=restored_name, **connect_args(settings), autocommit=True) as restored:
        rows = restored.execute("SELECT id, digest, link, payload FROM publications_publication ORDER BY id").fetchall()
        assert rows == [(p.pk, p.digest, p.link, p.payload) for p in (interim, final)]
        triggers = restored.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'publications_publication'::regclass AND NOT tgisinternal"
            " ORDER BY tgname"
        ).fetchall()
        assert triggers == [("publication_immutable",), ("publication_no_truncate",)]
        for sql in (
            "UPDATE publications_publication SET digest = 'sha256:forged' WHERE id = %s",
            "DELETE FROM publications_publication WHERE id = %s",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="publications are immutable"):
                restored.execute(sql, [final.pk])
        with pytest.raises(psycopg.errors.RaiseException, match="publications are immutable: TRUNCATE refused"):
            restored.execute("TRUNCATE publications_publication CASCADE")
        assert restored.execute("SELECT digest FROM publications_publication WHERE id = %s", [final.pk]).fetchone() == (
            final.digest,
        )

    assert Publication.objects.count() == 2  # the database dumped is as it was
