from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from audit.models import Source
from award.models import Edition, Membership
from award.roles import JUDGES, ORGANISERS, roles_ensure
from channels_app.bundle.importer import import_edition
from channels_app.services import ContactInput, contact_record
from tests.factories import ParticipantFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
SAMPLES = SHARED / "samples"
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Fast hashing: the suite logs users in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def need(condition: bool, reason: str) -> None:
    """Skip when a resource is missing on a developer's machine; fail in CI, never skip silently."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture
def samples() -> Path:
    need((SAMPLES / "mini").is_dir(), f"the shared samples are not at {SAMPLES}")
    return SAMPLES


@pytest.fixture
def mini(db: None, samples: Path, django_capture_on_commit_callbacks: Any) -> Edition:
    """The hand-made sample bundle of ../shared/samples/mini, imported and scored."""
    with django_capture_on_commit_callbacks(execute=True):
        import_edition(samples / "mini")
    return Edition.objects.get(year=2021)


@pytest.fixture
def roles(db: None) -> None:
    roles_ensure()


@pytest.fixture
def organiser(roles: None) -> Any:
    user = UserFactory(username="organiser", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


@pytest.fixture
def judge(roles: None) -> Any:
    user = UserFactory(username="judge", is_staff=True)
    user.groups.add(Group.objects.get(name=JUDGES))
    return user


@pytest.fixture
def other_judge(roles: None) -> Any:
    user = UserFactory(username="other_judge", is_staff=True)
    user.groups.add(Group.objects.get(name=JUDGES))
    return user


@pytest.fixture
def participant_a(db: None) -> Any:
    return ParticipantFactory(name="Company A", channels=["phone", "chat"])


@pytest.fixture
def participant_b(participant_a: Any) -> Any:
    return ParticipantFactory(name="Company B", edition=participant_a.edition, channels=["phone"])


@pytest.fixture
def company_user(participant_a: Any) -> Any:
    user = UserFactory(username="company_a")
    Membership.objects.create(user=user, participant=participant_a)
    return user


@pytest.fixture
def other_company_user(participant_b: Any) -> Any:
    user = UserFactory(username="company_b")
    Membership.objects.create(user=user, participant=participant_b)
    return user


@pytest.fixture
def anonymous() -> Client:
    return Client()


def record(edition: Edition, *, ref: str = "", source: Source = Source.COMMAND, **fields: Any) -> Any:
    """Record a contact through the service every way in uses."""
    fields.setdefault("happened_at", datetime.fromisoformat(f"{edition.year}-02-01T10:00:00+01:00"))
    fields.setdefault("handled_by", "agent" if fields.get("answered", True) else "")
    fields.setdefault("answered", True)
    contact, _ = contact_record(edition=edition, data=ContactInput(**fields), ref=ref, source=source)
    return contact


@pytest.fixture(autouse=True)
def english() -> Any:
    """Tests read messages in English; pages under test choose their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Every test starts and ends with an empty cache: rolled-back tests reuse primary keys, and keys are built from them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def eager_tasks(request: pytest.FixtureRequest) -> Any:
    """Tasks run in-process in every test but those that drive a real worker through the broker."""
    from config.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


def on_postgres() -> None:
    from django.db import connection

    need(connection.vendor == "postgresql", "needs PostgreSQL: run with DATABASE_URL=postgres://... (the PostgreSQL pass of CI)")
