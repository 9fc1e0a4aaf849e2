"""The pipeline of docs/architecture.md: data versions, coalesced rescoring, repair, and the two paths agreeing."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.db import transaction

from audit.models import Source
from award.models import Edition
from channels_app.models import Contact, ContactStatus
from channels_app.questionnaire import question_upsert
from channels_app.services import ContactInput, contact_record
from publications.inputs import reference_results
from scoring.models import ChannelStanding, OverallStanding, ScoringState
from scoring.selectors import edition_results
from scoring.services import edition_rescore
from scoring.tasks import rescore_stale_editions
from tests.conftest import record, without_log_lines
from tests.factories import ParticipantFactory, QuestionFactory, UserFactory


def test_database_path_agrees_with_the_reference_path(mini: Edition) -> None:
    assert edition_results(edition=mini) == reference_results(edition=mini)


def test_a_burst_of_saves_gives_one_rescoring(db: None, django_capture_on_commit_callbacks: Any) -> None:
    participant = ParticipantFactory.create(channels=["phone"])
    edition = participant.edition
    QuestionFactory.create(edition=edition, key="solution", max_points=10)
    judge = UserFactory.create(username="j")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for points in range(10):
            record(edition, participant=participant, channel="phone", judge=judge, answers={"solution": points})

    # One rescoring enqueued per save (beside the security log's lines), and only the first finds anything to do: the
    # data-version check coalesces them.
    assert len(without_log_lines(callbacks)) == 10
    state = ScoringState.objects.get(edition=edition)
    assert state.runs == 1
    assert state.scored_version == Edition.objects.get(pk=edition.pk).data_version
    standing = ChannelStanding.objects.get(participant=participant)
    assert (standing.contacts, str(standing.total), standing.rank) == (10, "45.0000", 1)


def test_rescoring_twice_is_a_no_op(mini: Edition) -> None:
    runs = ScoringState.objects.get(edition=mini).runs
    edition_rescore(edition_id=mini.pk)
    edition_rescore(edition_id=mini.pk)
    assert ScoringState.objects.get(edition=mini).runs == runs


def test_beat_repairs_standings_a_lost_task_left_behind(mini: Edition) -> None:
    # A write whose rescoring task was lost: the data version moved, the standings did not.
    Contact.objects.filter(ref="P500").update(voided=True, void_reason="Lost")
    Edition.objects.filter(pk=mini.pk).update(data_version=mini.data_version + 100)
    assert ChannelStanding.objects.get(participant__name="Sixt", channel="phone").contacts == 3

    repaired = rescore_stale_editions()

    assert repaired == [mini.pk]
    assert ChannelStanding.objects.get(participant__name="Sixt", channel="phone").contacts == 2
    assert rescore_stale_editions() == []


def test_draft_counts_nowhere_until_submitted(db: None, django_capture_on_commit_callbacks: Any) -> None:
    participant = ParticipantFactory.create(channels=["phone"])
    edition = participant.edition
    QuestionFactory.create(edition=edition, key="solution", max_points=10)
    judge = UserFactory.create(username="j")
    with django_capture_on_commit_callbacks(execute=True):
        draft = record(
            edition, participant=participant, channel="phone", judge=judge, answers={"solution": 7}, status=ContactStatus.DRAFT
        )
    edition_rescore(edition_id=edition.pk)
    assert ChannelStanding.objects.get(participant=participant).contacts == 0
    assert str(draft.score) == "70.0000"

    with django_capture_on_commit_callbacks(execute=True):
        contact_record(
            edition=edition,
            ref=draft.ref,
            source=Source.COMMAND,
            data=ContactInput(
                participant=participant,
                channel="phone",
                judge=judge,
                happened_at=draft.happened_at,
                answered=True,
                handled_by="agent",
                answers={"solution": 7},
            ),
        )
    standing = ChannelStanding.objects.get(participant=participant)
    assert (standing.contacts, str(standing.total)) == (1, "70.0000")


def test_changing_a_question_maximum_rescores_stored_scores(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        question_upsert(
            edition=mini,
            channel="phone",
            key="solution",
            text="Did you get a correct and complete answer?",
            area="Solution",
            max_points=20,
            counts=True,
            position=2,
            source=Source.COMMAND,
        )
    # P001: 5 + 4 + 7 of 5 + 5 + 20 = 16/30
    assert str(Contact.objects.get(ref="P001").score) == "53.3333"
    assert edition_results(edition=mini) == reference_results(edition=mini)


def test_rescore_command(mini: Edition) -> None:
    out = io.StringIO()
    call_command("rescore", "2021", stdout=out)
    assert "Rescored 2021 at data version" in out.getvalue()
    assert OverallStanding.objects.filter(edition=mini, edition_rank=1).get().participant.name == "Sixt"
