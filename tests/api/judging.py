"""What the judges' API tests share: an edition whose phone wait is scored by bands, a token client, and a phone
contact as the API is sent it and shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import Source
from award.accounts.tokens import token_create
from award.models import Edition, Participant
from channels_app.models import Contact, WaitRule
from tests.conftest import record
from tests.factories import QuestionFactory

CONTACTS = "/api/v1/judge/contacts/"
BANDS = [[30, 5], [60, 4], [120, 3], [300, 1]]


def judging_edition(participant_a: Participant) -> Edition:
    """Participant A's edition (A offers phone and chat, B phone): phone's wait scored by bands, chat's by the judge."""
    edition = participant_a.edition
    phone = [("wait", "How long did you wait?", 5, True), ("greeting", "Did they greet you?", 5, True)]
    phone += [("solution", "Did you get an answer?", 10, True), ("feeling", "How did it feel?", 5, False)]
    for position, (key, text, max_points, counts) in enumerate(phone):
        QuestionFactory.create(
            edition=edition, channel="phone", key=key, text=text, max_points=max_points, counts=counts, position=position
        )
    for position, (key, max_points) in enumerate([("solution", 10), ("tone", 3)]):
        QuestionFactory.create(edition=edition, channel="chat", key=key, text=f"{key}?", max_points=max_points, position=position)
    WaitRule.objects.create(edition=edition, channel="phone", limit_seconds=300, question_key="wait", bands=BANDS)
    WaitRule.objects.create(edition=edition, channel="chat", limit_seconds=300)
    return edition


def api_for(user: User | None, *, scopes: tuple[str, ...] = ("read", "write"), language: str = "en") -> APIClient:
    """A client with a personal token of the user (nobody: no credentials), reading `language`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        new = token_create(owner=user, name="My phone", scopes=list(scopes), user=user, source=Source.API)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    return client


def moment(edition: Edition, day: str = "02-01") -> str:
    return f"{edition.year}-{day}T10:15:00+01:00"


def body(edition: Edition, participant: Participant, /, **changes: Any) -> dict[str, Any]:
    """A phone contact: a wait of 40 s earns the wait question 4 by the bands; 4 + 4 + 7 of 20 is 75 %."""
    return {
        "participant": participant.pk,
        "channel": "phone",
        "happened_at": moment(edition),
        "answered": True,
        "wait_seconds": 40,
        "comment": "Friendly, knew the answer",
        "answers": {"greeting": 4, "solution": 7, "feeling": None},
    } | changes


def local(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


def shown(contact: Contact, **fields: Any) -> dict[str, Any]:
    """The contact's id, ref and times from the database; every other value is the test's own."""
    contact.refresh_from_db()
    made = {
        "id": contact.pk,
        "ref": contact.ref,
        "created_at": local(contact.created_at),
        "updated_at": local(contact.updated_at),
    }
    return made | fields


def phone_contact(edition: Edition, participant: Participant, **fields: Any) -> dict[str, Any]:
    """What the API shows of body()'s contact, submitted."""
    return {
        "year": edition.year,
        "participant": participant.pk,
        "participant_name": participant.name,
        "channel": "phone",
        "happened_at": f"{edition.year}-02-01T10:15:00+01:00",
        "answered": True,
        "wait_seconds": 40,
        "handled_by": "agent",
        "comment": "Friendly, knew the answer",
        "answers": {"wait": 4, "greeting": 4, "solution": 7, "feeling": None},
        "status": "submitted",
        "score": "75.0000",
        "unchosen": [],
        "voided": False,
        "void_reason": "",
    } | fields


def recorded(edition: Edition, participant: Participant, judge: User, **fields: Any) -> Contact:
    """A submitted phone contact made through the service (as the site or an import makes it)."""
    values: dict[str, Any] = {"channel": "phone", "wait_seconds": 40, "answers": {"greeting": 4, "solution": 7, "feeling": None}}
    return record(edition, participant=participant, judge=judge, **(values | fields))
