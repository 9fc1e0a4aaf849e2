"""Freshness: from a judge's saved contact to standings that include it, with a real Celery worker, on PostgreSQL.

    .venv/bin/python -m bench.bench_freshness [--sizes 4900,1000000] [--saves 30]

For each size, on the edition bench/bench_scoring.py keeps (bench_edition_N, built when missing): a Redis of its own
on a free port (stopped afterwards, by its process id), a `celery worker` reading that edition's database, then
`--saves` times: one contact changed through `contact_record` (the service every way in uses, which bumps the data
version and enqueues a rescoring when its transaction commits), timed from just before that commit until the
edition's ScoringState reports the new data version (polled every 2 ms). The p50 and p95 of those seconds are the
freshness a judge and an organiser see.

The table goes to stdout and, as the section "Freshness", to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess  # nosec B404 # our own redis-server and celery worker, fixed arguments
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.bench_import import DEFAULT_POSTGRES, RESULTS, machine, results_write
from bench.bench_scoring import _ensure_database, child_json, database_url
from bench.import_child import ROOT

DEFAULT_SIZES = "4900,1000000"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def measure(size: int, saves: int, server: str) -> dict[str, Any]:
    """One size, in a child process of its own (Django reads its database settings once per process)."""
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is not installed (apt-get install -y redis-server)")
    _ensure_database("postgresql", size, server)
    port = _free_port()
    redis = subprocess.Popen(  # nosec B603 # the installed redis-server, fixed arguments
        [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        environment = os.environ | {
            "DATABASE_URL": database_url("postgresql", size, server),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
            "REDIS_URL": f"redis://127.0.0.1:{port}/1",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "testserver",
        }
        return child_json("bench.bench_freshness", ["--child", str(size), "--saves", str(saves)], environment)
    finally:
        _stop(redis)


def child(size: int, saves: int) -> dict[str, Any]:
    import json  # noqa: F401 # the parent reads the last line as JSON

    from bench.bench_scoring import _edition, _setup

    _setup()
    from django.db import transaction

    from audit.models import Source
    from award.models import Edition
    from bench.edition import answers_changed
    from channels_app.models import Answer, Contact
    from channels_app.services import contact_record
    from scoring.models import ScoringState
    from scoring.services import edition_rescore

    edition_id, _ = _edition(size)
    edition = Edition.objects.get(pk=edition_id)
    edition_rescore(edition_id=edition_id)  # the standings current before the first save
    contact = Contact.objects.filter(edition=edition, channel="phone", answered=True).select_related("participant").first()
    if contact is None:
        raise SystemExit("the bench edition has no answered phone contact")
    keys = list(
        Answer.objects.filter(contact=contact).order_by("question__position").values_list("question__key", "question__max_points")
    )
    worker = subprocess.Popen(  # nosec B603 # our own interpreter and celery, fixed arguments
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING", "-n", f"bench-{size}@%h"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from config.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the Celery worker did not start")
        seconds = []
        for n in range(saves + 2):  # the first two warm the worker up and are not counted
            answers: dict[str, int | None] = {
                key: (maximum if (n + position) % 2 else 0) for position, (key, maximum) in enumerate(keys)
            }
            data = answers_changed(contact, answers)
            with transaction.atomic():
                contact_record(edition=edition, data=data, ref=contact.ref, source=Source.COMMAND)
                started = time.perf_counter()  # the commit and the rescoring it enqueues, both counted
            target = Edition.objects.values_list("data_version", flat=True).get(pk=edition_id)
            while not ScoringState.objects.filter(edition_id=edition_id, scored_version__gte=target).exists():
                if time.perf_counter() - started > 120:
                    raise SystemExit("no rescoring within 120 s: is the worker running?")
                time.sleep(0.002)
            if n >= 2:
                seconds.append(time.perf_counter() - started)
            time.sleep(0.2)  # a judge saves now and then, not in a burst (a burst coalesces, which is faster)
    finally:
        _stop(worker)
    return {
        "contacts": size,
        "saves": saves,
        "p50_ms": statistics.median(seconds) * 1000,
        "p95_ms": _percentile(seconds, 0.95) * 1000,
        "max_ms": max(seconds) * 1000,
    }


def run(*, sizes: Sequence[int], saves: int, server: str = DEFAULT_POSTGRES) -> dict[str, Any]:
    rows = []
    for size in sizes:
        row = measure(size, saves, server)
        print(f"postgresql {size:>9,}: p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms ({saves} saves)", flush=True)
        rows.append(row)
    return {"rows": rows}


def report(result: dict[str, Any], *, command: str, server: str) -> str:
    lines = [
        "## Freshness",
        "",
        "`bench/bench_freshness.py`: a contact changed through `contact_record`, timed from its commit until the"
        " edition's standings include it, with a real Celery worker (`--pool=solo`) on a Redis of its own, on"
        " PostgreSQL; one save every 0.2 s after two not counted.",
        "",
        f"- date: {datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- command: `{command}`",
        *(f"- {key}: {value}" for key, value in machine(["postgresql"], server).items()),
        "",
        "| database | contacts | saves | p50 ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in result["rows"]:
        lines.append(
            f"| postgresql | {row['contacts']:,} | {row['saves']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['max_ms']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    import json

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.bench_freshness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        print(json.dumps(child(arguments.child, arguments.saves)))
        return
    result = run(sizes=[int(size) for size in arguments.sizes.split(",")], saves=arguments.saves, server=arguments.postgres)
    command = ("python -m bench.bench_freshness " + " ".join(argv)).strip()
    text = report(result, command=command, server=arguments.postgres)
    print(text)
    results_write(arguments.results, text, title="## Freshness")


if __name__ == "__main__":
    main()
