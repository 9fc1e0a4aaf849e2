"""A real Celery worker keeps the standings current through the broker (the PostgreSQL pass of CI)."""

from __future__ import annotations

import os
import time
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
from tests.workers import Worker


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
