"""Reads of questionnaires and contacts that more than one caller needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from award.models import Edition, Participant
from channels_app.models import Contact, JudgeConflict, Question


def edition_questionnaire(*, edition: Edition) -> dict[str, list[Question]]:
    """Each channel's questions in order; a channel missing here has no questionnaire."""
    questionnaire: dict[str, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(edition=edition).order_by("channel", "position", "pk"):
        questionnaire[question.channel].append(question)
    return dict(questionnaire)


def edition_conflicts(*, edition: Edition) -> set[tuple[int, int]]:
    """(judge id, participant id) of every declared conflict in the edition: what contact_clean refuses."""
    return set(JudgeConflict.objects.filter(participant__edition=edition).values_list("judge_id", "participant_id"))


def participants_for_contact(*, edition: Edition, channel: str, judge: User | None) -> QuerySet[Participant]:
    """The participants a judge may log a contact with in a channel: those offering it, less the judge's conflicts."""
    participants = Participant.objects.filter(edition=edition, offered_channels__channel=channel)
    if judge is not None and judge.pk is not None:
        participants = participants.exclude(pk__in=JudgeConflict.objects.filter(judge=judge).values("participant_id"))
    return participants.order_by("name")


def contact_answers(*, contact: Contact) -> dict[str, int | None]:
    """question key -> points for the answers a contact has (a missing key is N/A)."""
    return dict(contact.answers.values_list("question__key", "points"))


@dataclass(frozen=True)
class AnswerLine:
    question: Question
    points: int | None  # None: N/A


def contact_answer_lines(*, contact: Contact) -> list[AnswerLine]:
    """Every question of the contact's channel in questionnaire order, with the points given (N/A where none)."""
    points = dict(contact.answers.values_list("question_id", "points"))
    questions = Question.objects.filter(edition_id=contact.edition_id, channel=contact.channel).order_by("position", "pk")
    return [AnswerLine(question, points.get(question.pk)) for question in questions]


def conflicted_contacts(*, judge_id: int, participant_id: int) -> QuerySet[Contact]:
    """The counted contacts a judge made with a participant they declared a conflict with (made before it: to review)."""
    return Contact.objects.counted().filter(judge_id=judge_id, participant_id=participant_id).order_by("happened_at", "pk")
