"""A contact's score reads the same in the judge's message, on its page and in its history (scoring.rules.score_text)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client

from award.models import Edition
from channels_app.models import Contact
from tests.factories import EditionFactory, ParticipantFactory, QuestionFactory, UserFactory


@pytest.fixture
def edition(db: None, roles: None) -> Edition:
    edition = EditionFactory.create(year=2031, starts_on=date(2031, 1, 15), ends_on=date(2031, 4, 12))
    ParticipantFactory.create(edition=edition, name="Nordlys", channels=["phone"])
    QuestionFactory.create(edition=edition, key="solution", max_points=50, area="Solution")
    QuestionFactory.create(edition=edition, key="greeting", max_points=9, area="Greeting")
    return edition


@pytest.mark.parametrize(("language", "shown"), [("en", "81.4"), ("nb", "81,4"), ("sv", "81,4")])
def test_81_3559_reads_81_4_everywhere(edition: Edition, language: str, shown: str) -> None:
    judge = UserFactory.create(username="dommer", is_staff=True)
    judge.groups.add(Group.objects.get(name="Judges"))
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(judge)
    participant = edition.participants.get()
    form = {
        "participant": participant.pk,
        "happened_at_0": "2031-02-03",
        "happened_at_1": "10:15",
        "answered": "on",
        "wait": "40",
        "comment": "",
        "q_solution": "40",
        "q_greeting": "8",
        "_submit": "1",
    }

    response = client.post(f"/admin/channels_app/contact/add/?edition={edition.pk}&channel=phone", form, follow=True)

    contact = Contact.objects.get()
    assert str(contact.score) == "81.3559"  # 48 of 59 points
    message = [str(m) for m in get_messages(response.wsgi_request)] or [str(m) for m in response.context["messages"]]
    assert len(message) == 1 and message[0].endswith(f" {shown}."), message
    page = response.content.decode()
    assert f'<strong class="contact-score">{shown}</strong>' in page
    history = client.get(f"/admin/channels_app/contact/{contact.pk}/history/").context["lines"]
    created = {change.label: change.new for change in history[0].changes}
    assert created[next(label for label in created if label in ("Score", "Poengsum", "Poäng"))] == shown
