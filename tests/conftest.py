"""Fixtures for every test: the personas of the permission tests, `client_as`, the mini sample and the layers of shared data.

Personas (each a fixture): organiser, judge, other_judge, company_user (of participant A), other_company_user
(of B), anonymous, superuser, and judge1 and judge2, the judges of the mini sample. `client_as("judge")` is a test
client logged in as one of them.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings

from audit.models import Source
from award.models import Edition, Membership, Participant
from award.roles import JUDGES, ORGANISERS, roles_ensure
from channels_app.models import Contact
from channels_app.services import ContactInput, contact_record
from tests.factories import ParticipantFactory, UserFactory
from tests.layers import BUILDERS, MADE_BY, SAMPLES, Layers, LoadedDemo, layers_of, load_demo, made_for, transactional

pytest_plugins = ["tests.workers"]  # the real Celery worker fixture of the PostgreSQL pass

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SESSION_STARTED = time.time()
DESELECTED = pytest.StashKey[dict[str, int]]()
LAYERS = pytest.StashKey[Layers]()

__all__ = ["IN_CI", "ROOT", "SAMPLES", "ClientAs", "need", "on_postgres", "record", "without_log_lines"]


class ClientAs(Protocol):
    """The type of the client_as fixture."""

    def __call__(self, persona: str | User, /, **defaults: Any) -> Client: ...


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Fast hashing: the suite logs users in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Under pytest-xdist every worker has a test database of its own (pytest-django); a Redis cache (the PostgreSQL
    # pass) gets one too, the next databases after REDIS_URL's: workers clear their cache (a FLUSHDB), which would
    # empty the other's in the middle of a test.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if worker and location.startswith("redis://"):
        base, _, db = location.rpartition("/")
        own = int(db or 0) + 1 + int(worker.removeprefix("gw"))
        if own > 15:
            raise pytest.UsageError(f"{worker} would need Redis database {own}: give REDIS_URL a lower one, or fewer workers")
        settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": f"{base}/{own}"}}


def need(condition: bool, reason: str) -> None:
    """Skip when a resource is missing on a developer's machine; fail in CI, never skip silently."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def on_postgres() -> None:
    from django.db import connection

    need(connection.vendor == "postgresql", "needs PostgreSQL: run with DATABASE_URL=postgres://... (the PostgreSQL pass of CI)")


def without_log_lines(callbacks: Iterable[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """The commit callbacks but the security log's lines waiting for the commit (audit.security.PendingLine)."""
    from audit.security import PendingLine

    return [callback for callback in callbacks if not isinstance(callback, PendingLine)]


def record(edition: Edition, *, ref: str = "", source: Source = Source.COMMAND, **fields: Any) -> Contact:
    """Record a contact through the service every way in uses."""
    fields.setdefault("happened_at", datetime.fromisoformat(f"{edition.year}-02-01T10:00:00+01:00"))
    fields.setdefault("handled_by", "agent" if fields.get("answered", True) else "")
    fields.setdefault("answered", True)
    contact, _ = contact_record(edition=edition, data=ContactInput(**fields), ref=ref, source=source)
    return contact


# Shared data (tests/layers.py) ---------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def services_missing() -> dict[str, str]:
    """marker -> why its tests cannot run here: on the embedded default there is no PostgreSQL and no broker."""
    from django.conf import settings

    missing = {}
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing["postgres"] = "PostgreSQL (DATABASE_URL=postgres://...)"
    if settings.CELERY_BROKER_URL.startswith("memory://") or "postgres" in missing:
        missing["celery_worker"] = "PostgreSQL and a broker (CELERY_BROKER_URL=redis://...)"
    return missing


def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under pytest-xdist (make test) the workers collect and deselect: each tells the controller what it left out
    (every worker collects the whole suite, so one worker's counts are the suite's)."""
    counts = getattr(node, "workeroutput", {}).get("deselected")
    if counts:
        node.config.stash[DESELECTED] = counts


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for need, n in config.stash.get(DESELECTED, {}).items():
        terminalreporter.write_line(f"Not run here: {n} test(s) that need {need}; the PostgreSQL pass of CI runs them.")
    # The browser tests' screenshots of this run (tests/browser/conftest.py), so that CI's log says where they are even
    # when the tests pass; found on disk, since under pytest-xdist the workers take them.
    saved = sorted(path for path in SCREENSHOTS.glob("*.png") if path.stat().st_mtime >= SESSION_STARTED)
    if saved:
        terminalreporter.section("browser screenshots")
        for path in saved:
            terminalreporter.write_line(str(path))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Off CI, tests that need a service missing here are deselected and counted (never skipped one by one).

    In CI they stay, and fail when the service is missing (need()). Then, in each module, the tests that read
    the same layers run one after the other, so each layer is built once.

    pytest-django has already put the tests that use the database first and the transactional ones after them;
    this keeps that order and the modules' order, and only regroups the tests of each run of one module. A run
    starts with the tests that keep most of the layers the previous run ended with.
    """
    if not IN_CI:
        missing = services_missing()
        unrunnable = [item for item in items if any(item.get_closest_marker(marker) for marker in missing)]
        if unrunnable:
            config.hook.pytest_deselected(items=unrunnable)
            items[:] = [item for item in items if item not in unrunnable]
            counts: dict[str, int] = {}
            for item in unrunnable:
                need = next(missing[marker] for marker in missing if item.get_closest_marker(marker))
                counts[need] = counts.get(need, 0) + 1
            config.stash[DESELECTED] = counts
            if hasattr(config, "workeroutput"):  # a pytest-xdist worker: for the controller's summary
                config.workeroutput["deselected"] = counts
    rank = {name: index for index, name in enumerate(BUILDERS)}

    def order(item: pytest.Item) -> list[float]:
        # The layers a test runs on; one that reads only what a layer made goes right after the tests on that layer.
        return [rank[name] for name in layers_of(item)] or [rank[name] + 0.5 for name in made_for(item)]

    def kept(item: pytest.Item, previous: tuple[str, ...]) -> int:
        """How many of the layers open after the previous run the test keeps."""
        count = 0
        for wanted, opened in zip(layers_of(item), previous, strict=False):
            if wanted != opened:
                break
            count += 1
        return count

    def sort_key(item: pytest.Item, previous: tuple[str, ...]) -> tuple[int, list[float]]:
        return -kept(item, previous), order(item)

    ordered: list[pytest.Item] = []
    previous: tuple[str, ...] = ()
    for _, run in itertools.groupby(items, key=lambda item: item.nodeid.split("::")[0]):
        chunk = list(run)
        chunk.sort(key=functools.partial(sort_key, previous=previous))
        previous = layers_of(chunk[-1])
        ordered += chunk
    items[:] = ordered


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Roll back the layers this test does not read before any of its fixtures open a transaction."""
    layers = item.config.stash.get(LAYERS, None)
    if layers is not None:
        layers.keep(layers_of(item))


@pytest.fixture(scope="session")
def _layers(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Layers]:
    layers = Layers(django_db_blocker, tmp_path_factory.mktemp("layers"))
    request.config.stash[LAYERS] = layers
    yield layers
    layers.close()
    del request.config.stash[LAYERS]


@pytest.fixture
def _shared_data(request: pytest.FixtureRequest, _layers: Layers) -> Layers:
    _layers.build(layers_of(request.node), made_for(request.node))
    return _layers


@pytest.fixture
def db(_shared_data: Layers, db: None) -> None:
    """pytest-django's `db`: the test's own savepoint, on top of the layers of shared data it asks for."""


@pytest.fixture
def transactional_db(_shared_data: Layers, transactional_db: None) -> None:
    """pytest-django's `transactional_db`: no layer is open under it (the test commits and is flushed after)."""


@pytest.fixture
def samples() -> Path:
    """tests/samples: the mini bundle and the payloads it must give (README.md there)."""
    return SAMPLES


@pytest.fixture
def mini_expected() -> dict[str, Any]:
    """The interim and final API documents of the mini sample, without published_at and digest."""
    expected: dict[str, Any] = json.loads((SAMPLES / "mini.expected.json").read_text(encoding="utf-8"))
    return expected


@pytest.fixture
def mini(db: None, _shared_data: Layers, tmp_path: Path) -> Edition:
    """The hand-made sample bundle tests/samples/mini, imported and scored: a layer, built once for many tests."""
    if "mini" not in _shared_data.names:  # no layer under this test (transactional, say): imported for it alone
        BUILDERS["mini"](tmp_path)
    return Edition.objects.get(year=2021)


@pytest.fixture
def large(db: None, _shared_data: Layers, tmp_path: Path) -> Edition:
    """An edition of 2022 with 48 participants in 8 classes and 576 contacts (the mini one: 5 and 35): a layer."""
    if "large" not in _shared_data.names:
        BUILDERS["large"](tmp_path)
    return Edition.objects.get(year=2022)


@pytest.fixture
def demo(db: None, _shared_data: Layers, tmp_path: Path) -> LoadedDemo:
    """The demo edition as `manage.py load_demo` loads it on an empty database, and what it printed: a layer."""
    if "demo" not in _shared_data.names:
        return load_demo(tmp_path)
    made: LoadedDemo = _shared_data.made("demo")
    return made


@pytest.fixture
def demo_export(db: None, _shared_data: Layers) -> LoadedDemo:
    """What loading the demo made (its export, its final digest), on an empty database: the demo layer is not open."""
    made: LoadedDemo = _shared_data.made(MADE_BY["demo_export"])
    return made


@pytest.fixture(scope="session")
def demo_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo edition's bundle as demo.generate writes it (deterministic): read it, never change it."""
    from demo.generate import generate_bundle

    folder: Path = tmp_path_factory.mktemp("demo") / "bundle"
    generate_bundle(folder)
    return folder


# Personas -----------------------------------------------------------------------------------


@pytest.fixture
def roles(request: pytest.FixtureRequest, db: None) -> None:
    """The groups Organisers and Judges with their permissions: made by a migration, gone after a transactional test's flush."""
    if transactional(request.node) or Group.objects.filter(name__in=[JUDGES, ORGANISERS]).count() != 2:
        roles_ensure()


def _staff(username: str, group: str) -> User:
    user: User = UserFactory.create(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser(roles: None) -> User:
    return _staff("organiser", ORGANISERS)


@pytest.fixture
def judge(roles: None) -> User:
    return _staff("judge", JUDGES)


@pytest.fixture
def other_judge(roles: None) -> User:
    return _staff("other_judge", JUDGES)


@pytest.fixture
def superuser(roles: None) -> User:
    """Counts as an organiser everywhere."""
    user: User = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    return user


def _mini_judge(username: str) -> User:
    judge = User.objects.get(username=username)
    judge.groups.add(Group.objects.get(name=JUDGES))
    judge.is_staff = True
    judge.save()
    return judge


@pytest.fixture
def judge1(mini: Edition, roles: None) -> User:
    """The judge of most of the mini sample's contacts (P001, ...), imported with it."""
    return _mini_judge("judge1")


@pytest.fixture
def judge2(mini: Edition, roles: None) -> User:
    """The mini sample's other judge (P002, P200, ...)."""
    return _mini_judge("judge2")


@pytest.fixture
def participant_a(db: None) -> Participant:
    participant: Participant = ParticipantFactory.create(name="Company A", channels=["phone", "chat"])
    return participant


@pytest.fixture
def participant_b(participant_a: Participant) -> Participant:
    participant: Participant = ParticipantFactory.create(name="Company B", edition=participant_a.edition, channels=["phone"])
    return participant


@pytest.fixture
def company_user(participant_a: Participant) -> User:
    user: User = UserFactory.create(username="company_a")
    Membership.objects.create(user=user, participant=participant_a)
    return user


@pytest.fixture
def other_company_user(participant_b: Participant) -> User:
    user: User = UserFactory.create(username="company_b")
    Membership.objects.create(user=user, participant=participant_b)
    return user


def company_user_of(participant: Participant, username: str = "") -> User:
    """A company user linked to the participant."""
    user: User = UserFactory.create(username=username or f"reader-{participant.pk}")
    Membership.objects.create(user=user, participant=participant)
    return user


@pytest.fixture
def sognenett(mini: Edition) -> Participant:
    return Participant.objects.get(edition=mini, name="Sognenett")


@pytest.fixture
def sognenett_reader(sognenett: Participant) -> User:
    """A company user of Sognenett in the mini sample (the dashboard's and the companies' API's tests)."""
    return company_user_of(sognenett, username="sognenett-reader")


@pytest.fixture
def anonymous() -> Client:
    """The public: nobody logged in."""
    return Client()


@pytest.fixture
def client_as(request: pytest.FixtureRequest) -> ClientAs:
    """client_as("organiser"): a test client logged in as that persona (the fixture of that name), reading English.

    client_as("anonymous") is a client with nobody logged in. A user the test made itself may be given instead of
    a name; keyword arguments are the client's defaults (client_as("judge", HTTP_ACCEPT_LANGUAGE="nb")).
    """

    def log_in(persona: str | User, /, **defaults: Any) -> Client:
        user = request.getfixturevalue(persona) if isinstance(persona, str) else persona
        client = Client(**({"HTTP_ACCEPT_LANGUAGE": "en"} | defaults))
        if not isinstance(user, Client):  # the anonymous persona is a client with nobody logged in
            client.force_login(user)
        return client

    return log_in


@pytest.fixture
def unthrottled(settings: Any) -> None:
    """The API's throttles out of the way, for a test that asks many addresses in a minute as one user (a walk)."""
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"token": None, "address": None}}


# Every test ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Tests read messages in English; pages under test choose their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Every test starts and ends with an empty cache: rolled-back tests reuse primary keys, and keys are built from them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def eager_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process in every test but those that drive a real worker through the broker."""
    from config.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    # Through Django's settings, which Celery reads when asked: Celery 5.6 finds CELERY_TASK_ALWAYS_EAGER there
    # before a value set on app.conf.
    with override_settings(CELERY_TASK_ALWAYS_EAGER=eager):
        assert app.conf.task_always_eager is eager
        yield


# Flushing past the publication triggers -----------------------------------------------------


def _flush_past_the_publication_triggers() -> None:
    """Transactional tests and live servers flush the database after them, which the triggers that keep publications
    and their frozen averages unchanged refuse (a DELETE on SQLite, a TRUNCATE on PostgreSQL). The flush alone lifts
    them and puts them back; every test still runs with them (tests/publications/test_immutable_rows.py)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from publications.triggers import FROZEN_TABLES, statements

    flush = BaseDatabaseOperations.execute_sql_flush
    tables = FROZEN_TABLES  # the publications and what is frozen with them

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        vendor = self.connection.vendor
        if vendor == "postgresql":
            before = [f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in tables]
            after = [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in tables]
        else:
            before = [sql for table in tables for sql in statements(vendor, install=False, table=table)]
            after = [sql for table in tables for sql in statements(vendor, install=True, table=table)]
        with self.connection.cursor() as cursor:
            for sql in before:
                cursor.execute(sql)
        try:
            flush(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for sql in after:
                    cursor.execute(sql)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


_flush_past_the_publication_triggers()
