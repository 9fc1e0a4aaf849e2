"""The judges' API (/api/v1/judge/): the questionnaire, the work list, the checks shared with the site's form (the same
refusals, the same messages, in the client's language), another judge's contact 404, a forgotten question on submit,
the Idempotency-Key of contact creation, who may, and the list's queries and cursor pages. The other writes:
test_judge_contacts.py."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from api.models import IdempotentRequest
from award.models import Edition, Participant
from channels_app.models import Contact, PlannedContact
from tests.api.judging import BANDS, CONTACTS, api_for, body, judging_edition, local, phone_contact, recorded, shown
from tests.conftest import ClientAs, record


@pytest.fixture
def edition(participant_a: Participant, participant_b: Participant) -> Edition:
    return judging_edition(participant_a)


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
    edition: Edition, judge: User, other_judge: User, participant_a: Participant, participant_b: Participant
) -> None:
    today = timezone.localdate()
    Edition.objects.filter(pk=edition.pk).update(starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=60))
    edition.refresh_from_db()
    a = participant_a
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
    request: pytest.FixtureRequest,
    edition: Edition,
    judge: User,
    participant_a: Participant,
    persona: str | None,
    status: int,
    detail: str,
) -> None:
    contact = recorded(edition, participant_a, judge)
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
