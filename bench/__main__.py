"""Benchmarks, side by side in one run (timings on a shared machine are noisy, ratios less so).

    make bench

Loads the demo edition into a throw-away SQLite database (or DATABASE_URL when
set), then measures:
- a full rescoring (set-based SQL path) against the reference path (contact by
  contact from the raw answers), and a publication;
- the admin's contact changelist with the demo's 1,208 contacts and again with
  100,000: time and query count of each, and their ratio.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def setup() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="award-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return folder


def bench_scoring(folder: Path) -> None:
    import django

    from award.models import Edition
    from channels_app.bundle.importer import import_edition
    from channels_app.models import Contact
    from demo.generate import generate_bundle
    from publications.inputs import reference_results
    from publications.services import publication_create
    from scoring.services import edition_rescore

    generate_bundle(folder / "demo")
    started = time.perf_counter()
    import_edition(folder / "demo")
    import_seconds = time.perf_counter() - started
    edition = Edition.objects.get(year=2021)
    contacts = Contact.objects.filter(edition=edition).count()

    repeat = 15
    rescore = timed(lambda: edition_rescore(edition_id=edition.pk, force=True), repeat)
    reference = timed(lambda: reference_results(edition=edition), repeat)
    publish = timed(lambda: publication_create(edition=edition, kind="interim"), 5)

    rescore_ms, reference_ms = statistics.median(rescore) * 1000, statistics.median(reference) * 1000
    print(f"database: {django.db.connection.vendor}; demo edition: {contacts} contacts; import {import_seconds:.2f} s")
    print(f"rescore (set-based SQL)        median {rescore_ms:8.1f} ms  min {min(rescore) * 1000:8.1f} ms  ({repeat} runs)")
    print(f"reference (contact by contact) median {reference_ms:8.1f} ms  min {min(reference) * 1000:8.1f} ms  ({repeat} runs)")
    print(f"publish interim                median {statistics.median(publish) * 1000:8.1f} ms  (5 runs)")
    print(f"ratio reference / rescore: {reference_ms / rescore_ms:.1f}x")


def changelist(client: object, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(5):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            times.append(time.perf_counter() - started)
        if response.status_code != 200:  # not an assert: python -O would time error pages
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times), len(queries.captured_queries)


def bench_changelist() -> None:
    """The contact changelist must stay fast and its query count flat at 100,000 contacts."""
    import random

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from award.models import Edition
    from channels_app.models import Contact

    edition = Edition.objects.get(year=2021)
    # Not a secret: a user of the throwaway benchmark database, logged in with force_login.
    users = get_user_model().objects
    admin_user = users.create_superuser("bench-admin", password="bench-admin-password")  # nosec B106
    client = Client()
    client.force_login(admin_user)
    urls = {
        "first page": "/admin/channels_app/contact/",
        "filtered (phone, submitted)": "/admin/channels_app/contact/?channel__exact=phone&status__exact=submitted",
        "filtered by month": "/admin/channels_app/contact/?month=2021-02",
        "searched": "/admin/channels_app/contact/?q=Sognenett",
    }
    small = {name: changelist(client, url) for name, url in urls.items()}

    existing = list(
        Contact.objects.filter(edition=edition).values("participant_id", "channel", "judge_id", "answered", "handled_by")
    )
    rng = random.Random(2021)  # nosec B311 # seeded on purpose: the same synthetic contacts every run
    start = timezone.now()
    rows = []
    for n in range(100_000 - len(existing)):
        template = rng.choice(existing)
        rows.append(
            Contact(
                edition=edition,
                ref=f"BENCH{n:06d}",
                happened_at=start - timedelta(minutes=n),
                status="submitted",
                score=0 if not template["answered"] else rng.randint(0, 100),
                **template,
            )
        )
    Contact.objects.bulk_create(rows, batch_size=5000)
    total = Contact.objects.count()
    large = {name: changelist(client, url) for name, url in urls.items()}

    print(f"admin contact changelist, median of 5 (1,208 vs {total:,} contacts):")
    for name in urls:
        (t1, q1), (t2, q2) = small[name], large[name]
        print(f"  {name:<28} {t1 * 1000:7.1f} ms {q1:3d} queries | {t2 * 1000:7.1f} ms {q2:3d} queries | time x{t2 / t1:.1f}")


def main() -> None:
    folder = setup()
    bench_scoring(folder)
    bench_changelist()


if __name__ == "__main__":
    main()
