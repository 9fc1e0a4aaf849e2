"""The data version: one step per write, or one per batch of writes (an import), and a rescoring enqueued for each step."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from award.models import Edition
from award.services import edition_changes_batched, edition_data_changed
from channels_app.bundle.importer import import_edition
from scoring.models import ScoringState
from tests.conftest import without_log_lines
from tests.factories import EditionFactory
from tests.layers import SAMPLES


def test_an_import_is_one_step_and_one_rescoring(db: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_edition(SAMPLES / "mini")  # 35 contacts, 5 participants, 9 questions

    edition = Edition.objects.get(year=2021)
    state = ScoringState.objects.get(edition=edition)
    assert (edition.data_version, len(without_log_lines(callbacks)), state.runs, state.scored_version) == (1, 1, 1, 1)


def test_outside_a_batch_every_write_is_a_step(db: None, django_capture_on_commit_callbacks: Any) -> None:
    edition = EditionFactory.create()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            edition_data_changed(edition_id=edition.pk)
    assert (Edition.objects.get(pk=edition.pk).data_version, len(callbacks)) == (3, 3)


def test_a_batch_bumps_each_edition_once_and_nothing_when_it_raises(db: None, django_capture_on_commit_callbacks: Any) -> None:
    first, second = EditionFactory.create(), EditionFactory.create()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic(), edition_changes_batched():
        for edition in (first, second, first, first):
            edition_data_changed(edition_id=edition.pk)
        with edition_changes_batched():  # a batch inside a batch is part of it
            edition_data_changed(edition_id=second.pk)
    assert [Edition.objects.get(pk=e.pk).data_version for e in (first, second)] == [1, 1]
    assert len(callbacks) == 2

    with pytest.raises(RuntimeError), transaction.atomic(), edition_changes_batched():
        edition_data_changed(edition_id=first.pk)
        raise RuntimeError("a bad row")
    assert Edition.objects.get(pk=first.pk).data_version == 1
    edition_data_changed(edition_id=first.pk)  # and the next write outside a batch is a step again
    assert Edition.objects.get(pk=first.pk).data_version == 2
