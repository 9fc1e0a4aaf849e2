"""Rescoring against the bare GROUP BY, and publishing, at 4,900, 100,000 and 1,000,000 contacts, side by side.

    .venv/bin/python -m bench.bench_scoring [--sizes 4900,100000,1000000] [--databases sqlite,postgresql] [--fresh]

For each database and size, one child process on an edition built by bench/edition.py (set-based, kept between runs
in its own database, bench_edition_N on PostgreSQL and var/bench/edition-N.sqlite3, rebuilt with --fresh):

1. rescoring, `scoring.services.edition_rescore(force=True)`, the whole service with its transaction and lock, after
   one contact's score moved by a ten-thousandth (as after a judge's save; put back at the end), and
   the bare GROUP BY: the one SELECT of the counted contacts' counts and sums per participant and channel that any
   rescoring must read, fetched, nothing written. They run in turns (GROUP BY, rescoring, GROUP BY, ...) after a
   warm-up, and each one's median is taken: their ratio is the rescoring's overhead over its limit.
2. then, in a second child of its own (its peak RSS is the publication's alone), a final publication through
   `publication_create`: its seconds, the process's peak RSS and how much the publication added to it, and the
   size of what it froze. It is rolled back once measured, so that the kept edition stays open for the next run
   (a final publication locks the contacts): all of publishing is timed but its commit.

The table goes to stdout and, as the section "Scoring and publishing", to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess  # nosec B404 # runs our own measurement child, with fixed arguments
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.bench_import import DEFAULT_POSTGRES, RESULTS, machine, postgres_url, results_write
from bench.import_child import ROOT

DEFAULT_SIZES = "4900,100000,1000000"
DATA = ROOT / "var" / "bench"
YEAR = 2021
GOALS = {4900: 3.0, 1_000_000: 1.3}  # issue 13: rescoring at most this many times the bare GROUP BY


def database_url(database: str, size: int, server: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'edition-{size}.sqlite3'}"
    return f"{server.rstrip('/')}/bench_edition_{size}"


def _fresh(database: str, size: int, server: str) -> None:
    if database == "sqlite":
        (DATA / f"edition-{size}.sqlite3").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(postgres_url(server), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS bench_edition_{size}")


def _ensure_database(database: str, size: int, server: str) -> None:
    if database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    with psycopg.connect(postgres_url(server), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"bench_edition_{size}"]).fetchone() is None:
            admin.execute(f"CREATE DATABASE bench_edition_{size}")


def _child(url: str, mode: str, size: int) -> dict[str, Any]:
    environment = os.environ | {
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver",
    }
    environment.pop("REDIS_URL", None)  # the local-memory cache and eager tasks: the measurement is the database's
    environment.pop("CELERY_BROKER_URL", None)
    return child_json("bench.bench_scoring", ["--child", mode, "--contacts", str(size)], environment)


def child_json(module: str, arguments: list[str], environment: dict[str, str]) -> dict[str, Any]:
    """Run a bench module's child in a process of its own; what it printed last, as JSON."""
    run = subprocess.run(  # nosec B603 # our own interpreter and module, fixed arguments
        [sys.executable, "-m", module, *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    if run.returncode != 0:
        raise SystemExit(f"{module} {' '.join(arguments)} failed:\n{run.stdout}\n{run.stderr}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


# The children ---------------------------------------------------------------------------------------------------


def _setup() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _edition(size: int) -> tuple[int, float]:
    """The edition of `size` contacts, built when the database has none yet: its id, and the seconds building took."""
    from award.models import Edition
    from bench.edition import build

    found = Edition.objects.filter(year=YEAR).values_list("pk", flat=True).first()
    if found is not None:
        return found, 0.0
    built = build(contacts=size, year=YEAR)
    return built.edition_id, built.seconds


def _group_by(edition_id: int) -> int:
    """The bare GROUP BY: the counted contacts' counts and sums per participant and channel, fetched."""
    from django.db import connection

    from channels_app.models import Contact, ContactStatus

    table = Contact._meta.db_table
    sql = (
        "SELECT participant_id, channel, COUNT(*), SUM(score), SUM(CASE WHEN answered THEN 1 ELSE 0 END),"  # nosec B608
        " SUM(CASE WHEN answered THEN score ELSE 0 END),"
        " SUM(CASE WHEN answered AND handled_by IN ('bot', 'bot_to_agent') THEN 1 ELSE 0 END)"
        f" FROM {table} WHERE edition_id = %s AND status = %s AND NOT voided GROUP BY participant_id, channel"
    )  # our own table name; the values are bound parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [edition_id, str(ContactStatus.SUBMITTED)])
        return len(cursor.fetchall())


def child_rescore(size: int) -> dict[str, Any]:
    _setup()
    from django.db import connection

    from channels_app.models import Contact
    from scoring import rules
    from scoring.models import ChannelStanding
    from scoring.services import edition_rescore

    edition_id, built_seconds = _edition(size)
    rounds = 21 if size < 50_000 else 7 if size < 500_000 else 5
    edition_rescore(edition_id=edition_id, force=True)  # warm: the pages of the tables in the cache
    with connection.cursor() as cursor:
        # The statistics of the standings as written, as autovacuum keeps them in production (the bench's server may
        # run without it): the planner otherwise plans for the empty tables the build left.
        cursor.execute("ANALYZE")
    _group_by(edition_id)
    # Before each rescoring, as after a judge's save, one contact's score moves by a ten-thousandth (and back), so that
    # what a rescoring writes is what changed; the score is put back at the end.
    contact = Contact.objects.counted().filter(edition_id=edition_id, answered=True).order_by("pk").first()
    if contact is None:
        raise SystemExit("the bench edition has no answered contact")
    score = contact.score
    group_by, rescore = [], []
    for n in range(rounds):
        started = time.perf_counter()
        groups = _group_by(edition_id)
        group_by.append(time.perf_counter() - started)
        Contact.objects.filter(pk=contact.pk).update(score=score + (rules.from_units(1) if n % 2 == 0 else 0))
        started = time.perf_counter()
        edition_rescore(edition_id=edition_id, force=True)
        rescore.append(time.perf_counter() - started)
    Contact.objects.filter(pk=contact.pk).update(score=score)
    edition_rescore(edition_id=edition_id, force=True)
    return {
        "database": connection.vendor,
        "contacts": size,
        "built_seconds": built_seconds,
        "rounds": rounds,
        "groups": groups,
        "standings": ChannelStanding.objects.filter(edition_id=edition_id).count(),
        "group_by_ms": statistics.median(group_by) * 1000,
        "rescore_ms": statistics.median(rescore) * 1000,
    }


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_publish(size: int) -> dict[str, Any]:
    _setup()
    from django.db import connection, transaction

    from award.models import Edition
    from publications.models import PublishedInputs
    from publications.services import publication_create

    edition_id, _ = _edition(size)
    edition = Edition.objects.get(pk=edition_id)
    before = _rss_mb()
    # Rolled back once measured, so that the edition kept for the next run stays open (a final publication locks its
    # contacts): everything of publishing is timed but its commit.
    with transaction.atomic():
        started = time.perf_counter()
        publication = publication_create(edition=edition, kind="final")
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        frozen = PublishedInputs.objects.get(publication=publication)
        transaction.set_rollback(True)
    return {
        "database": connection.vendor,
        "contacts": size,
        "publish_seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "payload_kb": len(publication.payload.encode()) / 1024,
        "packed_mb": len(frozen.packed) / 2**20,
    }


# The parent -----------------------------------------------------------------------------------------------------


def run(*, sizes: Sequence[int], databases: Sequence[str], server: str = DEFAULT_POSTGRES, fresh: bool = False) -> dict:
    rows = []
    for database in databases:
        for size in sizes:
            if fresh:
                _fresh(database, size, server)
            _ensure_database(database, size, server)
            url = database_url(database, size, server)
            rescore = _child(url, "rescore", size)
            publish = _child(url, "publish", size)
            rows.append(rescore | publish)
            print(
                f"{database} {size:>9,}: rescore {rescore['rescore_ms']:8.1f} ms, GROUP BY {rescore['group_by_ms']:8.1f} ms"
                f" (x{rescore['rescore_ms'] / rescore['group_by_ms']:.2f}); publish {publish['publish_seconds']:.2f} s,"
                f" peak RSS {publish['rss_peak_mb']:.0f} MB",
                flush=True,
            )
    return {"rows": rows}


def report(result: dict, *, command: str, databases: Sequence[str], server: str) -> str:
    lines = [
        "## Scoring and publishing",
        "",
        "`bench/bench_scoring.py`: on editions built by `bench/edition.py` (196 participants, four channels, 24 questions"
        " a channel, about 22 answers a contact), the whole rescoring service (`edition_rescore(force=True)`: its"
        " transaction, lock and the two INSERT ... SELECT of `scoring/standings.py`) against the bare GROUP BY of the"
        " counted contacts that any rescoring must read, in turns, medians; then a final publication in a process of"
        " its own (`publication_create`: rescoring, results, payload, frozen inputs, averages).",
        "",
        f"- date: {datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- command: `{command}`",
        *(f"- {key}: {value}" for key, value in machine(list(databases), server).items()),
        "",
        "| database | contacts | GROUP BY ms | rescoring ms | rescoring / GROUP BY | runs each | publish s "
        "| publish peak RSS MB | of which before publishing MB | frozen inputs MB (compressed) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['database']} | {row['contacts']:,} | {row['group_by_ms']:.1f} | {row['rescore_ms']:.1f} "
            f"| {row['rescore_ms'] / row['group_by_ms']:.2f} | {row['rounds']} | {row['publish_seconds']:.2f} "
            f"| {row['rss_peak_mb']:.0f} | {row['rss_before_mb']:.0f} | {row['packed_mb']:.1f} |"
        )
    lines += ["", "Targets (issue 13):", ""]
    for row in result["rows"]:
        goal = GOALS.get(row["contacts"])
        ratio = row["rescore_ms"] / row["group_by_ms"]
        if goal is not None:
            met = "met" if ratio <= goal else "**not met**"
            where = f"{row['database']}, {row['contacts']:,}"
            lines.append(f"- {where}: rescoring at most {goal}x the GROUP BY: {met} ({ratio:.2f}x)")
        if row["contacts"] == 1_000_000:
            met = "met" if row["publish_seconds"] < 10 and row["rss_peak_mb"] < 500 else "**not met**"
            lines.append(
                f"- {row['database']}, 1,000,000: publishing under 10 s and 500 MB: {met}"
                f" ({row['publish_seconds']:.1f} s, peak RSS {row['rss_peak_mb']:.0f} MB)"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scoring", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help=f"the server (default {DEFAULT_POSTGRES})")
    parser.add_argument("--fresh", action="store_true", help="rebuild the editions")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--child", choices=("rescore", "publish"), help=argparse.SUPPRESS)
    parser.add_argument("--contacts", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        measure = child_rescore if arguments.child == "rescore" else child_publish
        print(json.dumps(measure(arguments.contacts)))
        return
    sizes = [int(size) for size in arguments.sizes.split(",")]
    databases = arguments.databases.split(",")
    result = run(sizes=sizes, databases=databases, server=arguments.postgres, fresh=arguments.fresh)
    command = "python -m bench.bench_scoring " + " ".join(argv)
    text = report(result, command=command.strip(), databases=databases, server=arguments.postgres)
    print(text)
    results_write(arguments.results, text, title="## Scoring and publishing")


if __name__ == "__main__":
    main()
