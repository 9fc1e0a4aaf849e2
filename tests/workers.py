"""A real Celery worker for the tests of the PostgreSQL pass: its own process and queue, reading the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.conftest import ROOT, need, on_postgres
from tests.processes import database_url


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
    # The test's own media folder too (an import job's file is read there).
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
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
