"""The judges' API's writes of a contact (/api/v1/judge/contacts/): logged, merged or replaced, refused field by field,
closed after the final publication, voided; and the list's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from audit.models import Source
from audit.selectors import history_of
from award.models import Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact, JudgeConflict
from channels_app.services import contact_void
from tests.api.judging import CONTACTS, api_for, body, judging_edition, phone_contact, recorded, shown
from tests.conftest import record
from tests.factories import EditionFactory, ParticipantFactory, QuestionFactory


@pytest.fixture
def edition(participant_a: Participant, participant_b: Participant) -> Edition:
    return judging_edition(participant_a)


# Contacts: create, read, change, submit ---------------------------------------------------------


def test_a_judge_logs_a_contact(edition: Edition, judge: User, participant_a: Participant) -> None:
    client = api_for(judge)
    answer = client.post(CONTACTS, body(edition, participant_a), format="json")
    assert answer.status_code == 201
    contact = Contact.objects.get()
    assert answer["Location"] == f"http://testserver/api/v1/judge/contacts/{contact.pk}/"
    assert answer.json() == shown(contact) | phone_contact(edition, participant_a)
    assert (contact.judge, contact.edition, str(contact.score)) == (judge, edition, "75.0000")
    assert dict(contact.answers.values_list("question__key", "points")) == {"wait": 4, "greeting": 4, "solution": 7}
    history = history_of(contact).get()
    assert (history.action, history.source, history.user) == ("create", Source.API, judge)
    assert client.get(answer["Location"]).json() == answer.json()


def test_a_draft_without_its_wait_is_refused_on_submit_on_the_wait(
    edition: Edition, judge: User, participant_a: Participant
) -> None:
    """The wait scores the wait question: its missing points are said once, on the wait (as the site's form says it)."""
    client = api_for(judge)
    made = client.post(
        CONTACTS, body(edition, participant_a, wait_seconds=None, answers={"greeting": 4}, status="draft"), format="json"
    )
    assert made.json()["unchosen"] == ["wait", "solution", "feeling"]
    refused = client.post(f"{CONTACTS}{made.json()['id']}/submit/")
    assert refused.json() == {
        "wait_seconds": ["required: the wait scores the question “How long did you wait?”"],
        "answers.solution": ["choose the points, or N/A"],
        "answers.feeling": ["choose the points, or N/A"],
    }


def test_a_change_is_merged_into_the_stored_contact_or_replaces_it(
    edition: Edition, judge: User, participant_a: Participant
) -> None:
    client = api_for(judge)
    contact = Contact.objects.get(pk=client.post(CONTACTS, body(edition, participant_a), format="json").json()["id"])
    path = f"{CONTACTS}{contact.pk}/"
    # A longer wait: the bands give the wait question 3 (up to 2:00), the rest stays: 3 + 4 + 7 of 20.
    longer = client.patch(path, {"wait_seconds": 100}, format="json")
    assert longer.json() == shown(contact) | phone_contact(
        edition,
        participant_a,
        wait_seconds=100,
        answers={"wait": 3, "greeting": 4, "solution": 7, "feeling": None},
        score="70.0000",
    )
    # Points the bands do not give are refused where they were sent.
    refused = client.patch(path, {"answers": {"wait": 5}}, format="json")
    assert refused.json() == {"answers.wait": ["a wait of 1:40 earns 3 by the edition's bands, not 5"]}
    # Nobody answered after all: no wait, no handler, no answers were kept; sending one is refused.
    refused = client.patch(path, {"answered": False, "wait_seconds": 30}, format="json")
    assert refused.json() == {"wait_seconds": ["must be empty when the contact was not answered"]}
    unanswered = client.patch(path, {"answered": False}, format="json").json()
    assert {key: unanswered[key] for key in ("wait_seconds", "handled_by", "answers", "score")} == {
        "wait_seconds": None,
        "handled_by": "",
        "answers": {},
        "score": "0.0000",
    }
    # PUT replaces it whole: its status kept, a question left out is not chosen.
    replaced = client.put(path, body(edition, participant_a, comment=""), format="json")
    assert replaced.json() == shown(contact) | phone_contact(edition, participant_a, comment="")
    refused = client.put(path, body(edition, participant_a, answers={}), format="json")
    assert refused.json() == {f"answers.{key}": ["choose the points, or N/A"] for key in ("greeting", "solution", "feeling")}


def test_the_edition_of_a_contact_is_its_participants(edition: Edition, judge: User, participant_a: Participant) -> None:
    client = api_for(judge)
    year = edition.year
    refused = client.post(CONTACTS, body(edition, participant_a, year=year + 1), format="json")
    assert refused.json() == {"year": [f"Company A is a participant of {year}, not {year + 1}"]}
    made = client.post(CONTACTS, body(edition, participant_a, year=year), format="json")
    assert (made.status_code, made.json()["year"]) == (201, year)
    refused = client.patch(f"{CONTACTS}{made.json()['id']}/", {"year": year + 1}, format="json")
    assert refused.json() == {"year": [f"the contact belongs to {year}, not {year + 1}: its edition cannot change"]}
    elsewhere = ParticipantFactory.create(name="Company C")  # another edition's
    refused = client.patch(f"{CONTACTS}{made.json()['id']}/", {"participant": elsewhere.pk}, format="json")
    assert refused.json() == {"participant": [f"Company C is not a participant of {year}"]}


def test_a_conflict_of_interest_is_refused_on_the_participant(edition: Edition, judge: User, participant_b: Participant) -> None:
    JudgeConflict.objects.create(judge=judge, participant=participant_b, reason="My sister works there")
    answer = api_for(judge).post(CONTACTS, body(edition, participant_b), format="json")
    assert (answer.status_code, answer.json()) == (
        400,
        {"participant": ["judge has declared a conflict of interest with Company B"]},
    )
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"happened_at": "2031-02-01T10:15:00"},
            {"happened_at": ["give the time with its offset from UTC, such as 2021-02-01T10:15:00+01:00"]},
        ),
        ({"answers": {"solution": "lots"}}, {"answers.solution": ["A valid integer is required."]}),
        ({"answers": ["solution"]}, {"answers": ['Expected a dictionary of items but got type "list".']}),
        ({"participant": 10**30}, {"participant": [f'Invalid pk "{10**30}" - object does not exist.']}),  # no overflow
        ({"participant": 999_999}, {"participant": ['Invalid pk "999999" - object does not exist.']}),
        ({"channel": "fax"}, {"channel": ['"fax" is not a valid choice.']}),
        ({"handled_by": "bot"}, {"handled_by": ["a chatbot can handle only chat and Messenger contacts"]}),
        (
            {"answers": {"greeting": 4, "solution": 7, "feeling": None, "smile": 1}},
            {"answers.smile": ["no such question in the phone questionnaire"]},
        ),
        (
            {"channel": "chat", "wait_seconds": 30, "answers": {"solution": 5, "tone": 1}},
            {"handled_by": ["required when the contact was answered"]},
        ),
    ],
)
def test_a_bad_field_is_named(
    edition: Edition, judge: User, participant_a: Participant, changes: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    answer = api_for(judge).post(CONTACTS, body(edition, participant_a, **changes), format="json")
    assert (answer.status_code, answer.json()) == (400, errors)


def test_a_chat_handled_by_a_bot(edition: Edition, judge: User, participant_a: Participant) -> None:
    given = body(edition, participant_a, channel="chat", wait_seconds=30, handled_by="bot", answers={"solution": 5, "tone": 3})
    answer = api_for(judge).post(CONTACTS, given, format="json")
    assert answer.status_code == 201
    assert {key: answer.json()[key] for key in ("handled_by", "answers", "score")} == {
        "handled_by": "bot",
        "answers": {"solution": 5, "tone": 3},
        "score": "61.5385",  # 8 of 13
    }


# Closed and voided contacts ---------------------------------------------------------------------


def test_after_the_final_publication_a_judges_change_is_a_409(edition: Edition, judge: User, participant_a: Participant) -> None:
    contact = recorded(edition, participant_a, judge)
    Edition.objects.filter(pk=edition.pk).update(final_published_at=timezone.now())
    client = api_for(judge)
    path = f"{CONTACTS}{contact.pk}/"
    closed = (
        f"The final results of {edition.year} are published: the edition is closed, and its contacts can no longer be changed."
    )
    answers = [
        client.post(CONTACTS, body(edition, participant_a), format="json"),
        client.patch(path, {"comment": "Later"}, format="json"),
        client.put(path, body(edition, participant_a), format="json"),
        client.post(f"{path}submit/"),
    ]
    assert [(answer.status_code, answer.json()) for answer in answers] == [(409, {"detail": closed})] * 4
    assert (Contact.objects.count(), client.get(path).status_code) == (1, 200)


def test_an_organiser_who_judges_changes_a_closed_contact_with_a_reason(
    edition: Edition, organiser: User, participant_a: Participant
) -> None:
    """contacts_locked_for spares organisers, and the service asks them a reason: the API passes it on."""
    organiser.groups.add(Group.objects.get(name=JUDGES))
    contact = recorded(edition, participant_a, organiser)
    Edition.objects.filter(pk=edition.pk).update(final_published_at=timezone.now())
    client = api_for(organiser)
    path = f"{CONTACTS}{contact.pk}/"
    refused = client.patch(path, {"comment": "Corrected"}, format="json")
    assert (refused.status_code, refused.json()) == (
        400,
        {"reason": [f"The final results of {edition.year} are published: give a reason for this change."]},
    )
    changed = client.patch(path, {"comment": "Corrected", "reason": "The judge's note was wrong"}, format="json")
    assert (changed.status_code, changed.json()["comment"]) == (200, "Corrected")
    assert history_of(contact).filter(action="update").get().note == "The judge's note was wrong"


def test_a_voided_contact_cannot_be_changed(edition: Edition, judge: User, organiser: User, participant_a: Participant) -> None:
    contact = recorded(edition, participant_a, judge, status="draft")
    contact_void(contact=contact, reason="Wrong company", user=organiser, source=Source.ADMIN)
    client = api_for(judge)
    path = f"{CONTACTS}{contact.pk}/"
    voided = "This contact is voided: it counts nowhere and cannot be changed. An organiser can restore it, with a reason."
    answers = [client.patch(path, {"comment": "Later"}, format="json"), client.post(f"{path}submit/")]
    assert [(answer.status_code, answer.json()) for answer in answers] == [(409, {"detail": voided})] * 2
    assert client.get(path).json()["void_reason"] == "Wrong company"


# The list's filters ---------------------------------------------------------------------------------


def test_the_list_by_channel_state_and_year(edition: Edition, judge: User, participant_a: Participant, organiser: User) -> None:
    phone = recorded(edition, participant_a, judge)
    chat = record(edition, participant=participant_a, channel="chat", judge=judge, answers={"tone": 2}, status="draft")
    voided = recorded(edition, participant_a, judge)
    contact_void(contact=voided, reason="Twice", user=organiser, source=Source.ADMIN)
    earlier = EditionFactory.create(year=2020, starts_on=date(2020, 1, 6), ends_on=date(2020, 5, 29))
    QuestionFactory.create(edition=earlier, channel="phone", key="solution")
    old = record(
        earlier, participant=ParticipantFactory.create(edition=earlier), channel="phone", judge=judge, answers={"solution": 3}
    )
    client = api_for(judge)

    def ids(query: str) -> list[int]:
        answer = client.get(f"{CONTACTS}?{query}")
        assert answer.status_code == 200, answer.json()
        return [contact["id"] for contact in answer.json()["results"]]

    assert ids("") == [old.pk, voided.pk, chat.pk, phone.pk]
    assert ids("state=draft") == [chat.pk]
    assert ids("state=submitted") == [old.pk, phone.pk]
    assert ids("state=voided") == [voided.pk]
    assert ids("channel=chat") == [chat.pk]
    assert ids(f"year={edition.year}&channel=phone") == [voided.pk, phone.pk]
    assert ids("year=2020") == [old.pk]
    refused = {
        "channel=fax": {"channel": ['"fax" is not a valid choice.']},
        "state=gone": {"state": ['"gone" is not a valid choice.']},
        "year=abc": {"year": ["A valid integer is required."]},
        "year=1999": {"year": ["There is no edition of 1999."]},
    }
    got = {query: client.get(f"{CONTACTS}?{query}") for query in refused}
    assert {query: (answer.status_code, answer.json()) for query, answer in got.items()} == {
        query: (400, errors) for query, errors in refused.items()
    }
