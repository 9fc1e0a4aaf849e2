"""After the final publication: judges read their contacts and are told the edition is closed; organisers change and add
contacts with a reason. Never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages

from audit.models import ChangeRecord
from award.models import Edition
from channels_app.models import Contact
from channels_app.services import ContactInvalid, closed_message
from publications.services import publication_create
from tests.admin_forms import ADD, phone_form
from tests.conftest import ClientAs

CLOSED = "The final results of 2021 are published: the edition is closed, and its contacts can no longer be changed."


@pytest.fixture
def closed(mini: Edition) -> Edition:
    publication_create(edition=mini, kind="final")
    mini.refresh_from_db()
    assert mini.is_final
    return mini


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_message_names_the_year(closed: Edition) -> None:
    assert closed_message(closed) == CLOSED


def test_a_judge_reads_their_own_contact_with_its_answers_and_the_reason(
    judge1: User, closed: Edition, client_as: ClientAs
) -> None:
    contact = Contact.objects.get(ref="P001")
    assert contact.judge == judge1

    response = client_as("judge1").get(f"/admin/channels_app/contact/{contact.pk}/change/")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/channels_app/contact/closed.html"
    assert messages_of(response) == [CLOSED]
    page = response.content.decode()
    assert "<code>P001</code>" in page and "Sognenett" in page
    assert [(line.question.key, line.points) for line in response.context["answers"]] == [
        ("wait", 5),
        ("greeting", 4),
        ("solution", 7),
        ("feeling", 5),
    ]
    assert 'name="_submit"' not in page and "<form" not in page.split('id="content-main"')[1]


def test_a_judge_who_posts_anyway_changes_nothing(judge1: User, closed: Edition, client_as: ClientAs) -> None:
    contact = Contact.objects.get(ref="P001")
    url = f"/admin/channels_app/contact/{contact.pk}/change/"
    history = ChangeRecord.objects.count()

    response = client_as("judge1").post(url, phone_form(closed, comment="changed after the final"))

    assert (response.status_code, response["Location"]) == (302, url)
    assert messages_of(response) == [CLOSED]
    assert Contact.objects.get(pk=contact.pk).comment == contact.comment
    assert ChangeRecord.objects.count() == history


def test_a_judge_cannot_log_a_new_contact_in_a_closed_edition(judge1: User, closed: Edition, client_as: ClientAs) -> None:
    client = client_as("judge1")
    url = f"{ADD}?edition={closed.pk}&channel=phone"

    opened = client.get(url)
    posted = client.post(url, phone_form(closed))

    for response in (opened, posted):
        assert response.status_code == 200
        assert response.templates[0].name == "admin/channels_app/contact/choose_channel.html"
        assert CLOSED in messages_of(response)
    assert "No edition takes contacts now" in opened.content.decode()
    assert list(opened.context["form"].fields["edition"].queryset) == []
    assert Contact.objects.count() == 35


def test_an_organiser_adds_a_late_contact_with_a_reason(organiser: User, closed: Edition, client_as: ClientAs) -> None:
    client = client_as("organiser")
    url = f"{ADD}?edition={closed.pk}&channel=phone"

    form_page = client.get(url)
    assert "reason" in form_page.context["adminform"].form.fields
    without = client.post(url, phone_form(closed))
    assert without.status_code == 200
    assert without.context["adminform"].form.errors["reason"] == [
        "The final results of 2021 are published: give a reason for this change."
    ]
    assert Contact.objects.count() == 35

    added = client.post(url, phone_form(closed, reason="Logged on paper during the outage"))

    assert added.status_code == 302
    contact = Contact.objects.get(comment="Knew the answer at once")
    assert (contact.judge, str(contact.score)) == (organiser, "85.0000")
    record = ChangeRecord.objects.get(object_id=contact.pk, content_type__model="contact", action="create")
    assert (record.note, record.user, record.source) == ("Logged on paper during the outage", organiser, "admin")


def test_a_refusal_at_the_moment_of_saving_is_a_message(
    judge1: User, mini: Edition, monkeypatch: pytest.MonkeyPatch, client_as: ClientAs
) -> None:
    """The final results published between the form's check and the save: the judge is told, nothing is written."""

    def refuse(**kwargs: Any) -> Any:
        raise ContactInvalid({"__all__": [closed_message(mini)]})

    monkeypatch.setattr("channels_app.admin.contact_record", refuse)
    url = f"{ADD}?edition={mini.pk}&channel=phone"

    response = client_as("judge1").post(url, phone_form(mini))

    assert (response.status_code, response["Location"]) == (302, url)
    assert messages_of(response) == [CLOSED]
    assert Contact.objects.count() == 35


@pytest.mark.parametrize(
    ("persona", "location"),
    [
        ("judge2", "/admin/"),  # another judge: the admin's "no such contact"
        ("company_user", "/admin/login/?next=/admin/channels_app/contact/{pk}/change/"),
        ("anonymous", "/admin/login/?next=/admin/channels_app/contact/{pk}/change/"),
    ],
)
def test_only_its_judge_and_the_organisers_read_a_closed_contact(
    closed: Edition, persona: str, location: str, client_as: ClientAs
) -> None:
    contact = Contact.objects.get(ref="P001")
    response = client_as(persona).get(f"/admin/channels_app/contact/{contact.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, location.format(pk=contact.pk))
    organiser_page = client_as("organiser").get(f"/admin/channels_app/contact/{contact.pk}/change/")
    assert organiser_page.status_code == 200
    assert "reason" in organiser_page.context["adminform"].form.fields  # organisers change it, with a reason
