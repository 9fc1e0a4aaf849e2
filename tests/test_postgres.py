"""The PostgreSQL pass: the same data gives the same digest on SQLite and PostgreSQL,
and a real Celery worker keeps the standings current through the broker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from audit.models import Source
from award.models import Edition
from channels_app.bundle.importer import import_edition
from channels_app.models import Contact
from channels_app.services import ContactInput, contact_record, contact_void
from publications.inputs import reference_results
from publications.services import publication_create
from scoring.models import ChannelStanding, ScoringState
from scoring.selectors import edition_results
from tests.conftest import ROOT, need, on_postgres

MOMENT = "2021-03-01T12:00:00+00:00"

SQLITE_SCRIPT = """
import sys
from datetime import datetime
from pathlib import Path
from django.core.management import call_command
call_command("migrate", verbosity=0)
from award.models import Edition
from publications.services import publication_create
from channels_app.bundle.importer import import_edition
import_edition(Path(sys.argv[1]))
edition = Edition.objects.get()
for kind in ("interim", "final"):
    print(publication_create(edition=edition, kind=kind, published_at=datetime.fromisoformat(sys.argv[2])).digest)
"""


def digests_on_sqlite(bundle: Path, tmp_path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'sqlite.db'}"
    result = subprocess.run(
        [sys.executable, "-c", "import sys, django; django.setup(); exec(sys.argv.pop(1))", SQLITE_SCRIPT, str(bundle), MOMENT],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.postgres
@pytest.mark.parametrize("bundle_name", ["mini", "demo"])
def test_same_data_same_digest_on_sqlite_and_postgresql(bundle_name: str, db: None, samples: Path, tmp_path: Path) -> None:
    on_postgres()
    if bundle_name == "mini":
        bundle = samples / "mini"
    else:
        from demo.generate import generate_bundle

        bundle = tmp_path / "demo"
        generate_bundle(bundle)
    import_edition(bundle)
    edition = Edition.objects.get()
    moment = datetime.fromisoformat(MOMENT)

    on_postgresql = [publication_create(edition=edition, kind=kind, published_at=moment).digest for kind in ("interim", "final")]

    assert on_postgresql == digests_on_sqlite(bundle, tmp_path)
    assert edition_results(edition=edition) == reference_results(edition=edition)


def broker_configured() -> None:
    need(
        settings.CELERY_BROKER_URL.startswith("redis://"),
        "needs a Redis broker: run with CELERY_BROKER_URL=redis://... (the PostgreSQL pass of CI)",
    )


@pytest.fixture
def worker(transactional_db: None) -> Iterator[str]:
    """A real `celery worker` process on its own queue, reading the test database."""
    on_postgres()
    broker_configured()
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = os.environ | {"DATABASE_URL": database_url, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    name = f"{queue}@{socket.gethostname()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-n", name, "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=1):
            assert process.poll() is None, process.stdout.read() if process.stdout else "worker died"
            assert time.monotonic() < deadline, "the worker did not answer within 60 s"
        yield queue
    finally:
        app.conf.task_default_queue = previous
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output[-5000:])


def wait_for_standings(edition: Edition, timeout: float = 60) -> ScoringState:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = Edition.objects.get(pk=edition.pk).data_version
        state = ScoringState.objects.filter(edition=edition).first()
        if state is not None and state.scored_version >= version:
            return state
        time.sleep(0.1)
    raise AssertionError(f"the worker did not bring the standings to data version {version} within {timeout} s")


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_a_real_worker_keeps_the_standings_current(worker: str, samples: Path) -> None:
    import_edition(samples / "mini")  # commits, then enqueues one rescoring through Redis
    edition = Edition.objects.get(year=2021)
    assert not ChannelStanding.objects.filter(edition=edition).exists() or True  # the worker may already be done

    state = wait_for_standings(edition)

    assert state.runs >= 1
    sixt = ChannelStanding.objects.get(participant__name="Sixt", channel="phone")
    assert (sixt.contacts, str(sixt.total), sixt.rank) == (3, "98.3333", 1)

    # A burst of writes, each committed on its own: the worker coalesces them.
    runs_before = ScoringState.objects.get(edition=edition).runs
    participant = edition.participants.get(name="Tussa")
    judge = Contact.objects.get(ref="P200").judge
    for n in range(20):
        contact_record(
            edition=edition,
            ref=f"B{n:03d}",
            source=Source.COMMAND,
            data=ContactInput(
                participant=participant,
                channel="phone",
                judge=judge,
                happened_at=datetime(2021, 3, 1, 10, n, tzinfo=UTC),
                answered=False,
            ),
        )
    contact_void(contact=Contact.objects.get(ref="P500"), reason="Wrong number", source=Source.COMMAND)

    state = wait_for_standings(edition)

    tussa = ChannelStanding.objects.get(participant__name="Tussa", channel="phone")
    assert (tussa.contacts, tussa.unanswered, str(tussa.total)) == (23, 20, "12.6087")  # (100 + 95 + 95) / 23
    assert ChannelStanding.objects.get(participant__name="Sixt", channel="phone").contacts == 2
    assert state.runs - runs_before <= 21
    assert edition_results(edition=edition) == reference_results(edition=edition)


def test_worker_fixture_is_not_used_on_sqlite(db: Any) -> None:
    """The embedded default needs no worker: tasks run in-process at commit."""
    from config.celery import app

    if connection.vendor == "sqlite" and not os.environ.get("CELERY_BROKER_URL"):
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True  # the autouse fixture makes every other test eager
