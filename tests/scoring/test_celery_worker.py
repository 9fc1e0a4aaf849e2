"""A real Celery worker keeps the standings current through the broker (the PostgreSQL pass of CI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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
from scoring.models import ChannelStanding, ScoringState
from scoring.selectors import edition_results
from tests.conftest import ROOT, need, on_postgres


def broker_configured() -> None:
    need(
        settings.CELERY_BROKER_URL.startswith("redis://"),
        "needs a Redis broker: run with CELERY_BROKER_URL=redis://... (the PostgreSQL pass of CI)",
    )


@dataclass
class Worker:
    """A worker consuming from a queue of its own, which the test can hold back to decide what the worker finds."""

    queue: str
    name: str

    def pause(self) -> None:
        """Stop consuming: what is enqueued from now on waits in the broker."""
        from config.celery import app

        replies = app.control.cancel_consumer(self.queue, destination=[self.name], reply=True, timeout=10)
        assert replies == [{self.name: {"ok": f"no longer consuming from {self.queue}"}}], replies
        self._wait_until(consuming=False)

    def resume(self) -> None:
        from config.celery import app

        replies = app.control.add_consumer(self.queue, destination=[self.name], reply=True, timeout=10)
        assert replies == [{self.name: {"ok": f"add consumer {self.queue}"}}], replies
        self._wait_until(consuming=True)

    def _wait_until(self, *, consuming: bool) -> None:
        """The worker answers a command before it acts on it: ask until its queues say it has."""
        from config.celery import app

        deadline = time.monotonic() + 10
        while True:
            active = app.control.inspect(destination=[self.name], timeout=2).active_queues() or {}
            if (self.queue in {queue["name"] for queue in active.get(self.name, [])}) == consuming:
                return
            assert time.monotonic() < deadline, f"the worker did not {'resume' if consuming else 'pause'} within 10 s"


@pytest.fixture
def worker(transactional_db: None) -> Iterator[Worker]:
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
        yield Worker(queue=queue, name=name)
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
def test_a_real_worker_keeps_the_standings_current(worker: Worker, samples: Path) -> None:
    worker.pause()
    import_edition(samples / "mini")  # commits, then enqueues the rescoring through Redis
    edition = Edition.objects.get(year=2021)
    assert not ChannelStanding.objects.filter(edition=edition).exists()  # nothing scored in this process: it waits in the broker
    worker.resume()

    state = wait_for_standings(edition)

    assert state.runs == 1  # the import's many writes, one transaction: the rescorings they enqueued coalesce into one
    sixt = ChannelStanding.objects.get(participant__name="Sixt", channel="phone")
    assert (sixt.contacts, str(sixt.total), sixt.rank) == (3, "98.3333", 1)

    # A burst of writes, each committed on its own and enqueuing its rescoring, while the worker is held back:
    # the first rescoring the worker runs finds the last write, and the 20 after it find nothing to do.
    worker.pause()
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
    assert ScoringState.objects.get(edition=edition).runs == 1
    worker.resume()

    state = wait_for_standings(edition)

    tussa = ChannelStanding.objects.get(participant__name="Tussa", channel="phone")
    assert (tussa.contacts, tussa.unanswered, str(tussa.total)) == (23, 20, "12.6087")  # (100 + 95 + 95) / 23
    assert ChannelStanding.objects.get(participant__name="Sixt", channel="phone").contacts == 2
    assert state.runs == 2
    assert edition_results(edition=edition) == reference_results(edition=edition)


def test_worker_fixture_is_not_used_on_sqlite(db: Any) -> None:
    """The embedded default needs no worker: tasks run in-process at commit."""
    from config.celery import app

    if connection.vendor == "sqlite" and not os.environ.get("CELERY_BROKER_URL"):
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True  # the autouse fixture makes every other test eager
