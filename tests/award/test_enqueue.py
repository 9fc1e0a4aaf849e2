"""A broker that is down never turns a committed save into an error: the save answers, is kept once, and the
failure is logged for beat's repair to catch up."""

from __future__ import annotations

from typing import Any

import pytest
from kombu.exceptions import OperationalError

from award.models import Edition
from channels_app.models import Contact
from scoring.tasks import rescore_edition
from tests.conftest import ClientAs


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[tuple[Any, ...]]:
    """Tasks sent to a broker (not run in-process), every send refused as by a Redis that is down."""
    sent: list[tuple[Any, ...]] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        sent.append(kwargs.get("args") or args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.CELERY_TASK_ALWAYS_EAGER = False  # Celery reads it from Django's settings (tests/conftest.py, eager_tasks)
    monkeypatch.setattr(rescore_edition, "apply_async", refuse)
    return sent


def test_a_contact_saved_while_the_broker_is_down_answers_and_is_kept_once(
    mini: Edition,
    judge1: Any,
    client_as: ClientAs,
    broker_down: list[tuple[Any, ...]],
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from channels_app.models import Participant

    tussa = Participant.objects.get(edition=mini, name="Tussa")
    form = {
        "participant": str(tussa.pk),
        "happened_at": "2021-03-02T10:05",
        "answered": "on",
        "wait": "1:10",
        "q_wait": "5",
        "q_greeting": "4",
        "q_solution": "7",
        "q_feeling": "na",
        "_submit": "",
    }
    before = Contact.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("judge1").post("/work/contacts/new/?channel=phone", form)
    assert response.status_code == 302  # the judge is told it was saved
    assert Contact.objects.count() == before + 1
    assert broker_down == [(mini.pk,)]  # the rescoring was asked for, and refused
    assert "Could not enqueue scoring.tasks.rescore_edition" in caplog.text and "beat's repair" in caplog.text
