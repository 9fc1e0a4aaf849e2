"""The dashboard's contact list: a participant's own counted contacts with every answer, and never a judge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from award.models import Channel, Participant
from channels_app.models import Answer, Contact, Question
from channels_app.rules import wait_text
from channels_app.selectors import AnswerLine
from scoring.rules import one_decimal


def own_contacts(participant: Participant) -> QuerySet[Contact]:
    """Its counted contacts in the channels it offers: a channel it no longer offers counts nowhere in the standings either."""
    return Contact.objects.counted().filter(
        edition_id=participant.edition_id, participant_id=participant.pk, channel__in=participant.channels
    )


@dataclass(frozen=True)
class ContactLine:
    contact: Contact
    answers: list[AnswerLine]

    @property
    def score(self) -> Decimal | None:
        return one_decimal(self.contact.score)

    @property
    def wait(self) -> str:
        return wait_text(self.contact.wait_seconds)


def shown_contacts(participant: Participant) -> QuerySet[Contact]:
    """The contacts the dashboard lists, unordered (the page sorts by date, the API by id), with only the fields it shows
    and their answers prefetched: one query for the contacts and one for their answers, however many there are.

    Drafts and voided contacts never reach a company (scoring.md §1); the judge is never selected.
    """
    return (
        own_contacts(participant)
        .only("id", "ref", "channel", "happened_at", "answered", "wait_seconds", "handled_by", "comment", "score")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.only("id", "contact_id", "question_id", "points")))
    )


def contact_lines(contacts: Iterable[Contact], questions: list[Question]) -> list[ContactLine]:
    """Each contact (from `shown_contacts`) with every question of its channel and the points given (N/A where none)."""
    by_channel: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_channel[question.channel].append(question)
    lines = []
    for contact in contacts:
        points = {answer.question_id: answer.points for answer in contact.answers.all()}
        answers = (
            [AnswerLine(question, points.get(question.pk)) for question in by_channel[contact.channel]]
            if contact.answered
            else []
        )
        lines.append(ContactLine(contact=contact, answers=answers))
    return lines


def participant_contacts(*, participant: Participant, questions: list[Question] | None = None) -> list[ContactLine]:
    """Every counted contact, oldest first, with each question of its channel and the points given (N/A where none).

    Three queries whatever the number of contacts: the contacts, their answers, the questionnaire (unless given).
    """
    contacts = shown_contacts(participant).order_by("happened_at", "pk")
    return contact_lines(contacts, questions if questions is not None else participant_questions(participant=participant))


def participant_questions(*, participant: Participant) -> list[Question]:
    """The questionnaire of the channels it offers, in channel order: the CSV export's answer columns."""
    order = {code: position for position, code in enumerate(Channel.values)}
    questions = Question.objects.filter(edition_id=participant.edition_id, channel__in=participant.channels)
    return sorted(questions, key=lambda q: (order[q.channel], q.position, q.pk))
