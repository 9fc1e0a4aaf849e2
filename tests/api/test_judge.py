"""The judges' API (/api/v1/judge/): the questionnaire, the work list and their own contacts, checked by the same service
as the site's form (the same refusals, the same messages), 404 for another judge's contact, and the Idempotency-Key of
contact creation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import IdempotentRequest
from audit.models import Source
from audit.selectors import history_of
from award.accounts.tokens import token_create
from award.models import Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact, JudgeConflict, PlannedContact, WaitRule
from channels_app.services import contact_void
from tests.conftest import ClientAs, record
from tests.factories import EditionFactory, ParticipantFactory, QuestionFactory

CONTACTS = "/api/v1/judge/contacts/"
BANDS = [[30, 5], [60, 4], [120, 3], [300, 1]]


@pytest.fixture
def edition(participant_a: Participant, participant_b: Participant) -> Edition:
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


# The questionnaire ------------------------------------------------------------------------------


def test_the_questionnaire_with_its_waiting_time_rule(edition: Edition, judge: User) -> None:
    client = api_for(judge)
    answer = client.get(f"/api/v1/judge/editions/{edition.year}/questionnaire/phone/")
    assert answer.status_code == 200
    question = {"area": "Solution", "counts": True, "scored_by_wait": False}
    assert answer.json() == {
        "year": edition.year,
        "channel": "phone",
        "questions": [
            question | {"key": "wait", "text": "How long did you wait?", "max_points": 5, "position": 0, "scored_by_wait": True},
            question | {"key": "greeting", "text": "Did they greet you?", "max_points": 5, "position": 1},
            question | {"key": "solution", "text": "Did you get an answer?", "max_points": 10, "position": 2},
            question | {"key": "feeling", "text": "How did it feel?", "max_points": 5, "position": 3, "counts": False},
        ],
        "wait": {"limit_seconds": 300, "limit_working_days": None, "bands": BANDS, "question_key": "wait"},
    }
    chat = client.get(f"/api/v1/judge/editions/{edition.year}/questionnaire/chat/").json()
    assert [q["key"] for q in chat["questions"]] == ["solution", "tone"]
    assert chat["wait"] == {"limit_seconds": 300, "limit_working_days": None, "bands": [], "question_key": None}


def test_a_questionnaire_that_does_not_exist_is_a_404_that_says_why(edition: Edition, judge: User) -> None:
    client = api_for(judge)
    year = edition.year
    cases = {
        f"editions/{year}/questionnaire/email/": f"Customer Service Award {year} ({year}) has no questionnaire for E-mail.",
        f"editions/{year}/questionnaire/fax/": "There is no channel “fax”: the channels are phone, email, chat, messenger.",
        "editions/1999/questionnaire/phone/": "There is no edition of 1999.",
        "editions/99999/questionnaire/phone/": "There is nothing at this address of the API.",  # no year: no address
    }
    got = {path: client.get(f"/api/v1/judge/{path}") for path in cases}
    assert {path: (answer.status_code, answer.json()["detail"]) for path, answer in got.items()} == {
        path: (404, detail) for path, detail in cases.items()
    }


# The work list ----------------------------------------------------------------------------------


def test_the_work_list_of_the_current_edition(
    edition: Edition, judge: User, other_judge: User, participant_b: Participant
) -> None:
    today = timezone.localdate()
    Edition.objects.filter(pk=edition.pk).update(starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=60))
    edition.refresh_from_db()
    a = Participant.objects.get(name="Company A")
    week_start = today - timedelta(days=today.weekday())
    at = lambda day, hour: timezone.make_aware(datetime.combine(day, time(hour)))  # noqa: E731
    made = recorded(edition, participant_b, judge, happened_at=timezone.now())
    draft = record(
        edition, participant=a, channel="chat", judge=judge, happened_at=timezone.now(), answers={"tone": 2}, status="draft"
    )
    plan = PlannedContact.objects.create
    due = plan(edition=edition, participant=a, channel="phone", judge=judge, planned_at=at(today, 10))
    overdue = plan(edition=edition, participant=a, channel="chat", judge=judge, planned_at=at(week_start - timedelta(days=3), 10))
    second = plan(edition=edition, participant=a, channel="chat", judge=judge, planned_at=at(today, 11), attempt=2)
    done = plan(
        edition=edition, participant=participant_b, channel="phone", judge=judge, planned_at=at(week_start - timedelta(days=7), 9)
    )
    PlannedContact.objects.filter(pk=done.pk).update(contact=made)
    plan(edition=edition, participant=a, channel="phone", judge=other_judge, planned_at=at(today, 12))  # not theirs

    client = api_for(judge)
    answer = client.get("/api/v1/judge/work/")
    assert answer.status_code == 200
    company_a, company_b = {"id": a.pk, "name": "Company A"}, {"id": participant_b.pk, "name": "Company B"}

    def entry(planned: PlannedContact, participant: dict[str, Any], contact: int | None = None) -> dict[str, Any]:
        return {
            "id": planned.pk,
            "participant": participant,
            "channel": planned.channel,
            "attempt": planned.attempt,
            "planned_at": local(planned.planned_at),
            "contact": contact,
        }

    draft.refresh_from_db()
    assert answer.json() == {
        "year": edition.year,
        "week_start": week_start.isoformat(),
        "due": [entry(due, company_a)],
        "overdue": [entry(overdue, company_a)],
        "second_tries": [entry(second, company_a)],
        "done": [entry(done, company_b, made.pk)],
        "drafts": [
            {
                "id": draft.pk,
                "ref": draft.ref,
                "participant": company_a,
                "channel": "chat",
                "happened_at": local(draft.happened_at),
                "unchosen": ["solution"],
                "updated_at": local(draft.updated_at),
            }
        ],
        "done_count": 1,
        "planned_count": 3,  # first tries: due, overdue and done
    }

    # A contact logged through the API is done in the work list at once, as the site's are (the same service).
    logged = client.post(CONTACTS, body(edition, a, happened_at=timezone.localtime().isoformat()), format="json")
    assert logged.status_code == 201
    after = client.get("/api/v1/judge/work/").json()
    assert (after["due"], after["done"][0]["id"], after["done"][0]["contact"]) == ([], due.pk, logged.json()["id"])


def test_no_edition_no_work(judge: User) -> None:
    answer = api_for(judge).get("/api/v1/judge/work/")
    assert (answer.status_code, answer.json()) == (404, {"detail": "There is no edition to work on yet."})


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


def test_the_site_form_and_the_api_refuse_a_contact_with_the_same_messages(
    edition: Edition, judge: User, participant_a: Participant, client_as: ClientAs
) -> None:
    """Outside the edition, a wait past the limit, a comment too long, a question forgotten: one check, one wording."""
    comment = "x" * 10_001
    site = client_as("judge").post(
        reverse("judging:contact_new") + "?channel=phone",
        {
            "participant": participant_a.pk,
            "happened_at": "2020-05-01T10:00",
            "answered": "on",
            "wait": "9:00",
            "comment": comment,
            "q_greeting": "4",
            "q_feeling": "na",
            "_submit": "",
        },
    )
    assert site.status_code == 200
    form = {name: list(reasons) for name, reasons in site.context["form"].errors.items()}
    api = api_for(judge).post(
        CONTACTS,
        body(
            edition,
            participant_a,
            happened_at="2020-05-01T10:00:00+02:00",
            wait_seconds=540,
            comment=comment,
            answers={"greeting": 4, "feeling": None},
        ),
        format="json",
    )
    assert api.status_code == 400
    outside = f"2020-05-01 is outside the edition ({edition.year}-01-15 to {edition.year}-04-12)"
    past = "a wait of 9:00 is past the limit for Phone (5:00): log the contact as not answered"
    assert api.json() == {
        "happened_at": [outside],
        "wait_seconds": [past],
        "comment": ["at most 10000 characters"],
        "answers.solution": ["choose the points, or N/A"],
    }
    names = {"wait": "wait_seconds", "q_solution": "answers.solution"}
    assert {names.get(name, name): reasons for name, reasons in form.items()} == api.json()
    assert Contact.objects.count() == 0


def test_a_refusal_in_the_clients_language(edition: Edition, judge: User, participant_a: Participant) -> None:
    client = api_for(judge, language="nb")
    given = body(edition, participant_a, answers={"greeting": 9, "feeling": None})
    del given["answered"]
    answer = client.post(CONTACTS, given, format="json")
    assert (answer.status_code, answer.json()) == (400, {"answered": ["Dette feltet er påkrevd."]})
    answer = client.post(CONTACTS, given | {"answered": True}, format="json")
    assert answer.status_code == 400
    assert answer["Content-Language"] == "nb"
    assert answer.json() == {
        "answers.greeting": ["9 er utenfor intervallet 0 til 5"],
        "answers.solution": ["velg poeng, eller «Ikke relevant»"],
    }


def test_another_judges_contact_is_not_found(
    edition: Edition, judge: User, other_judge: User, participant_a: Participant
) -> None:
    theirs = recorded(edition, participant_a, other_judge)
    before = Contact.objects.values().get(pk=theirs.pk)
    client = api_for(judge)
    path = f"{CONTACTS}{theirs.pk}/"
    answers = [
        client.get(path),
        client.patch(path, {"comment": "Mine now"}, format="json"),
        client.put(path, body(edition, participant_a), format="json"),
        client.post(f"{path}submit/"),
    ]
    assert [(answer.status_code, answer.json()) for answer in answers] == [(404, {"detail": "Not found."})] * 4
    assert Contact.objects.values().get(pk=theirs.pk) == before
    assert client.get(CONTACTS).json()["results"] == []
    assert api_for(other_judge).get(path).status_code == 200


def test_a_forgotten_question_is_refused_on_submit_never_counted_as_na(
    edition: Edition, judge: User, participant_a: Participant
) -> None:
    client = api_for(judge)
    forgotten = {"greeting": 4, "feeling": None}  # no choice for "solution"
    refused = client.post(CONTACTS, body(edition, participant_a, answers=forgotten), format="json")
    assert (refused.status_code, refused.json()) == (400, {"answers.solution": ["choose the points, or N/A"]})
    assert Contact.objects.count() == 0

    made = client.post(CONTACTS, body(edition, participant_a, answers=forgotten, status="draft"), format="json")
    assert made.status_code == 201
    draft = Contact.objects.get()
    expected = phone_contact(edition, participant_a, status="draft", score="0.0000", unchosen=["solution"])
    assert made.json() == shown(draft) | expected | {"answers": {"wait": 4, "greeting": 4, "feeling": None}}

    submit = f"{CONTACTS}{draft.pk}/submit/"
    refused = client.post(submit)
    assert (refused.status_code, refused.json()) == (400, {"answers.solution": ["choose the points, or N/A"]})
    draft.refresh_from_db()
    assert (draft.status, str(draft.score), draft.unchosen) == ("draft", "0.0000", ["solution"])

    # N/A is a choice, said as null: then the draft is complete, and submitted.
    patched = client.patch(f"{CONTACTS}{draft.pk}/", {"answers": {"solution": None}}, format="json")
    assert (patched.json()["status"], patched.json()["unchosen"], patched.json()["score"]) == ("draft", [], "80.0000")
    submitted = client.post(submit)
    assert submitted.status_code == 200
    na = {"answers": {"wait": 4, "greeting": 4, "solution": None, "feeling": None}, "score": "80.0000"}
    assert submitted.json() == shown(draft) | phone_contact(edition, participant_a) | na
    assert client.post(submit).json() == submitted.json()  # submitting again changes nothing


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


# Idempotency-Key ----------------------------------------------------------------------------------


def test_the_same_request_twice_logs_one_contact(
    edition: Edition, judge: User, other_judge: User, participant_a: Participant
) -> None:
    client = api_for(judge)
    given = body(edition, participant_a)
    first = client.post(CONTACTS, given, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    again = client.post(CONTACTS, given, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (first.get("Idempotent-Replayed"), again["Idempotent-Replayed"]) == (None, "true")
    assert again["Location"] == first["Location"]
    assert Contact.objects.count() == 1
    # The same key for another request: refused, nothing made.
    other = client.post(CONTACTS, given | {"comment": "Another"}, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    assert (other.status_code, other.json()) == (
        422,
        {"detail": "This Idempotency-Key was already used for another request: use a new key for a new request."},
    )
    assert Contact.objects.count() == 1
    # A key is its user's: another judge's same key makes their own contact.
    theirs = api_for(other_judge).post(CONTACTS, given, format="json", HTTP_IDEMPOTENCY_KEY="contact-1")
    assert (theirs.status_code, theirs.get("Idempotent-Replayed"), Contact.objects.filter(judge=other_judge).count()) == (
        201,
        None,
        1,
    )


def test_a_refused_try_then_a_corrected_retry_with_the_same_key(
    edition: Edition, judge: User, participant_a: Participant
) -> None:
    client = api_for(judge)
    wrong = body(edition, participant_a, answers={"greeting": 9, "solution": 7, "feeling": None})
    refused = client.post(CONTACTS, wrong, format="json", HTTP_IDEMPOTENCY_KEY="retry-7")
    assert (refused.status_code, refused.json()) == (400, {"answers.greeting": ["9 is out of range 0 to 5"]})
    assert (Contact.objects.count(), IdempotentRequest.objects.count()) == (0, 0)
    corrected = client.post(CONTACTS, body(edition, participant_a), format="json", HTTP_IDEMPOTENCY_KEY="retry-7")
    replayed = client.post(CONTACTS, body(edition, participant_a), format="json", HTTP_IDEMPOTENCY_KEY="retry-7")
    assert (corrected.status_code, replayed.status_code, replayed.json()) == (201, 201, corrected.json())
    assert Contact.objects.count() == 1


# Who may ----------------------------------------------------------------------------------------


def test_a_read_only_token_reads_and_cannot_write(edition: Edition, judge: User, participant_a: Participant) -> None:
    client = api_for(judge, scopes=("read",))
    assert client.get(CONTACTS).status_code == 200
    answer = client.post(CONTACTS, body(edition, participant_a), format="json")
    assert (answer.status_code, answer.json()) == (403, {"detail": "This token does not have the scope this request needs."})
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status", "detail"),
    [
        ("organiser", 403, "Only judges may do this."),
        ("company_user", 403, "Only judges may do this."),
        (None, 401, "Authentication credentials were not provided."),
    ],
)
def test_only_judges(
    request: pytest.FixtureRequest, edition: Edition, judge: User, persona: str | None, status: int, detail: str
) -> None:
    contact = recorded(edition, Participant.objects.get(name="Company A"), judge)
    client = api_for(request.getfixturevalue(persona) if persona else None)
    paths = [
        f"/api/v1/judge/editions/{edition.year}/questionnaire/phone/",
        "/api/v1/judge/work/",
        CONTACTS,
        f"{CONTACTS}{contact.pk}/",
    ]
    answers = [client.get(path) for path in paths] + [client.post(f"{CONTACTS}{contact.pk}/submit/")]
    assert [(answer.status_code, answer.json()) for answer in answers] == [(status, {"detail": detail})] * 5
    if persona is None:
        assert answers[0]["WWW-Authenticate"] == 'Bearer realm="api"'


# The list -----------------------------------------------------------------------------------------


def test_the_lists_queries_do_not_grow_with_the_contacts(
    edition: Edition, judge: User, participant_a: Participant, django_assert_num_queries: Any
) -> None:
    client = api_for(judge)
    client.get("/api/v1/judge/work/")  # the token's first use is noted (then every 5 minutes): not the list's
    for _ in range(3):
        recorded(edition, participant_a, judge)
    # The token with its user, the judge's group, the page, its answers, the questions of its editions.
    with django_assert_num_queries(5):
        assert len(client.get(CONTACTS).json()["results"]) == 3
    for _ in range(27):
        recorded(edition, participant_a, judge, channel="chat", wait_seconds=20, answers={"solution": 6, "tone": 2})
    with django_assert_num_queries(5):
        assert len(client.get(CONTACTS).json()["results"]) == 30


def test_cursor_pages_walk_every_contact_once(edition: Edition, judge: User, participant_a: Participant) -> None:
    made = [recorded(edition, participant_a, judge).pk for _ in range(7)]
    client = api_for(judge)
    seen: list[int] = []
    sizes: list[int] = []
    address: str | None = f"{CONTACTS}?page_size=3"
    while address is not None:
        page = client.get(address).json()
        seen += [contact["id"] for contact in page["results"]]
        sizes.append(len(page["results"]))
        address = page["next"]
    assert (seen, sizes) == (sorted(made, reverse=True), [3, 3, 1])


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
