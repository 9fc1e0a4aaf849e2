"""One measurement of bench/bench_import.py, in a process of its own (python -m bench.import_child ...).

Django reads its settings once per process, and a peak RSS must be one measurement's own: the parent
(bench/bench_import.py) starts one of these per database and size, with DATABASE_URL set. It migrates, imports
the frame, creates the judges, then times the import of the contacts.csv and the bare writes of the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from award.models import Edition  # imported for real only after django.setup()

ROOT = Path(__file__).resolve().parent.parent
JUDGES = tuple(f"bench-judge-{n}" for n in range(1, 7))  # created before the import: it creates no accounts


# ============================================================================ one measurement, in a child process


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rss_mb() -> float:
    """The process's peak resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_child")
    parser.add_argument("--frame", type=Path, required=True)
    parser.add_argument("--contacts", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="a dry run of the import only: does the file pass?")
    parser.add_argument("--profile", type=int, default=0, help="run the import under cProfile and print this many entries")
    args = parser.parse_args(argv)
    django_setup()
    from django.core.management import call_command

    from award.models import Edition
    from channels_app.bundle.format import BundleError
    from channels_app.bundle.importer import import_contacts_file, import_edition
    from channels_app.services import judge_ensure

    call_command("migrate", verbosity=0)
    import_edition(args.frame)
    for username in JUDGES:
        judge_ensure(username=username)
    edition = Edition.objects.get()
    if args.check:
        try:
            summary = import_contacts_file(edition=edition, path=args.contacts, dry_run=True)
        except BundleError as error:
            raise SystemExit(f"{args.contacts} does not import:\n{error.report()}") from None
        args.out.write_text(json.dumps({"counts": summary.counts, "new_judges": summary.new_judges}), encoding="utf-8")
        return
    result = measure_import(edition, args.contacts, profile=args.profile)
    result |= measure_baseline(result["changes_before"])
    args.out.write_text(json.dumps(result), encoding="utf-8")


def measure_import(edition: Edition, path: Path, *, profile: int) -> dict[str, Any]:
    """import_contacts_file, timed whole (its commit's rescoring included), with its peak RSS and the rows it wrote."""
    import cProfile
    import pstats
    from unittest import mock

    from django.db import connection

    import scoring.tasks
    from audit.models import ChangeRecord
    from channels_app.bundle.importer import import_contacts_file
    from channels_app.models import Answer, Contact

    rescores: list[float] = []
    rescore = scoring.tasks.edition_rescore

    def rescore_timed(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return rescore(**kwargs)
        finally:
            rescores.append(time.perf_counter() - started)

    changes_before = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rss_before = rss_mb()
    profiler = cProfile.Profile() if profile else None
    # The rescoring task runs eagerly at commit (no broker): count and time it inside the import's wall time.
    with mock.patch.object(scoring.tasks, "edition_rescore", rescore_timed):
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        summary = import_contacts_file(edition=edition, path=path)
        if profiler is not None:
            profiler.disable()
        seconds = time.perf_counter() - started
    rss_after = rss_mb()
    if profiler is not None:
        print(f"\ncProfile of import_contacts_file, {connection.vendor}, {path.name}: top {profile} by cumulative time")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(profile)
    if summary.new_judges:
        raise SystemExit(f"the import created judge accounts {summary.new_judges}: the harness should have made them")
    return {
        "vendor": connection.vendor,
        "import_seconds": seconds,
        "rescore_seconds": sum(rescores),
        "rescore_runs": len(rescores),
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_after,
        "counts": dict(summary.counts),
        "rows": {
            Contact._meta.db_table: Contact.objects.count(),
            Answer._meta.db_table: Answer.objects.count(),
            ChangeRecord._meta.db_table: ChangeRecord.objects.filter(pk__gt=changes_before).count(),
        },
        "changes_before": changes_before,
    }


def measure_baseline(changes_before: int) -> dict[str, Any]:
    """The same rows, read back as tuples, deleted, and written back by the bare driver in one transaction: the floor."""
    from django.db import connection, transaction

    from audit.models import ChangeRecord
    from channels_app.models import Answer, Contact, PlannedContact

    # Contacts keep their ids (the answers point at them); the others are written as new rows, without theirs.
    tables = [
        (Contact._meta.db_table, [f.column for f in Contact._meta.concrete_fields], ""),
        (Answer._meta.db_table, [f.column for f in Answer._meta.concrete_fields if not f.primary_key], ""),
        (
            ChangeRecord._meta.db_table,
            [f.column for f in ChangeRecord._meta.concrete_fields if not f.primary_key],
            f"WHERE id > {int(changes_before)}",
        ),
    ]
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    rows: dict[str, list[tuple[Any, ...]]] = {}
    # bandit's B608 below: the SQL names only the models' own tables and columns, quoted, and an int() of our own.
    with connection.cursor() as cursor:
        for table, columns, where in tables:
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} {where}")  # nosec B608
            rows[table] = [tuple(row) for row in cursor.fetchall()]
        with transaction.atomic():
            changes = quote(ChangeRecord._meta.db_table)
            cursor.execute(f"DELETE FROM {changes} WHERE id > {int(changes_before)}")  # nosec B608 # older history stays
            if postgres:  # the answers and the plan (empty here) point at contacts: truncated together
                planned = quote(PlannedContact._meta.db_table)
                cursor.execute(f"TRUNCATE {quote(Answer._meta.db_table)}, {planned}, {quote(Contact._meta.db_table)}")
            else:
                cursor.execute(f"DELETE FROM {quote(Answer._meta.db_table)}")  # nosec B608
                cursor.execute(f"DELETE FROM {quote(Contact._meta.db_table)}")  # nosec B608

    connection.ensure_connection()
    raw = connection.connection  # the DB-API connection under Django's: no placeholder rewriting, no wrappers
    per_table: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        cursor = raw.cursor()  # sqlite3's cursor is no context manager
        try:
            for table, columns, _where in tables:
                table_started = time.perf_counter()
                names = ", ".join(map(quote, columns))
                if postgres:
                    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                        for row in rows[table]:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows[table])  # nosec B608
                per_table[table] = time.perf_counter() - table_started
        finally:
            cursor.close()
        committing = time.perf_counter()
    seconds = time.perf_counter() - started  # the commit included
    # On PostgreSQL Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: they are checked here, at the commit.
    per_table["commit"] = time.perf_counter() - committing

    written = {
        Contact._meta.db_table: Contact.objects.count(),
        Answer._meta.db_table: Answer.objects.count(),
        ChangeRecord._meta.db_table: ChangeRecord.objects.filter(pk__gt=changes_before).count(),
    }
    if written != {table: len(found) for table, found in rows.items()}:
        raise SystemExit(f"the baseline wrote {written}, not the {[len(found) for found in rows.values()]} rows it read")
    return {"baseline_seconds": seconds, "baseline_tables": per_table}


if __name__ == "__main__":
    child(sys.argv[1:])
