"""The change history of every record, shown in the admin: who, when, from where, each field from which value to which."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import Action, Source
from award.models import Edition
from channels_app.models import Contact, Question
from tests.admin_forms import assert_sent_away, edition_data, phone_form, question_form
from tests.conftest import ClientAs


def test_history_page_shows_every_record_with_who_where_and_each_field(
    mini: Edition, organiser: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    client.post(
        f"/admin/award/edition/{mini.pk}/change/", edition_data(name="Prisen 2021", starts_on="2021-01-15", ends_on="2021-04-12")
    )

    response = client.get(f"/admin/award/edition/{mini.pk}/history/")

    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(line.record.action, line.record.source) for line in lines] == [("update", "admin"), ("create", "import")]
    assert [(c.label, c.old, c.new) for c in lines[0].changes] == [("Name", "Customer Service Award 2021", "Prisen 2021")]
    page = response.content.decode()
    assert 'Customer Service Award 2021</span> → <span class="new">Prisen 2021' in page
    assert "organiser" in page and "import" in page


def test_history_page_query_count_does_not_grow_with_records(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    from audit.services import history_record

    client = client_as("organiser")
    url = f"/admin/award/edition/{mini.pk}/history/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["lines"]) == 1
    for n in range(40):
        history_record(
            subject=mini, action=Action.UPDATE, changes={"name": [str(n), str(n + 1)]}, user=organiser, source=Source.COMMAND
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["lines"]) == 41
    assert len(many) <= len(few)


def test_contact_history_shows_form_edits_and_the_import(
    judge1: Any, organiser: Any, other_judge: Any, mini: Edition, client_as: ClientAs
) -> None:
    mine = Contact.objects.get(edition=mini, ref="P301")  # judge1's: 2021-02-17 10:15, wait 60, points 4/4/8/3 = 80
    url = f"/admin/channels_app/contact/{mine.pk}/change/"
    form = phone_form(mini, participant=mine.participant.name, comment="Rang tilbake etter to timar")
    assert client_as("judge1").post(url, form).status_code == 302

    response = client_as("organiser").get(f"/admin/channels_app/contact/{mine.pk}/history/")

    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(line.record.action, line.record.source, str(line.record.user or "")) for line in lines] == [
        ("update", "admin", "judge1"),
        ("create", "import", ""),
    ]
    assert [(c.label, c.old, c.new) for c in lines[0].changes] == [
        ("Comment", "—", "Rang tilbake etter to timar"),
        ("Happened at", "Feb. 17, 2021, 10:15 a.m.", "March 2, 2021, 2:05 p.m."),  # kept in UTC, shown in local time
        ("Points for question greeting", "4", "5"),
        ("Score", "80.0", "85.0"),
        ("Wait (seconds)", "60", "90"),
    ]
    # The judge reads the history of their own contact; another judge is sent away.
    assert client_as("judge1").get(f"/admin/channels_app/contact/{mine.pk}/history/").status_code == 200
    other = client_as("other_judge")
    assert_sent_away(other, other.get(f"/admin/channels_app/contact/{mine.pk}/history/"), mine)


def test_question_history_shows_the_change_of_maximum(organiser: Any, mini: Edition, client_as: ClientAs) -> None:
    question = Question.objects.get(edition=mini, channel="phone", key="solution")
    client = client_as("organiser")
    url = f"/admin/channels_app/question/{question.pk}/change/"
    assert client.post(url, question_form(question, max_points=20, confirm_rescore="on")).status_code == 302

    lines = client.get(f"/admin/channels_app/question/{question.pk}/history/").context["lines"]

    assert [(line.record.action, line.record.source) for line in lines] == [("update", "admin"), ("create", "import")]
    assert [(c.label, c.old, c.new) for c in lines[0].changes] == [("Maximum points", "10", "20")]


def test_history_shows_choices_by_label_and_scores_localised(organiser: Any, mini: Edition, client_as: ClientAs) -> None:
    contact = Contact.objects.get(edition=mini, ref="P301")
    client = client_as("organiser", HTTP_ACCEPT_LANGUAGE="nb")
    with translation.override("nb"):
        created = client.get(f"/admin/channels_app/contact/{contact.pk}/history/").context["lines"][-1]
        shown = {change.label: change.new for change in created.changes}

    assert (shown["Kanal"], shown["Håndtert av"], shown["Status"], shown["Score"]) == (
        "Telefon",
        "Kundebehandler",
        "Innsendt",
        "80,0",
    )
