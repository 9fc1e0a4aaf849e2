"""Public pages, a badge and the results API against a trivial view on the same gunicorn, with either cache.

    PYTHONPATH=. .venv/bin/python -m bench.bench_pages [--sqlite]   # DATABASE_URL, else bench_pages on the local
                                                                    # PostgreSQL (--sqlite: a throw-away SQLite file)

Fills a migrated database once (kept for a rerun on the same DATABASE_URL): the demo edition of 2021 with its interim
and final results published, and an edition of 2020 of 100,000 contacts (bench.edition) with its final results. Then,
for the local memory cache and for Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/8, emptied first), starts
`gunicorn -w 2` with bench/settings.py (the product's settings, DEBUG off, plus /bench-trivial/), times each
address's first request (an empty cache: the page is made), then runs wrk -t2 -c16 -d5s --latency on the trivial view
and the addresses in turn (trivial, page, trivial, page, ..., trivial), each address against the mean of the trivial
runs either side of it. Prints a markdown table of requests/s and p99 of each, and their ratios (goal: at least 0.6
times the trivial view's requests/s, p99 at most 3 times its p99).
"""

from __future__ import annotations

import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404 # runs gunicorn and wrk, ours to start, with fixed arguments
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.__main__ import setup

ROOT = Path(__file__).resolve().parent.parent
DEMO_YEAR, LARGE_YEAR, LARGE_CONTACTS = 2021, 2020, 100_000
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
WRK = ["-t2", "-c16", "-d5s", "--latency"]
TRIVIAL = "/bench-trivial/"
TARGETS = {
    "home": "/",
    "results interim": f"/{DEMO_YEAR}/interim/",
    "results final": f"/{DEMO_YEAR}/final/",
    "edition page": f"/{DEMO_YEAR}/",
    "badge": f"/badges/{DEMO_YEAR}/overall.svg?lang=nb",
    "API final": f"/api/v1/editions/{DEMO_YEAR}/results/final/",
    "API final, 100k contacts": f"/api/v1/editions/{LARGE_YEAR}/results/final/",
}


@dataclass(frozen=True)
class Wrk:
    requests_per_second: float
    p99_ms: float


def populate(folder: Path) -> dict[str, float]:
    """The demo edition and the 100k edition, each published; skipped for what an earlier run left in the database."""
    from award.models import Edition
    from bench.edition import build
    from channels_app.bundle.importer import import_edition
    from demo.generate import generate_bundle
    from publications.models import Publication
    from publications.services import publication_create

    made: dict[str, float] = {}
    if not Publication.objects.filter(edition__year=DEMO_YEAR, kind="final").exists():
        generate_bundle(folder / "demo")
        import_edition(folder / "demo")
        edition = Edition.objects.get(year=DEMO_YEAR)
        publication_create(edition=edition, kind="interim")
        publication_create(edition=edition, kind="final")
    if not Publication.objects.filter(edition__year=LARGE_YEAR, kind="final").exists():
        built = build(contacts=LARGE_CONTACTS, year=LARGE_YEAR)
        started = time.perf_counter()
        publication_create(edition=Edition.objects.get(pk=built.edition_id), kind="final")
        made = {"100k build s": round(built.seconds, 1), "100k publish final s": round(time.perf_counter() - started, 1)}
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(*, redis: bool, log: Path) -> Iterator[str]:
    """gunicorn -w 2 on a free port of 127.0.0.1 with bench.settings; yields its address, stops it after."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    if redis:
        env["REDIS_URL"] = REDIS_URL
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "config.wsgi:application"]
    with log.open("ab") as err:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=err, stderr=err)  # nosec B603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + TRIVIAL)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start: see {log}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def get(url: str) -> float:
    """One GET in Norwegian; its time in ms. Anything but 200 stops the benchmark (a 404 is not a page)."""
    request = urllib.request.Request(url, headers={"Accept-Language": "nb"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # nosec B310 # our own gunicorn on 127.0.0.1
        response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
    return (time.perf_counter() - started) * 1000


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str) -> Wrk:
    out = subprocess.run(  # nosec B603 # wrk, found on PATH, against our own gunicorn
        [str(shutil.which("wrk")), *WRK, "-H", "Accept-Language: nb", url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors on {url}:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    if rps is None or p99 is None:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    return Wrk(requests_per_second=float(rps.group(1)), p99_ms=float(p99.group(1)) * UNITS[p99.group(2)])


def measure(*, redis: bool, log: Path) -> dict[str, float]:
    """Each address's first request on an empty cache, then wrk on the trivial view and the address, in turn."""
    if redis:
        import redis as redis_client

        redis_client.Redis.from_url(REDIS_URL).flushdb()
    figures: dict[str, float] = {}
    with gunicorn(redis=redis, log=log) as base:
        for name, path in TARGETS.items():
            figures[f"{name}: first request ms"] = round(get(base + path), 1)
        # trivial, page, trivial, page, ..., trivial: each page against the mean of the trivial runs either side of it,
        # which cancels some of a shared machine's drift.
        after = wrk(base + TRIVIAL)
        for name, path in TARGETS.items():
            before, page, after = after, wrk(base + path), wrk(base + TRIVIAL)
            trivial = Wrk(
                requests_per_second=round((before.requests_per_second + after.requests_per_second) / 2, 1),
                p99_ms=round((before.p99_ms + after.p99_ms) / 2, 2),
            )
            figures |= {
                f"{name}: trivial req/s": trivial.requests_per_second,
                f"{name}: req/s": page.requests_per_second,
                f"{name}: trivial p99 ms": trivial.p99_ms,
                f"{name}: p99 ms": page.p99_ms,
                f"{name}: req/s ratio": round(page.requests_per_second / trivial.requests_per_second, 2),
                f"{name}: p99 ratio": round(page.p99_ms / trivial.p99_ms, 2),
            }
    return figures


def run() -> dict[str, float | str]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    folder = setup()
    import django
    from django.db import connection

    made = populate(folder)
    connection.close()  # gunicorn's workers open their own
    figures: dict[str, float | str] = {
        "database": connection.vendor,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        **made,
    }
    for cache, redis in (("locmem", False), ("redis", True)):
        figures |= {f"{cache} {key}": value for key, value in measure(redis=redis, log=folder / "gunicorn.log").items()}
    return figures


def report(figures: dict[str, float | str], *, command: str) -> str:
    from bench.bench_import import machine

    lines = [
        "## Pages",
        "",
        f"`bench/bench_pages.py`: wrk {' '.join(WRK)} against gunicorn -w 2 (bench/settings.py, DEBUG off), each address"
        " in turn with the trivial view (`/bench-trivial/`, an HttpResponse) before and after it, against the mean of"
        " those two; on the local-memory cache and on Redis. The demo edition's interim and final results, and the final"
        " results of an edition of 100,000 contacts (`bench/edition.py`).",
        "",
        f"- date: {time.strftime('%Y-%m-%dT%H:%M%z')}",
        f"- command: `{command}`",
        f"- database: {figures['database']}",
        *(f"- {key}: {value}" for key, value in machine([], "").items()),
        "",
        "| cache | address | req/s | trivial req/s | ratio | p99 ms | trivial p99 ms | p99 ratio | first request ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    worst_ratio, worst_p99 = 1e9, 0.0
    for cache in ("locmem", "redis"):
        for name in TARGETS:
            f = {
                key.removeprefix(f"{cache} {name}: "): value
                for key, value in figures.items()
                if key.startswith(f"{cache} {name}: ")
            }
            worst_ratio, worst_p99 = min(worst_ratio, float(f["req/s ratio"])), max(worst_p99, float(f["p99 ratio"]))
            lines.append(
                f"| {cache} | {name} | {f['req/s']:,.0f} | {f['trivial req/s']:,.0f} | {f['req/s ratio']:.2f} "
                f"| {f['p99 ms']:.1f} | {f['trivial p99 ms']:.1f} | {f['p99 ratio']:.2f} | {f['first request ms']:.1f} |"
            )
    lines += [
        "",
        "Targets (issue 13):",
        "",
        f"- every address at least 0.6 times the trivial view's requests/s: {'met' if worst_ratio >= 0.6 else '**not met**'}"
        f" (worst {worst_ratio:.2f})",
        f"- p99 at most 3 times the trivial view's: {'met' if worst_p99 <= 3 else '**not met**'} (worst {worst_p99:.2f})",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    from bench.bench_import import RESULTS, results_write

    if "DATABASE_URL" not in os.environ and "--sqlite" not in sys.argv:
        # make bench: the local PostgreSQL, in a database of its own kept for the next run.
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_pages'").fetchone() is None:
                admin.execute("CREATE DATABASE bench_pages")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/bench_pages"
    figures = run()
    text = report(figures, command="python -m bench.bench_pages " + " ".join(sys.argv[1:]))
    print(text)
    results_write(RESULTS, text, title="## Pages")


if __name__ == "__main__":
    main()
