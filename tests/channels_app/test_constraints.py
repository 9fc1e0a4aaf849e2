"""The database itself refuses what the rules forbid, whatever way a row arrives."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from award.models import AwardClass, Edition, Participant
from channels_app.models import Answer, Contact, Question


def refused(make: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()  # type: ignore[operator]


def test_names_and_refs_are_unique_within_an_edition(mini: Edition) -> None:
    sixt = Participant.objects.get(name="Sixt")
    refused(lambda: Participant.objects.create(edition=mini, award_class=sixt.award_class, name="Sixt"))
    refused(lambda: AwardClass.objects.create(edition=mini, name="Broadband", slug="broadband-2"))
    existing = Contact.objects.get(ref="P001")
    existing.pk = None
    existing._state.adding = True
    refused(existing.save)
    refused(lambda: Question.objects.create(edition=mini, channel="phone", key="wait", text="?", area="?", max_points=5))


def test_points_stay_within_the_question_range(mini: Edition) -> None:
    answer = Answer.objects.filter(contact__ref="P001", question__key="wait").get()
    refused(lambda: Answer.objects.filter(pk=answer.pk).update(points=6))
    refused(lambda: Question.objects.filter(pk=answer.question_id).update(max_points=0))
    Answer.objects.filter(pk=answer.pk).update(points=5)  # the maximum itself is fine
    assert Answer.objects.get(pk=answer.pk).points == 5


def test_contact_scores_stay_consistent(mini: Edition) -> None:
    refused(lambda: Contact.objects.filter(ref="P003").update(score=50))  # unanswered scores 0
    refused(lambda: Contact.objects.filter(ref="P001").update(score=101))
    refused(lambda: Contact.objects.filter(ref="P001").update(voided=True, void_reason=""))
    refused(lambda: Contact.objects.filter(ref="P001").update(handled_by="bot"))  # a chatbot only in chat and Messenger
