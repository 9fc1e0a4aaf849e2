"""A contact's score reads the same in the judge's message, on its page and in its history (scoring.rules.score_text)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group

from award.models import Edition
from channels_app.models import Contact
from tests.conftest import ClientAs
from tests.factories import EditionFactory, ParticipantFactory, QuestionFactory, UserFactory


@pytest.fixture
def edition(db: None, roles: None) -> Edition:
    edition = EditionFactory.create(year=2031, starts_on=date(2031, 1, 15), ends_on=date(2031, 4, 12))
    ParticipantFactory.create(edition=edition, name="Nordlys", channels=["phone"])
    QuestionFactory.create(edition=edition, key="solution", max_points=50, area="Solution")
    QuestionFactory.create(edition=edition, key="greeting", max_points=9, area="Greeting")
    return edition


@pytest.mark.parametrize(
    ("language", "shown", "submitted", "label"),
    [
        ("en", "81.4", "Contact {ref} with Nordlys (Phone, Feb. 3, 2031, 10:15 a.m.) submitted. Its score is 81.4.", "Score"),
        ("nb", "81,4", "Kontakt {ref} med Nordlys (Telefon, 3. februar 2031 10:15) er sendt inn. Poengsummen er 81,4.", "Score"),
        ("sv", "81,4", "Kontakt {ref} med Nordlys (Telefon, 3 februari 2031 10:15) har skickats in. Poängen är 81,4.", "Poäng"),
    ],
)
def test_81_3559_reads_81_4_everywhere(
    edition: Edition, language: str, shown: str, submitted: str, label: str, client_as: ClientAs
) -> None:
    judge = UserFactory.create(username="dommer", is_staff=True)
    judge.groups.add(Group.objects.get(name="Judges"))
    client = client_as(judge, HTTP_ACCEPT_LANGUAGE=language)
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
    assert [str(m) for m in response.context["messages"]] == [submitted.format(ref=contact.ref)]
    page = response.content.decode()
    assert f'<strong class="contact-score">{shown}</strong>' in page
    history = client.get(f"/admin/channels_app/contact/{contact.pk}/history/").context["lines"]
    created = {change.label: change.new for change in history[0].changes}
    assert created[label] == shown
