"""Outages with real processes (the PostgreSQL pass of CI): Redis stopped under the workers and under a burst of saves,
and a worker killed in the middle of a rescoring. Each test starts its own Redis on a free port, its own workers and its
own beat, and stops only those (tests/processes.py).

What they hold the site to (README, "Outages"): the workers reconnect by themselves, no save that answered success is
lost or counted twice, none answers 500, and the standings are exact again within one beat period of repair.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.test import Client

from award.models import Edition
from channels_app.bundle.importer import import_edition
from channels_app.models import Contact
from publications.inputs import reference_results
from scoring.models import ScoringState
from scoring.selectors import edition_results
from scoring.tasks import rescore_edition
from tests.conftest import need, on_postgres, record
from tests.processes import Lab, Redis, answering, own_broker, scoring_held, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

REPAIR_SECONDS = 5  # beat's repair period in these tests (production: RESCORE_REPAIR_SECONDS, 60 s)


@pytest.fixture
def lab(transactional_db: None, tmp_path: Path) -> Iterator[Lab]:
    on_postgres()
    need(shutil.which("redis-server") is not None, "needs redis-server (Debian's redis-server package)")
    redis = Redis(folder=tmp_path)
    redis.start()
    lab = Lab(folder=tmp_path, redis=redis)
    try:
        with own_broker(redis.url):
            yield lab
    finally:
        lab.stop()


def exact(edition: Edition) -> bool:
    """The standings reflect the edition's latest data and equal a full recompute from the contacts."""
    state = ScoringState.objects.filter(edition=edition).first()
    current = state is not None and state.scored_version >= Edition.objects.get(pk=edition.pk).data_version
    return current and edition_results(edition=edition) == reference_results(edition=edition)


def imported(samples: Path, lab: Lab) -> Edition:
    import_edition(samples / "mini")
    edition = Edition.objects.get(year=2021)
    wait_until(lambda: exact(edition), within=60, what="the first rescoring by a worker")
    return edition


def unanswered_call(edition: Edition, n: int) -> Contact:
    judge = User.objects.get(username="judge1")
    participant = edition.participants.get(name="Tussa")
    happened_at = datetime(2021, 3, 1, 9, 0, tzinfo=UTC).replace(minute=n % 60, hour=9 + n // 60)
    return record(edition, participant=participant, channel="phone", judge=judge, happened_at=happened_at, answered=False)


def test_the_workers_reconnect_after_redis_restarts_in_the_middle_of_a_rescoring(lab: Lab, samples: Path) -> None:
    # Two workers, as a site grown past one machine runs them: with Celery 5.7.0 one of two died here ("Unrecoverable
    # error: AttributeError ... 'hostname'", closing the lost connection twice), which is why requirements.txt pins 5.6.
    workers = [lab.worker("first"), lab.worker("second")]
    lab.beat(repair_seconds=REPAIR_SECONDS)
    wait_until(lambda: answering(workers), within=60, what="both workers answering")
    edition = imported(samples, lab)

    calls = Contact.objects.filter(edition=edition, participant__name="Tussa", channel="phone").count()
    # A stream of saves, each committed with its rescoring enqueued, so that both workers are rescoring, with more
    # reserved, when Redis stops 2 s in.
    started, n = time.monotonic(), 0
    while time.monotonic() - started < 2:
        unanswered_call(edition, n)
        n += 1
        for _ in range(10):  # what other judges' saves do at the same moment: a new data version, its rescoring
            Edition.objects.filter(pk=edition.pk).update(data_version=F("data_version") + 1)
            rescore_edition.delay(edition.pk)
    assert lab.redis.queued("celery") > 0  # work still waiting in the broker
    lab.redis.stop()
    time.sleep(5)  # the rescorings under way end while Redis is down: their acknowledgements cannot reach it
    assert not answering(workers)
    lab.redis.start()
    back = time.monotonic()

    took = wait_until(lambda: answering(workers), within=30, what="both workers consuming again after Redis came back")
    assert all(worker.alive() for worker in workers), "a worker process ended"
    unanswered_call(edition, n)
    wait_until(lambda: exact(edition), within=REPAIR_SECONDS + 10, what="exact standings after the restart")
    print(f"workers answering {took:.1f} s after Redis came back, standings exact after {time.monotonic() - back:.1f} s")
    assert Contact.objects.filter(edition=edition, participant__name="Tussa", channel="phone").count() == calls + n + 1


def test_a_burst_of_saves_while_redis_is_down_loses_nothing_and_counts_nothing_twice(lab: Lab, samples: Path) -> None:
    worker = lab.worker("only")
    lab.beat(repair_seconds=REPAIR_SECONDS)
    wait_until(lambda: answering([worker]), within=60, what="the worker answering")
    edition = imported(samples, lab)
    judge = User.objects.get(username="judge1")
    participant = edition.participants.get(name="Tussa")
    before = Contact.objects.filter(edition=edition).count()
    judge_client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    judge_client.force_login(judge)

    statuses = []
    for n in range(200):
        if n == 100:
            lab.redis.stop()  # the second half of the burst is saved with the broker down
        form = {"participant": str(participant.pk), "happened_at": f"2021-03-{1 + n // 60:02}T{9 + n % 6:02}:{n % 60:02}"}
        page = judge_client.post("/work/contacts/new/?channel=phone", {**form, "_submit": ""})
        statuses.append(page.status_code)
    lab.redis.start()
    back = time.monotonic()

    assert set(statuses) == {302}, {status: statuses.count(status) for status in set(statuses)}  # each one saved, no 500
    assert Contact.objects.filter(edition=edition).count() == before + 200  # each saved once
    took = wait_until(lambda: exact(edition), within=REPAIR_SECONDS + 10, what="exact standings after Redis came back")
    print(f"standings exact {took:.1f} s after Redis came back (beat's repair every {REPAIR_SECONDS} s)")
    assert time.monotonic() - back < REPAIR_SECONDS + 10


def test_a_worker_killed_in_the_middle_of_a_rescoring_is_repaired_within_a_beat_period(lab: Lab, samples: Path) -> None:
    killed = lab.worker("killed")
    wait_until(lambda: answering([killed]), within=60, what="the worker answering")
    edition = imported(samples, lab)

    with scoring_held(edition.pk):
        unanswered_call(edition, 1)
        wait_until(lambda: lab.redis.queued("celery") == 0, within=10, what="the worker taking the rescoring")
        time.sleep(1)
        killed.kill()  # SIGKILL in the middle of the rescoring: its transaction is rolled back, its task unacknowledged
    assert not exact(edition)

    # What runs the worker (compose's restart policy, systemd's Restart=) starts it again; beat repairs the standings.
    restarted = lab.worker("restarted")
    lab.beat(repair_seconds=REPAIR_SECONDS)
    wait_until(lambda: answering([restarted]), within=60, what="the restarted worker answering")
    took = wait_until(lambda: exact(edition), within=REPAIR_SECONDS + 10, what="exact standings after the kill")
    print(f"standings exact {took:.1f} s after the new worker answered (beat's repair every {REPAIR_SECONDS} s)")
