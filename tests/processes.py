"""Real processes for the outage tests: a Redis of the test's own on a free port, Celery workers and a beat against it.

Each is started by the test and stopped by its process id (its own process group for Celery, whose pool has children),
so nothing the machine runs otherwise is touched.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import override_settings

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Any, *, within: float, what: str, every: float = 0.1) -> float:
    """Poll `condition()` until it is true; the seconds it took. Fails naming `what` when `within` passes first."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"{what}: not within {within} s"
        time.sleep(every)
    return time.monotonic() - started


@dataclass
class Redis:
    """A redis-server on a free port with its append-only file in `folder`, as compose runs it: a restart keeps the queue."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(self.answers, within=10, what=f"redis-server on port {self.port} answering")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def queued(self, queue: str) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(f"LLEN {queue}\r\n".encode())
            return int(conn.recv(64).decode().strip().lstrip(":"))


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Celery:
    """A `celery -A config worker|beat` process reading the test database, in a process group of its own."""

    name: str
    process: subprocess.Popen[str]
    log: Path

    @classmethod
    def start(
        cls, kind: str, name: str, *, broker: str, folder: Path, args: list[str], env: dict[str, str] | None = None
    ) -> Celery:
        log = folder / f"{name}.log"
        environment = os.environ | {
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **(env or {}),
        }
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", kind, *args, "--loglevel=INFO"],
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,  # its own process group: the pool's children are stopped with it
            )
        return cls(name=name, process=process, log=log)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, the whole group: what an out-of-memory kill or a pulled plug does to a worker and its pool."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text()[-5000:]


def start_worker(name: str, *, broker: str, folder: Path) -> Celery:
    """A worker as compose runs one (the prefork pool, two processes), named `name@<host>`."""
    node = f"{name}@{socket.gethostname()}"
    return Celery.start("worker", node, broker=broker, folder=folder, args=["-n", node, "--concurrency=2"])


def start_beat(*, broker: str, folder: Path, repair_seconds: int) -> Celery:
    """Beat with its repair every `repair_seconds` (RESCORE_REPAIR_SECONDS)."""
    args = ["--schedule", str(folder / "celerybeat-schedule")]
    env = {"RESCORE_REPAIR_SECONDS": str(repair_seconds)}
    return Celery.start("beat", "beat", broker=broker, folder=folder, args=args, env=env)


def answering(workers: list[Celery]) -> bool:
    """Every worker answers a ping through the broker: it is connected and consuming."""
    from config.celery import app

    try:
        replies = app.control.ping(destination=[worker.name for worker in workers], timeout=1)
    except Exception:  # the broker is down: nobody answers
        return False
    return {name for reply in replies or [] for name in reply} == {worker.name for worker in workers}


@contextmanager
def own_broker(url: str) -> Iterator[None]:
    """This process's Celery app sends to `url` instead of the configured broker, and is not eager, for the test.

    The read and write URLs, which Celery prefers to the broker's URL and which nothing else sets (CELERY_BROKER_URL
    in the environment would win over a changed broker_url); eagerness through Django's settings (tests/conftest.py).
    """
    from config.celery import app

    def reconnect() -> None:
        # Celery has no public way to move a running app to another broker: what it does after a fork (celery.app.base
        # Celery._after_fork) is to drop its connection and producer pools, which are then found again for the settings'
        # broker (kombu keeps one pool per broker, open: closing it would close it for every later user too).
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]

    app.conf.update(broker_write_url=url, broker_read_url=url)
    reconnect()
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            assert app.connection_for_write().as_uri().endswith(f"127.0.0.1:{url.rsplit(':', 1)[1]}")
            yield
    finally:
        app.conf.update(broker_write_url=None, broker_read_url=None)
        reconnect()


@dataclass
class Lab:
    """An outage test's own Redis and the Celery processes it started against it."""

    folder: Path
    redis: Redis
    started: list[Celery] = field(default_factory=list)

    def worker(self, name: str) -> Celery:
        worker = start_worker(name, broker=self.redis.url, folder=self.folder)
        self.started.append(worker)
        return worker

    def beat(self, *, repair_seconds: int) -> Celery:
        beat = start_beat(broker=self.redis.url, folder=self.folder, repair_seconds=repair_seconds)
        self.started.append(beat)
        return beat

    def stop(self) -> None:
        for process in self.started:
            print(f"--- {process.name}\n{process.output()}")  # shown by pytest when the test failed
            process.stop()
        self.redis.stop()


@contextmanager
def scoring_held(edition_id: int) -> Iterator[None]:
    """Hold the edition's rescoring lock from another connection: a rescoring that starts now waits until the block ends,
    which keeps it running for as long as the test needs."""
    import psycopg

    with psycopg.connect(database_url(), autocommit=False) as held:
        held.execute("SELECT 1 FROM scoring_scoringstate WHERE edition_id = %s FOR UPDATE", [edition_id])
        yield
        held.rollback()
