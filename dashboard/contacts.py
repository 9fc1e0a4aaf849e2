"""The dashboard's contact list: a participant's own counted contacts with every answer, and never a judge.

A participant has about 25 contacts in the real award and may have thousands in a large one, so the page lists
them a page at a time (`contacts_page`) and the CSV export reads them in chunks (`participant_contacts`): neither
holds them all at once, and each page costs the same few queries however many there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from award.models import Channel, Participant
from channels_app.models import Answer, Contact, Question
from channels_app.rules import wait_text
from channels_app.selectors import AnswerLine
from scoring.rules import one_decimal

CHUNK = 500  # contacts whose answers are read in one query (the CSV export reads the contacts so many at a time too)


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
    """The contacts the dashboard lists, unordered (the page sorts by date, the API by id), with only the fields it shows;
    `contact_lines` reads their answers.

    Drafts and voided contacts never reach a company (scoring.md §1); the judge is never selected.
    """
    return own_contacts(participant).only(
        "id", "ref", "channel", "happened_at", "answered", "wait_seconds", "handled_by", "comment", "score"
    )


def contact_lines(contacts: Iterable[Contact], questions: list[Question]) -> Iterator[ContactLine]:
    """Each contact (from `shown_contacts`) with every question of its channel and the points given (N/A where none).

    The answers are read CHUNK contacts at a time, one query each, as plain values: a page of fifty contacts has some
    1,200 answers, and building a model instance for each was a third of the page's time.
    """
    by_channel: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_channel[question.channel].append(question)
    remaining = iter(contacts)
    while chunk := list(islice(remaining, CHUNK)):
        points: dict[int, dict[int, int | None]] = defaultdict(dict)
        answers = Answer.objects.filter(contact_id__in=[contact.pk for contact in chunk])
        for contact_id, question_id, given in answers.values_list("contact_id", "question_id", "points"):
            points[contact_id][question_id] = given
        for contact in chunk:
            given_to = points[contact.pk]
            lines = [AnswerLine(q, given_to.get(q.pk)) for q in by_channel[contact.channel]] if contact.answered else []
            yield ContactLine(contact=contact, answers=lines)


CONTACTS_PER_PAGE = 50


def _oldest_first(participant: Participant) -> QuerySet[Contact]:
    return shown_contacts(participant).order_by("happened_at", "pk")


@dataclass(frozen=True)
class ContactsPage:
    """One page of the contact list: its lines, and the page itself (its number, how many pages and contacts in all)."""

    lines: list[ContactLine]
    page: Page[Contact]

    def page_range(self) -> list[int | str]:
        """The page numbers to link to, with an ellipsis for long runs (1 2 3 4 … 102 103)."""
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))


def contacts_page(*, participant: Participant, number: int | str | None, questions: list[Question]) -> ContactsPage:
    """A page of the counted contacts, oldest first, in three queries: how many, the page's contacts, their answers.

    A page number that is not a number gives the first page and one past the end the last, as Django's
    Paginator.get_page has it: a hand-typed address never fails.
    """
    page = Paginator(_oldest_first(participant), CONTACTS_PER_PAGE).get_page(number)
    return ContactsPage(lines=list(contact_lines(page.object_list, questions)), page=page)


def participant_contacts(*, participant: Participant, questions: list[Question] | None = None) -> Iterator[ContactLine]:
    """Every counted contact, oldest first, with each question of its channel and the points given (N/A where none).

    Read in chunks of CHUNK contacts, each with its answers in one more query, so memory stays flat however many
    there are: the CSV export streams them.
    """
    contacts = _oldest_first(participant).iterator(chunk_size=CHUNK)
    return contact_lines(contacts, questions if questions is not None else participant_questions(participant=participant))


def participant_questions(*, participant: Participant) -> list[Question]:
    """The questionnaire of the channels it offers, in channel order: the CSV export's answer columns."""
    order = {code: position for position, code in enumerate(Channel.values)}
    questions = Question.objects.filter(edition_id=participant.edition_id, channel__in=participant.channels)
    return sorted(questions, key=lambda q: (order[q.channel], q.position, q.pk))
