"""Importing a contacts.csv against the bare database cost of the same rows, side by side in one run.

    .venv/bin/python -m bench.bench_import [--sizes 1000,10000,100000] [--databases sqlite,postgresql]

For each database and each size N, one child process (Django reads its settings
once per process, and the peak RSS must be one measurement's own):

1. a fresh database (a temporary SQLite file, or a throw-away PostgreSQL
   database that is dropped afterwards), migrated, with the demo edition's frame
   (edition, classes, participants, questionnaires; no contacts) and a handful
   of judges created beforehand, so that the import creates no accounts;
2. `import_contacts_file` of a generated, valid contacts.csv of N rows, timed
   whole: the atomic block and, after its commit, the rescoring that Celery runs
   eagerly without a broker (its share is timed separately);
3. the baseline: exactly the rows the import wrote to the contact, answer and
   change-record tables, read back as plain tuples, deleted, and written back
   with the bare driver in one transaction (PostgreSQL: COPY FROM STDIN through
   psycopg 3; SQLite: one executemany INSERT per table).

The table goes to stdout and, as the section "Import", to bench/RESULTS.md.
The children run with DEBUG off: with DEBUG on, Django keeps the SQL of the
last 9,000 queries, bulk statements included, which distorts both time and memory.
`--profile` runs the import under cProfile instead and prints where the time goes
(its timings are inflated by the profiler, so nothing is written to RESULTS.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import secrets
import shlex
import shutil
import sqlite3
import subprocess  # nosec B404 # runs our own measurement child and git, with fixed arguments
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.import_child import JUDGES, ROOT

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
DEFAULT_SIZES = "1000,10000,100000"
DEFAULT_DATABASES = "sqlite,postgresql"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASES = ("sqlite", "postgresql")
OFFSET = timezone(timedelta(hours=1))  # +01:00, as the demo writes every timestamp
BOT_CHANNELS = ("chat", "messenger")  # scoring.rules.BOT_CHANNELS, without importing Django in the parent
COMMENTS = (
    "",
    "Quick and friendly.",
    'Polite, but "we will call you back" never happened.',
    "Long queue, then a clear answer, with a link to the form.",
    "Kundebehandleren var hyggelig og løste saken på første forsøk.",
)
# Targets the table is read against.
TARGET_RATIO = 3.0
TARGET_LARGE_N, TARGET_LARGE_SECONDS = 100_000, 60.0
TARGET_MEMORY_GROWTH = 2.0  # the import's RSS growth at the largest N against the next size down: flat, not linear
MEMORY_MIN_N = 10_000  # the importer works in batches of 2,000 rows: smaller files do not show its steady state


# ============================================================================ the contacts.csv


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    max_points: int
    counts: bool


@dataclass(frozen=True)
class Frame:
    """What a valid contacts.csv needs to know of the edition: read from the frame bundle's own files."""

    starts_on: date
    ends_on: date
    questions: dict[str, list[QuestionSpec]]  # channel -> its questionnaire, channels without one left out
    participants: list[tuple[str, list[str]]]  # (name, channels), those offering at least one channel


def frame_write(folder: Path) -> Frame:
    """The demo edition's bundle without its contacts.csv, in `folder`."""
    from channels_app.bundle.format import CONTACTS_FILE, EDITION_FILE, PARTICIPANTS_FILE
    from demo.generate import generate_bundle

    generate_bundle(folder)
    (folder / CONTACTS_FILE).unlink()
    edition = json.loads((folder / EDITION_FILE).read_text(encoding="utf-8"))
    questions = {
        channel: [QuestionSpec(q["key"], int(q["max_points"]), bool(q["counts"])) for q in items]
        for channel, items in edition["questions"].items()
        if items
    }
    with (folder / PARTICIPANTS_FILE).open(encoding="utf-8", newline="") as handle:
        participants = [
            (row["name"], channels)
            for row in csv.DictReader(handle)
            if (channels := [c for c in row["channels"].split("|") if c in questions])
        ]
    return Frame(date.fromisoformat(edition["starts_on"]), date.fromisoformat(edition["ends_on"]), questions, participants)


def contacts_write(path: Path, frame: Frame, n: int) -> int:
    """A valid contacts.csv of n rows, the same bytes for the same frame and n; return how many answers it holds."""
    from channels_app.bundle.format import CONTACT_COLUMNS, contact_cells

    rng = random.Random(f"bench-import-{n}")  # nosec B311 # seeded on purpose: the same file for the same n
    columns = [(channel, question) for channel, questions in frame.questions.items() for question in questions]
    days = (frame.ends_on - frame.starts_on).days + 1
    answers = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*CONTACT_COLUMNS, *(f"{channel}.{question.key}" for channel, question in columns)])
        for number in range(n):
            participant, channels = rng.choice(frame.participants)
            channel = rng.choice(channels)
            # Office hours at +01:00: the same local day in Europe/Oslo, also in summer time.
            happened_at = datetime.combine(frame.starts_on, datetime.min.time(), OFFSET) + timedelta(
                days=rng.randrange(days), hours=8, minutes=rng.randrange(9 * 60)
            )
            answered = rng.random() < 0.9
            if not answered:
                wait, handled_by = "", ""
            elif channel == "email":
                wait, handled_by = str(rng.randint(600, 2 * 86_400)), "agent"
            else:
                wait = str(rng.randint(5, 900))
                handled_by = (
                    rng.choices(("agent", "bot", "bot_to_agent"), (75, 15, 10))[0] if channel in BOT_CHANNELS else "agent"
                )
            fixed = {
                "ref": f"BENCH-{number:07d}",
                "participant": participant,
                "channel": channel,
                "judge": rng.choice(JUDGES),
                "happened_at": happened_at.isoformat(),
                "answered": "true" if answered else "false",
                "wait_seconds": wait,
                "handled_by": handled_by,
                "voided": "false",
                "comment": rng.choice(COMMENTS),
            }
            # Answered: every question of the channel has points (so each counted one does); else every cell is empty.
            points = [
                str(rng.randint(0, question.max_points)) if answered and question_channel == channel else ""
                for question_channel, question in columns
            ]
            answers += sum(1 for cell in points if cell)
            writer.writerow([*contact_cells(fixed), *points])
    return answers


# ============================================================================ the parent: databases, children, the table


@dataclass
class Measurement:
    database: str
    n: int
    result: dict[str, Any]
    expected: tuple[int, int, int]  # the rows the file should write: contacts, answers, change records (one per contact)

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(self.result["rows"].values())

    @property
    def seconds(self) -> float:
        return float(self.result["import_seconds"])

    @property
    def baseline(self) -> float:
        return float(self.result["baseline_seconds"])

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline

    @property
    def rss_growth(self) -> float:
        return float(self.result["rss_peak_mb"] - self.result["rss_before_mb"])


def postgres_url(server: str, name: str = "postgres") -> str:
    return f"{server.rstrip('/')}/{name}"


@contextmanager
def fresh_database(database: str, folder: Path, server: str) -> Iterator[str]:
    """A DATABASE_URL for an empty database, removed afterwards."""
    if database == "sqlite":
        path = folder / "bench.sqlite3"
        path.unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob("bench.sqlite3*"):
                leftover.unlink()
        return
    import psycopg

    name = f"bench_import_{os.getpid()}"
    with psycopg.connect(postgres_url(server), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(server, name)
    finally:
        with psycopg.connect(postgres_url(server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(database_url: str, folder: Path, frame: Path, contacts: Path, *extra: str, timeout: float) -> dict[str, Any]:
    out = folder / "child.json"
    out.unlink(missing_ok=True)
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "testserver",
        "CELERY_BROKER_URL": "memory://localhost/",  # tasks run eagerly, at commit (config/settings.py)
        "REDIS_URL": "",
    }
    command = [sys.executable, "-m", "bench.import_child"]
    command += ["--frame", str(frame), "--contacts", str(contacts), "--out", str(out), *extra]
    try:
        # Our own module under sys.executable, every argument ours, no shell.
        completed = subprocess.run(command, cwd=ROOT, env=env, check=False, timeout=timeout)  # nosec B603
    except subprocess.TimeoutExpired:  # the child is killed; a hung COPY, say, leaves nothing else behind
        raise SystemExit(f"the measurement took more than {timeout:g} s and was stopped: {shlex.join(command)}") from None
    if completed.returncode:
        raise SystemExit(f"the measurement failed ({completed.returncode}): {shlex.join(command)}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def progress_line(result: dict[str, Any]) -> str:
    tables = ", ".join(f"{name} {seconds:.3f}" for name, seconds in result["baseline_tables"].items())
    return (
        f"import {result['import_seconds']:.2f} s (rescore {result['rescore_seconds']:.2f} s), "
        f"baseline {result['baseline_seconds']:.2f} s ({tables})"
    )


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for item in text.lower().replace(" ", "").split(","):
        sizes.append(int(item[:-1]) * 1000 if item.endswith("k") else int(item))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive whole numbers, not {text!r}")
    return sorted(set(sizes))


def parse_databases(text: str) -> list[str]:
    databases = [item.strip() for item in text.split(",") if item.strip()]
    if unknown := [d for d in databases if d not in DATABASES]:
        raise argparse.ArgumentTypeError(f"unknown database {', '.join(unknown)}: choose from {', '.join(DATABASES)}")
    return databases


def machine(databases: list[str], server: str) -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import django

    info = {
        "CPU": cpu,
        "cores": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
    }
    if "postgresql" in databases:
        import psycopg

        try:
            with psycopg.connect(postgres_url(server), connect_timeout=5) as admin:
                row = admin.execute("SHOW server_version").fetchone()
        except psycopg.OperationalError as error:
            raise SystemExit(f"no PostgreSQL at {server} ({error}); run with --databases sqlite") from None
        info["PostgreSQL"] = f"{row[0] if row else '?'} (psycopg {psycopg.__version__})"
    info["code"] = code_version()
    return info


def code_version() -> str:
    """The commit measured, and whether the importer had uncommitted changes (it is being tuned)."""

    def git(*args: str) -> str:
        # The developer's own git from PATH, read-only subcommands with fixed arguments, no shell.
        run = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # nosec B603 B607
        return run.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "channels_app", "audit", "award", "scoring")
    return f"{commit}, with uncommitted changes in the apps" if dirty else commit


def table(measurements: list[Measurement]) -> list[str]:
    header = (
        "| database | N | import s | of which rescore s | contacts/s | baseline s | import / baseline | peak RSS MB "
        "| RSS growth MB | import ms / 1k | baseline ms / 1k | rows written (contact / answer / change) |"
    )
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    for m in measurements:
        r = m.result
        rows = " / ".join(f"{count:,}" for count in m.rows)
        lines.append(
            f"| {m.database} | {m.n:,} | {m.seconds:.2f} | {r['rescore_seconds']:.2f} | {m.n / m.seconds:,.0f} "
            f"| {m.baseline:.2f} | {m.ratio:.1f} | {r['rss_peak_mb']:.0f} | {m.rss_growth:.0f} "
            f"| {m.seconds / m.n * 1e6:.0f} | {m.baseline / m.n * 1e6:.0f} | {rows} |"
        )
    return lines


def baseline_table(measurements: list[Measurement]) -> list[str]:
    """Where the baseline's time goes: each table's statement, and the commit (PostgreSQL checks deferred FKs there)."""
    parts = list(measurements[0].result["baseline_tables"])
    lines = ["| database | N | " + " | ".join(f"{part} s" for part in parts) + " |", "|" + " --- |" * (len(parts) + 2)]
    for m in measurements:
        times = m.result["baseline_tables"]
        lines.append(f"| {m.database} | {m.n:,} | " + " | ".join(f"{times.get(part, 0):.3f}" for part in parts) + " |")
    return lines


def targets(measurements: list[Measurement]) -> list[str]:
    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = []
    wrong = "; ".join(f"{m.database} at {m.n:,}: {m.rows}, expected {m.expected}" for m in measurements if m.rows != m.expected)
    lines.append(
        "- rows written match the file (contacts, answers, one change record per contact): "
        + (f"{mark(False)} ({wrong})" if wrong else mark(True))
    )
    worst = max(measurements, key=lambda m: m.ratio)
    lines.append(
        f"- import / baseline ≤ {TARGET_RATIO:g}: {mark(worst.ratio <= TARGET_RATIO)} "
        f"(worst {worst.ratio:.1f}, {worst.database} at {worst.n:,})"
    )
    for database in dict.fromkeys(m.database for m in measurements):
        own = sorted((m for m in measurements if m.database == database), key=lambda m: m.n)
        large = [m for m in own if m.n == TARGET_LARGE_N]
        if large:
            lines.append(
                f"- {database}, {TARGET_LARGE_N:,} contacts under {TARGET_LARGE_SECONDS:g} s: "
                f"{mark(large[0].seconds < TARGET_LARGE_SECONDS)} ({large[0].seconds:.1f} s)"
            )
        if len(own) >= 2:
            big, smaller = own[-1], own[-2]
            growth = big.rss_growth / max(smaller.rss_growth, 1.0)
            verdict = (
                mark(growth <= TARGET_MEMORY_GROWTH)
                if smaller.n >= MEMORY_MIN_N
                else f"not judged (needs two sizes of at least {MEMORY_MIN_N:,}: below that one batch is the whole file)"
            )
            lines.append(
                f"- {database}, memory bounded (the import's RSS growth at {big.n:,} at most {TARGET_MEMORY_GROWTH:g}x "
                f"that at {smaller.n:,}; linear would be {big.n / smaller.n:g}x): {verdict} "
                f"({big.rss_growth:.0f} MB vs {smaller.rss_growth:.0f} MB, {growth:.1f}x)"
            )
            per_1k = [m.seconds / m.n * 1000 for m in own]
            lines.append(
                f"- {database}, linearity: import s per 1k contacts "
                + " → ".join(f"{cost:.3f} ({m.n:,})" for cost, m in zip(per_1k, own, strict=True))
            )
    return lines


def section(info: dict[str, str], command: str, measurements: list[Measurement]) -> str:
    rescored = all(m.result["rescore_runs"] >= 1 for m in measurements)
    lines = [
        "## Import",
        "",
        "`bench/bench_import.py`: `import_contacts_file` of a generated contacts.csv (the demo edition's frame, "
        f"{len(JUDGES)} judges created beforehand) against the bare driver writing the same rows, in one transaction "
        "(PostgreSQL: `COPY ... FROM STDIN` through psycopg 3; SQLite: `executemany` INSERT). Each measurement runs in "
        "its own process on a fresh database, with DEBUG off.",
        "",
        f"- date: {datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- command: `{command}`",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
        *table(measurements),
        "",
        "Import seconds are the whole call: reading and checking, the writes, the commit and, after it, the "
        "rescoring Celery runs eagerly without a broker ("
        + ("included in every row" if rescored else "**missing in some rows: no rescoring ran**")
        + "; its share is the column after). The baseline writes only the three tables' rows, not the standings. "
        "Peak RSS is the child's `ru_maxrss` after the import (migrations and the frame included); RSS growth is "
        "how much of it the import added.",
        "",
        "The baseline, by table (the commit is separate: Django's foreign keys on PostgreSQL are "
        "`DEFERRABLE INITIALLY DEFERRED`, so they are checked there):",
        "",
        *baseline_table(measurements),
        "",
        "Targets:",
        "",
        *targets(measurements),
        "",
    ]
    return "\n".join(lines)


def results_write(path: Path, text: str, title: str = "## Import") -> None:
    """Replace the section `title` of RESULTS.md (or add it), keeping the other sections."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    lines = old.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == title), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "\n".join([*lines[:start], *text.rstrip("\n").splitlines(), *([""] if end < len(lines) else []), *lines[end:]])
        new = new.rstrip("\n") + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES), help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--databases", type=parse_databases, default=parse_databases(DEFAULT_DATABASES))
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help=f"the server, without a database (default {DEFAULT_POSTGRES})"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to write the section to")
    parser.add_argument(
        "--profile", type=int, metavar="N", default=0, help="cProfile the import; print the top N (no RESULTS.md)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one measurement may take (default 1800)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # gettext in the bundle's format module

    info = machine(args.databases, args.postgres)
    folder = Path(tempfile.mkdtemp(prefix="award-bench-import-"))
    try:
        frame = frame_write(folder / "frame")
        files, answers = {}, {}
        for n in args.sizes:
            files[n] = folder / f"contacts-{n}.csv"
            answers[n] = contacts_write(files[n], frame, n)
        print(f"{len(frame.participants)} participants, {len(JUDGES)} judges; files in {folder}", file=sys.stderr)
        with fresh_database("sqlite", folder, args.postgres) as url:
            smallest = min(args.sizes)
            checked = run_child(url, folder, folder / "frame", files[smallest], "--check", timeout=args.timeout)
            if checked["counts"] != {"contacts created": smallest} or checked["new_judges"]:
                raise SystemExit(f"{files[smallest].name}: a dry run would do {checked}, not create {smallest} contacts")
            print(f"{files[smallest].name} passes a dry run: {checked['counts']}", file=sys.stderr)
        measurements = []
        extra = ("--profile", str(args.profile)) if args.profile else ()
        for database in args.databases:
            for n in args.sizes:
                print(f"{database}, {n:,} contacts ...", file=sys.stderr, flush=True)
                with fresh_database(database, folder, args.postgres) as url:
                    result = run_child(url, folder, folder / "frame", files[n], *extra, timeout=args.timeout)
                measurements.append(Measurement(database, n, result, expected=(n, answers[n], n)))
                print(f"  {progress_line(result)}", file=sys.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    command = shlex.join(["python", "-m", "bench.bench_import", *argv])
    text = section(info, command, measurements)
    print()
    print(text)
    if args.profile:
        print("(profiled: timings inflated, RESULTS.md left alone)")
    else:
        results_write(args.results, text)
        print(f"written to {args.results}")


if __name__ == "__main__":
    main()
