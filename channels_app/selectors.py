"""Reads of questionnaires and contacts that more than one caller needs."""

from __future__ import annotations

from collections import defaultdict

from award.models import Edition
from channels_app.models import Contact, JudgeConflict, Question


def edition_questionnaire(*, edition: Edition) -> dict[str, list[Question]]:
    """Each channel's questions in order; a channel missing here has no questionnaire."""
    questionnaire: dict[str, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(edition=edition).order_by("channel", "position", "pk"):
        questionnaire[question.channel].append(question)
    return dict(questionnaire)


def edition_conflicts(*, edition: Edition) -> set[tuple[int, int]]:
    """(judge id, participant id) of every declared conflict in the edition."""
    return set(JudgeConflict.objects.filter(participant__edition=edition).values_list("judge_id", "participant_id"))


def contact_answers(*, contact: Contact) -> dict[str, int | None]:
    """question key -> points for the answers a contact has (a missing key is N/A)."""
    return dict(contact.answers.values_list("question__key", "points"))
