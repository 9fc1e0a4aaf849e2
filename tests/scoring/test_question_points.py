"""The points per participant and question (scoring.points): after every way of writing, what the rescoring keeps
equals a full rebuild from the answers, and the field's sums read from it equal the old scan of every answer.

The references are here, in the tests only: the GROUP BY over the answers that field_sums and the dashboard ran before
the table existed. Run on SQLite here and on PostgreSQL in CI's second pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings

from audit.models import Source
from award.models import Edition, Participant
from award.services import edition_changes_batched, edition_data_changed, participant_remove, participant_upsert
from channels_app.bundle.importer import import_contacts_content
from channels_app.models import Answer, Contact, Question
from channels_app.questionnaire import question_upsert
from channels_app.services import contact_restore, contact_void
from dashboard.contacts import own_contacts
from scoring.averages import field_sums
from scoring.models import PointsBacklog, QuestionPoints
from scoring.points import participant_question_points, points_backlog_note, question_points_refresh
from scoring.services import edition_rescore
from tests.conftest import record
from tests.scoring.test_standings_sql import _build, edition_shape

Sums = dict[tuple[int, int], tuple[int, int, int]]


def rebuilt(edition: Edition) -> Sums:
    """(participant, question) -> (given, possible, answers), summed from scratch over the answers."""
    rows = (
        Answer.objects.filter(
            contact__in=Contact.objects.counted().filter(edition=edition), points__isnull=False, question__counts=True
        )
        .values("contact__participant_id", "question_id")
        .annotate(given=Sum("points"), possible=Sum("max_points"), answers=Count("id"))
        .order_by()
    )
    return {
        (row["contact__participant_id"], row["question_id"]): (int(row["given"]), int(row["possible"]), row["answers"])
        for row in rows
    }


def kept(edition: Edition) -> Sums:
    rows = QuestionPoints.objects.filter(edition=edition).values_list(
        "participant_id", "question_id", "given", "possible", "answers"
    )
    return {(p, q): (int(given), int(possible), answers) for p, q, given, possible, answers in rows}


def old_areas(edition: Edition) -> dict[tuple[str, str], tuple[int, int, int]]:
    """field_sums' areas as it computed them before QuestionPoints: a scan of every answer of the edition."""
    rows = (
        Answer.objects.filter(
            contact__in=Contact.objects.counted().filter(edition_id=edition.pk), points__isnull=False, question__counts=True
        )
        .values("question__channel", "question__area")
        .annotate(given=Sum("points"), possible=Sum("max_points"), participants=Count("contact__participant_id", distinct=True))
        .order_by()
    )
    return {
        (row["question__channel"], row["question__area"]): (int(row["given"]), int(row["possible"]), row["participants"])
        for row in rows
    }


def old_own(participant: Participant) -> dict[int, tuple[int, int]]:
    """The dashboard's own points per question as it computed them before: its own contacts' answers, summed per view."""
    rows = (
        Answer.objects.filter(contact__in=own_contacts(participant), points__isnull=False)
        .values("question_id")
        .annotate(given=Sum("points"), possible=Sum("max_points"))
        .order_by()
    )
    return {row["question_id"]: (int(row["given"]), int(row["possible"])) for row in rows}


def noted(edition: Edition) -> set[int | None]:
    return set(PointsBacklog.objects.filter(edition=edition).values_list("participant_id", flat=True))


@contextmanager
def committed(callbacks: Any) -> Iterator[None]:
    """The block's writes as if committed: the rescorings they enqueue run at its end, as a worker would run them."""
    with callbacks(execute=True):
        yield


def assert_current(edition: Edition) -> None:
    assert noted(edition) == set()  # the rescoring cleared what it summed
    assert kept(edition) == rebuilt(edition)
    assert field_sums(edition=edition).areas == old_areas(edition)


def participant(edition: Edition, name: str) -> Participant:
    return Participant.objects.get(edition=edition, name=name)


def test_the_imported_edition_is_kept_and_its_sums_are_the_old_scans(mini: Edition) -> None:
    assert_current(mini)
    assert len(kept(mini)) > 20
    # Sognenett's phone: P001 (5, 4, 7) and P004 (5, 5, 10) answered the waiting time; P002 too (3); P003 unanswered.
    sognenett = participant(mini, "Sognenett")
    wait = Question.objects.get(edition=mini, channel="phone", key="wait")
    assert kept(mini)[(sognenett.pk, wait.pk)] == (13, 15, 3)
    for entrant in Participant.objects.filter(edition=mini):
        own = old_own(entrant)
        scored = {pk for pk in own if Question.objects.get(pk=pk).counts}
        assert participant_question_points(participant_id=entrant.pk) == {pk: own[pk] for pk in scored}


def test_a_new_contact_sums_again_its_participant_alone(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    sixt, judge = participant(mini, "Sixt"), User.objects.get(username="judge1")
    before = kept(mini)
    with committed(django_capture_on_commit_callbacks):
        record(
            mini, participant=sixt, channel="phone", judge=judge, answers={"wait": 5, "greeting": 1, "solution": 3, "feeling": 2}
        )
        assert noted(mini) == {sixt.pk}
    assert_current(mini)
    changed = {key for key, sums in kept(mini).items() if before.get(key) != sums}
    assert changed and {p for p, _q in changed} == {sixt.pk}


def test_a_draft_counts_once_submitted(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    sixt, judge = participant(mini, "Sixt"), User.objects.get(username="judge1")
    answers = {"wait": 5, "greeting": 1, "solution": 3, "feeling": 2}
    before = kept(mini)
    with committed(django_capture_on_commit_callbacks):
        draft = record(mini, participant=sixt, channel="phone", judge=judge, answers=answers, status="draft")
    assert kept(mini) == before == rebuilt(mini)  # a draft counts nowhere
    with committed(django_capture_on_commit_callbacks):
        record(mini, ref=draft.ref, participant=sixt, channel="phone", judge=judge, answers=answers)
    assert_current(mini)
    assert kept(mini) != before


def test_edited_answers_and_a_contact_moved_to_another_participant(
    mini: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    sognenett, tussa = participant(mini, "Sognenett"), participant(mini, "Tussa")
    p001 = Contact.objects.get(edition=mini, ref="P001")
    fields: dict[str, Any] = {"channel": "phone", "judge": p001.judge, "happened_at": p001.happened_at}
    with committed(django_capture_on_commit_callbacks):
        record(
            mini, ref="P001", participant=sognenett, answers={"wait": 1, "greeting": None, "solution": 0, "feeling": 5}, **fields
        )
    assert_current(mini)
    with committed(django_capture_on_commit_callbacks):
        record(mini, ref="P001", participant=tussa, answers={"wait": 1, "greeting": 2, "solution": 0, "feeling": 5}, **fields)
        assert noted(mini) == {sognenett.pk, tussa.pk}
    assert_current(mini)


def test_void_and_restore(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    p002 = Contact.objects.get(edition=mini, ref="P002")
    before = kept(mini)
    with committed(django_capture_on_commit_callbacks):
        contact_void(contact=p002, reason="Tested a colleague", source=Source.COMMAND)
        assert noted(mini) == {p002.participant_id}
    assert_current(mini)
    assert kept(mini) != before
    with committed(django_capture_on_commit_callbacks):
        contact_restore(contact=p002, reason="It was not", source=Source.COMMAND)
    assert_current(mini)
    assert kept(mini) == before


def test_an_import_sums_again_the_participants_it_changed(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    header = (
        "ref,participant,channel,judge,happened_at,answered,wait_seconds,handled_by,voided,comment,phone.wait,"
        "phone.greeting,phone.solution,phone.feeling,email.wait,email.solution,chat.wait,chat.solution,chat.tone"
    )
    rows = [
        "P001,Tussa,phone,judge1,2021-02-01T10:15:00+01:00,true,40,agent,false,Moved,5,4,2,5,,,,,",  # moved, changed
        "P900,Sixt,phone,judge1,2021-02-09T10:15:00+01:00,true,40,agent,false,New,4,4,4,4,,,,,",  # new
    ]
    content = "\n".join([header, *rows, ""]).encode()
    names = {"Sognenett", "Tussa", "Sixt"}
    with committed(django_capture_on_commit_callbacks):
        summary = import_contacts_content(edition=mini, content=content)
        assert noted(mini) == {participant(mini, name).pk for name in names}
    assert summary.changed
    assert_current(mini)


def test_a_questions_worth_and_whether_it_counts(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    greeting = Question.objects.get(edition=mini, channel="phone", key="greeting")
    values: dict[str, Any] = {
        "text": greeting.text,
        "area": greeting.area,
        "position": greeting.position,
        "source": Source.COMMAND,
    }
    with committed(django_capture_on_commit_callbacks):
        question_upsert(edition=mini, channel="phone", key="greeting", max_points=8, counts=True, **values)
        assert noted(mini) == {None}  # every participant's
    assert_current(mini)
    with committed(django_capture_on_commit_callbacks):
        question_upsert(edition=mini, channel="phone", key="greeting", max_points=8, counts=False, **values)
    assert_current(mini)
    assert not QuestionPoints.objects.filter(question=greeting).exists()
    with committed(django_capture_on_commit_callbacks):
        question_upsert(edition=mini, channel="phone", key="greeting", max_points=8, counts=True, **values)
    assert_current(mini)
    assert QuestionPoints.objects.filter(question=greeting).count() == 5  # every participant answered it somewhere


def test_participants_added_changed_and_removed(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    sixt = participant(mini, "Sixt")
    with committed(django_capture_on_commit_callbacks):
        added, _ = participant_upsert(
            edition=mini, name="Newcomer", award_class=sixt.award_class, channels=["phone"], source=Source.COMMAND
        )
        participant_upsert(
            edition=mini, name="Sixt", award_class=sixt.award_class, channels=["phone", "chat", "email"], source=Source.COMMAND
        )
        assert noted(mini) == {added.pk, sixt.pk}
        participant_remove(participant=added, source=Source.COMMAND)
        assert noted(mini) == {sixt.pk}  # its note went with it
    assert_current(mini)


def test_batched_changes_are_merged_and_an_unknown_one_is_all(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    sixt, tussa = participant(mini, "Sixt"), participant(mini, "Tussa")
    with committed(django_capture_on_commit_callbacks):
        with edition_changes_batched():
            edition_data_changed(edition_id=mini.pk, participant_ids=[sixt.pk])
            edition_data_changed(edition_id=mini.pk, participant_ids=[tussa.pk, sixt.pk])
        assert noted(mini) == {sixt.pk, tussa.pk}
        with edition_changes_batched():
            edition_data_changed(edition_id=mini.pk, participant_ids=[sixt.pk])
            edition_data_changed(edition_id=mini.pk)
        assert noted(mini) == {sixt.pk, tussa.pk, None}
    assert_current(mini)


def test_points_changed_behind_the_services_back_are_mended_by_a_note_of_the_edition(mini: Edition) -> None:
    Answer.objects.filter(contact__ref="P004", question__key="solution").update(points=1)
    assert kept(mini) != rebuilt(mini)
    points_backlog_note(edition_id=mini.pk, participant_ids=None)
    assert question_points_refresh(edition_id=mini.pk) is None  # the whole edition
    assert kept(mini) == rebuilt(mini)
    assert question_points_refresh(edition_id=mini.pk) == 0  # nothing noted since


def test_a_refresh_clears_only_the_notes_it_read(mini: Edition) -> None:
    sixt = participant(mini, "Sixt")
    points_backlog_note(edition_id=mini.pk, participant_ids=[sixt.pk])
    first = PointsBacklog.objects.get(edition=mini)
    assert question_points_refresh(edition_id=mini.pk) == 1
    assert not PointsBacklog.objects.filter(pk=first.pk).exists()


def test_half_of_the_participants_or_more_are_summed_in_one_statement_for_the_edition(mini: Edition) -> None:
    Answer.objects.filter(contact__ref="P004", question__key="solution").update(points=1)  # Sognenett's
    others = list(Participant.objects.filter(edition=mini).exclude(name="Sognenett").values_list("pk", flat=True))
    two = others[:2]
    points_backlog_note(edition_id=mini.pk, participant_ids=two)
    assert question_points_refresh(edition_id=mini.pk) == 2  # one at a time: Sognenett's change not seen
    assert kept(mini) != rebuilt(mini)
    points_backlog_note(edition_id=mini.pk, participant_ids=others[:3])  # 3 of 5
    assert question_points_refresh(edition_id=mini.pk) is None  # the whole edition
    assert kept(mini) == rebuilt(mini)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=edition_shape)
def test_field_sums_and_own_points_equal_the_answer_scans_on_generated_editions(db: None, shape: tuple[int, list[Any]]) -> None:
    # Contacts in a channel the participant does not offer, drafts, voided and unanswered contacts, N/A answers and a
    # question that does not count (tests/scoring/test_standings_sql.py).
    edition = _build(*shape)
    points_backlog_note(edition_id=edition.pk, participant_ids=None)  # written behind the services: all of it noted
    edition_rescore(edition_id=edition.pk, force=True)
    assert kept(edition) == rebuilt(edition)
    assert field_sums(edition=edition).areas == old_areas(edition)
    for entrant in Participant.objects.filter(edition=edition).with_channels():
        own, offered = participant_question_points(participant_id=entrant.pk), old_own(entrant)
        # What the dashboard reads of them: the questions that count, of the channels the participant offers.
        wanted = {q.pk for q in Question.objects.filter(edition=edition, counts=True, channel__in=entrant.channels)}
        assert {pk: sums for pk, sums in own.items() if pk in wanted} == {pk: s for pk, s in offered.items() if pk in wanted}


def test_the_dashboards_own_area_shares_are_those_of_the_old_answer_scan(mini: Edition) -> None:
    from dashboard.contacts import participant_questions
    from dashboard.selectors import participant_dashboard
    from scoring import rules

    for entrant in Participant.objects.filter(edition=mini).select_related("edition", "award_class").with_channels():
        own = old_own(entrant)
        expected: dict[tuple[str, str], list[int]] = {}
        for question in participant_questions(participant=entrant):
            if question.counts:
                line = expected.setdefault((question.channel, question.area), [0, 0])
                given, possible = own.get(question.pk, (0, 0))
                line[0], line[1] = line[0] + given, line[1] + possible
        shown = {
            (block.channel, area.area): area.own
            for block in participant_dashboard(participant=entrant, with_contacts=False).channels
            for area in block.areas
        }
        assert shown == {key: rules.one_decimal(rules.share(*sums)) for key, sums in expected.items() if sums[1]}, entrant.name
        assert shown  # every participant of the mini sample has answered questions


def test_the_rescore_command_sums_every_participants_points_again(mini: Edition) -> None:
    from io import StringIO

    from django.core.management import call_command

    Answer.objects.filter(contact__ref="P004", question__key="solution").update(points=1)  # behind the services' back
    call_command("rescore", "2021", stdout=StringIO())
    assert_current(mini)
