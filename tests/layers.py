"""Data that many tests read, built once and rolled back at the end: layers of the test database.

Importing the mini sample for each of a few hundred tests would cost most of the suite's time, so the data
is built once and kept in an open transaction (an atomic block entered with django_db_blocker unblocked); each
test runs in its own savepoint on top of it (pytest-django's `db` nests its atomic block inside ours), and
whatever the test writes is rolled back at its end. Published publications cannot be changed or deleted, but
rolling back their transaction undoes them like any other row.

A layer is asked for by a fixture of the same name (`mini`, `large`, `demo`). Before each test the open layers
are made to match what the test asks for: those it does not ask for are rolled back, the missing ones are built.
Tests that use no layer find an empty database. Transactional tests (live_server, browser, celery_worker)
commit and flush, so they never run inside a layer: the fixtures build the data for them alone.

What building a layer made besides rows (files, printed output, a digest) outlives its rollback: a test that
reads only that (`demo_export`) runs on an empty database. tests/conftest.py orders the tests of each module so
that those asking for the same layer run together, and those reading what it made right after them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, override_settings

from award.models import Edition
from channels_app.bundle.export import export_edition
from channels_app.bundle.importer import import_edition
from publications.payload import canonical_json, digest_of, final_payload
from scoring.selectors import edition_results
from tests.bundles import write_bundle

SAMPLES = Path(__file__).resolve().parent / "samples"
DEMO_FINAL_AT = datetime(2021, 3, 1, 12, tzinfo=UTC)


@contextmanager
def scored() -> Iterator[None]:
    """Tasks run in-process and the rescorings enqueued at commit run at the end, as after a real commit."""
    # Through Django's settings, which Celery reads when asked (tests/conftest.py, eager_tasks). The callbacks stay
    # registered with the layer's transaction, which never commits: they run here only.
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True), TestCase.captureOnCommitCallbacks(execute=True):
        yield


def import_mini(folder: Path) -> None:
    """tests/samples/mini: edition 2021, 5 participants, 35 contacts (README.md there)."""
    with scored():
        import_edition(SAMPLES / "mini")


def import_large(folder: Path) -> None:
    """An edition of 2022 with 48 participants in 8 classes and 576 contacts."""
    with scored():
        import_edition(write_bundle(folder / "large", year=2022, classes=8, per_class=6))


@dataclass(frozen=True)
class LoadedDemo:
    """What `manage.py load_demo` printed on an empty database, and what the edition it loaded gives."""

    output: str
    export: Path  # the edition exported right after loading: a bundle of docs/bundle-format.md
    final_digest: str  # the digest of its final results, published at DEMO_FINAL_AT


def load_demo(folder: Path) -> LoadedDemo:
    """The demo edition as `make demo` loads it: 48 participants, 1208 contacts, the interim results published."""
    out = io.StringIO()
    # Its ~1250 rescorings enqueued for a commit that never comes are not run: publishing rescored the edition.
    call_command("load_demo", stdout=out)
    edition = Edition.objects.get(year=2021)
    export_edition(edition=edition, path=folder / "export")
    final = final_payload(edition_results(edition=edition), published_at=DEMO_FINAL_AT)
    return LoadedDemo(output=out.getvalue(), export=folder / "export", final_digest=digest_of(canonical_json(final)))


# In the order they are stacked when a test asks for several.
BUILDERS: dict[str, Callable[[Path], Any]] = {"mini": import_mini, "large": import_large, "demo": load_demo}
# Fixtures that read only what a layer made, on an empty database: fixture -> layer.
MADE_BY: dict[str, str] = {"demo_export": "demo"}


def transactional(item: pytest.Item) -> bool:
    """Whether the test commits (and is flushed after), or opens its own atomic block before any fixture of ours."""
    names = getattr(item, "fixturenames", ())
    committing = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
    return item.get_closest_marker("django_db") is not None or not committing.isdisjoint(names)


def layers_of(item: pytest.Item) -> tuple[str, ...]:
    """The layers a test runs on: those it asks for by name, none for a transactional test."""
    names = getattr(item, "fixturenames", ())
    return () if transactional(item) else tuple(name for name in BUILDERS if name in names)


def made_for(item: pytest.Item) -> tuple[str, ...]:
    """The layers whose products (not rows) a test reads."""
    names = getattr(item, "fixturenames", ())
    return tuple(dict.fromkeys(layer for fixture, layer in MADE_BY.items() if fixture in names))


class Layers:
    """The layers open on the default database, bottom first, and what building each made."""

    def __init__(self, blocker: Any, folder: Path) -> None:
        self._blocker = blocker
        self._folder = folder
        self._open: list[tuple[str, transaction.Atomic]] = []
        self._made: dict[str, Any] = {}
        self._built = 0

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._open)

    def made(self, name: str) -> Any:
        """What building the layer returned (its last build)."""
        return self._made[name]

    def keep(self, wanted: tuple[str, ...]) -> None:
        """Roll back every open layer above the longest common start of the open ones and the wanted ones."""
        common = 0
        while common < min(len(self._open), len(wanted)) and self._open[common][0] == wanted[common]:
            common += 1
        while len(self._open) > common:
            self._pop()

    def build(self, wanted: tuple[str, ...], made: tuple[str, ...] = ()) -> None:
        """Open exactly the wanted layers, building the missing ones; first make, on an empty database, what has not been."""
        missing = [name for name in made if name not in self._made and name not in wanted]
        if missing:
            self.keep(())
            for name in missing:
                self._push(name)
                self._pop()
        self.keep(wanted)
        for name in wanted[len(self._open) :]:
            self._push(name)

    def close(self) -> None:
        self.keep(())

    def _push(self, name: str) -> None:
        if len(connection.atomic_blocks) != len(self._open):
            raise RuntimeError(f"another atomic block is open: cannot build the layer {name!r} under it")
        with self._blocker.unblock():
            atomic = transaction.atomic()
            # Marked like the test case's own blocks, so that a durable block inside it is allowed: Django's own flag.
            atomic._from_testcase = True  # type: ignore[attr-defined]
            atomic.__enter__()
            self._built += 1
            folder = self._folder / f"{name}-{self._built}"
            folder.mkdir(parents=True)
            try:
                self._made[name] = BUILDERS[name](folder)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
            self._open.append((name, atomic))
            from django.core.cache import cache

            cache.clear()  # every test starts with an empty cache, whether or not it built the layer

    def _pop(self) -> None:
        _, atomic = self._open.pop()
        with self._blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
