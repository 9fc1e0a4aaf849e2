"""What the admin's forms are posted with, and where a refused value's message shows."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model
from django.test import Client

from award.models import AwardClass, Edition, Participant


def field_errors(response: Any) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def assert_error_next_to(response: Any, field: str, message: str) -> None:
    """The message is the field's error, and the page shows it in that field's row."""
    assert response.status_code == 200
    assert field_errors(response).get(field) == [message]
    html = response.content.decode()
    row = re.search(rf'<div class="form-row[^"]*field-{field}[^"]*">(.*?)(?=<div class="form-row|</fieldset>)', html, re.S)
    assert row is not None, f"no row for {field}"
    assert message in row.group(1).replace("&#x27;", "'")


def assert_sent_away(client: Client, response: Any, obj: Model) -> None:
    """The admin sends a user away from an object that is not theirs as if it did not exist: to its index, which says so."""
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    index = client.get(response["Location"])
    assert index.status_code == 200
    said = [str(message) for message in index.context["messages"]]
    assert said == [f"{obj._meta.verbose_name} with ID \u201c{obj.pk}\u201d doesn\u2019t exist. Perhaps it was deleted?"]


def changes_of(subject: Any) -> list[tuple[str, dict[str, Any], str, str | None]]:
    """(action, changes, source, username) of each record of the subject's history, oldest first."""
    from audit.selectors import history_of

    return [(r.action, r.changes, r.source, r.user.username if r.user else None) for r in history_of(subject).order_by("pk")]


def edition_data(**overrides: Any) -> dict[str, Any]:
    """An edition of 2022 as the organiser fills it in; None leaves a field out."""
    data = {
        "year": 2022,
        "name": "Customer Service Award 2022",
        "starts_on": "2022-01-10",
        "ends_on": "2022-04-10",
        "min_contacts_per_channel": 3,
        "publish_rankings": "on",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


def participant_data(edition: Edition, **overrides: Any) -> dict[str, Any]:
    """Kraftlag, a broadband participant of the edition on phone and e-mail."""
    data = {
        "edition": edition.pk,
        "name": "Kraftlag",
        "award_class": AwardClass.objects.get(edition=edition, name="Broadband").pk,
        "channels": ["phone", "email"],
    }
    return data | overrides


ADD = "/admin/channels_app/contact/add/"


def phone_form(edition: Edition, participant: str = "Sognenett", **changes: Any) -> dict[str, Any]:
    """A full phone contact: wait 4, greeting 5, solution 8 (feeling 3 does not count): 17/20 = 85."""
    data = {
        "participant": Participant.objects.get(edition=edition, name=participant).pk,
        "happened_at_0": "2021-03-02",
        "happened_at_1": "14:05",
        "answered": "on",
        "wait": "1:30",
        "comment": "Knew the answer at once",
        "q_wait": "4",
        "q_greeting": "5",
        "q_solution": "8",
        "q_feeling": "3",
        "_submit": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def add_url(edition: Edition, channel: str = "phone") -> str:
    return f"{ADD}?edition={edition.pk}&channel={channel}"


def question_form(question: Any, **changes: Any) -> dict[str, Any]:
    """The question as stored, with the changes; None or "" leaves a field out."""
    data = {
        "text": question.text,
        "area": question.area,
        "max_points": question.max_points,
        "counts": "on" if question.counts else "",
        "position": question.position,
    }
    return {key: value for key, value in (data | changes).items() if value not in (None, "")}
