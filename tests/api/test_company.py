"""The companies' API: their own participants, each one's dashboard and its contacts, exactly as the dashboard page shows
them (the same numbers, the same rounding, the same averages hidden for the same reasons), and nothing of anyone else."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from rest_framework.test import APIClient

from audit.models import Source
from award.accounts.tokens import token_create
from award.models import Edition, Participant
from channels_app.models import Contact, Question
from dashboard.selectors import participant_dashboard
from publications.models import Publication
from publications.selectors import publication_latest
from publications.services import publication_create
from scoring.rules import published
from tests.conftest import ClientAs, company_user_of, record
from tests.dashboard.conftest import PUBLISHED_AT
from tests.dashboard.test_dashboard import _contacts, _scored_edition, channel_section, figure
from tests.factories import EditionFactory, ParticipantFactory, QuestionFactory, UserFactory

PARTICIPANTS = "/api/v1/company/participants/"
JUDGES = ("judge1", "judge2")  # the mini sample's judges: never in an answer to a company
NO_SCORE = "\u2013"  # an en dash: what the page shows where the API gives null


def dashboard_url(participant: Participant | int) -> str:
    return f"{PARTICIPANTS}{participant if isinstance(participant, int) else participant.pk}/dashboard/"


def contacts_url(participant: Participant | int) -> str:
    return f"{PARTICIPANTS}{participant if isinstance(participant, int) else participant.pk}/contacts/"


def api_as(user: User, *scopes: str, language: str = "en") -> APIClient:
    """An API client with a personal token of the user (read only, unless told)."""
    new = token_create(owner=user, name="script", scopes=list(scopes or ["read"]), source=Source.COMMAND)
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    return client


@pytest.fixture
def published_interim(mini: Edition) -> Publication:
    return publication_create(edition=mini, kind="interim", published_at=PUBLISHED_AT)


def page_of(user: User, client_as: ClientAs, participant: Participant) -> str:
    response = client_as(user).get(f"/dashboard/{participant.edition.year}/{participant.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return str(response.content.decode())


def shown(score: str | None) -> str:
    """How the English page writes an average the API gives: the same string, or "hidden"."""
    return "hidden" if score is None else score


def assert_the_page_agrees(html: str, body: dict[str, Any]) -> None:
    """Every figure of the API's dashboard is the string the rendered page shows (in English: a point, as the API)."""
    assert figure(html, None, "overall") == (body["score"] or NO_SCORE)
    for block in body["channels"]:
        channel = block["channel"]
        section = channel_section(html, channel)
        assert figure(html, channel, "total") == (block["score"] or NO_SCORE)
        assert figure(html, channel, "answered") == (block["answered_score"] or NO_SCORE)
        assert figure(html, channel, "contacts") == str(block["contacts"])
        assert figure(html, channel, "unanswered") == f"{block['unanswered']} unanswered"
        for name in ("field", "class"):
            average = block[f"{name}_average"]
            assert figure(html, channel, f"{name}-average") == shown(average["score"]), (channel, name)
            note = figure(html, channel, f"{name}-average-note")
            if average["participants"] is None:  # the page gives no count either
                assert not re.search(r"\d", note), note
            elif average["hidden"] is None:
                assert note.startswith(f"{average['participants']} participant"), note
            else:
                assert f"({average['participants']} on " in note, note
        assert re.findall(r'<td class="num own">([^<]*)<', section) == [area["own"] or NO_SCORE for area in block["areas"]]
        assert re.findall(r'<td class="num field">(?:<span class="figure-hidden">)?([^<]*)<', section) == [
            shown(area["field"]) for area in block["areas"]
        ]
        assert re.findall(r'<td class="num score">([^<]*)<', section) == [line["score"] or NO_SCORE for line in block["handlers"]]
    assert body["edition_rank"] is None or f"rank {body['edition_rank']['rank']} of {body['edition_rank']['of']}" in html


def test_a_company_user_lists_its_own_participants_only(
    sognenett: Participant, sognenett_reader: User, other_company_user: User, participant_b: Participant
) -> None:
    later = ParticipantFactory.create(name="Sognenett", edition__year=2022, channels=["phone"])
    company_user_of(later, username="sognenett-reader")  # the same account, a year later

    response = api_as(sognenett_reader).get(PARTICIPANTS)

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [  # newest edition first
            {"id": later.pk, "name": "Sognenett", "year": 2022, "class": later.award_class.name},
            {"id": sognenett.pk, "name": "Sognenett", "year": 2021, "class": "Broadband"},
        ],
    }
    others = api_as(other_company_user).get(PARTICIPANTS).json()["results"]
    b_class = participant_b.award_class.name
    assert others == [{"id": participant_b.pk, "name": "Company B", "year": participant_b.edition.year, "class": b_class}]


def test_the_dashboard_gives_the_numbers_the_page_shows(
    sognenett: Participant, sognenett_reader: User, published_interim: Publication, client_as: ClientAs
) -> None:
    response = api_as(sognenett_reader).get(dashboard_url(sognenett))

    assert response.status_code == 200
    body = response.json()
    phone, email, chat = body.pop("channels")
    # The hand-computed numbers of the mini sample (tests/dashboard/test_dashboard.py).
    assert body == {
        "participant": {"id": sognenett.pk, "name": "Sognenett", "year": 2021, "class": "Broadband"},
        "score": "80.7",  # 80.6667 over 10 contacts
        "contacts": 10,
        "qualified": True,
        "minimum": 3,
        "averages_published_at": "2021-03-15T13:00:00+01:00",  # PUBLISHED_AT, in the award's time zone
        "final_published_at": None,
        "edition_rank": None,
        "class_rank": None,
    }
    assert phone == {
        "channel": "phone",
        "contacts": 4,
        "unanswered": 1,
        "minimum": 3,
        "missing": 0,
        "qualified": True,
        "score": "66.7",  # (80 + 86.6667 + 0 + 100) / 4
        "answered_score": "88.9",
        "field_average": {"score": "73.3", "participants": 5, "hidden": None},
        "class_average": {"score": None, "participants": 2, "hidden": "few"},  # Broadband: Sognenett and Tussa
        "areas": [
            {"area": "Answer and waiting time", "own": "86.7", "field": "87.7"},
            {"area": "The agent", "own": "90.0", "field": "90.0"},
            {"area": "Solution", "own": "90.0", "field": "90.8"},
        ],
        "handlers": [],
        "months": [{"month": "2021-02-01", "contacts": 4, "score": "66.7"}],
        "rank": None,
    }
    assert (email["score"], email["field_average"]) == ("91.1", {"score": "90.4", "participants": 3, "hidden": None})
    assert chat["handlers"] == [
        {"handler": "agent", "contacts": 2, "score": "88.9", "passed_to_agent": 0},
        {"handler": "bot", "contacts": 1, "score": "88.9", "passed_to_agent": 1},
    ]
    assert not any(name in response.content.decode() for name in JUDGES)

    # The selector's values, rounded by the one rule of a published score.
    dashboard = participant_dashboard(participant=sognenett)
    assert body["score"] == published(dashboard.overall)
    for block, given in zip(dashboard.channels, (phone, email, chat), strict=True):
        assert (given["channel"], given["contacts"], given["unanswered"]) == (block.channel, block.contacts, block.unanswered)
        assert (given["score"], given["answered_score"]) == (published(block.total), published(block.answered))
        assert given["field_average"]["score"] == published(block.field_average.value)
        assert given["field_average"]["participants"] == block.field_average.participants
        assert [area["field"] for area in given["areas"]] == [published(area.field) for area in block.areas]

    # And the strings on the rendered page.
    assert_the_page_agrees(page_of(sognenett_reader, client_as, sognenett), {**body, "channels": [phone, email, chat]})


def test_a_score_at_a_half_is_rounded_up_by_the_api_as_on_the_page(
    db: None, client_as: ClientAs, django_capture_on_commit_callbacks: Any
) -> None:
    """66.65 is 66.7 (half-up, scoring.md §6) on the page and in the API alike; a banker's rounding would give 66.6."""
    edition = EditionFactory.create()
    QuestionFactory.create(edition=edition, channel="phone", key="solution", max_points=2000)
    participant = ParticipantFactory.create(name="Halfway", edition=edition, channels=["phone"])
    judge = UserFactory.create(username="judge-halfway", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):  # rescored at commit
        record(edition, participant=participant, channel="phone", judge=judge, answers={"solution": 1333})  # 66.6500
    user = company_user_of(participant)

    body = api_as(user).get(dashboard_url(participant)).json()

    assert Contact.objects.get(participant=participant).score == Decimal("66.6500")
    assert (body["score"], body["channels"][0]["score"], body["channels"][0]["months"][0]["score"]) == ("66.7", "66.7", "66.7")
    assert api_as(user).get(contacts_url(participant)).json()["results"][0]["score"] == "66.7"
    html = page_of(user, client_as, participant)
    assert figure(html, "phone", "total") == "66.7"
    assert_the_page_agrees(html, body)


def average_notes(html: str, channel: str) -> tuple[str, str]:
    return figure(html, channel, "field-average-note"), figure(html, channel, "class-average-note")


def test_averages_are_hidden_below_the_threshold_exactly_as_on_the_page(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    """Two participants: the field average (and its area share) would give the other's score away."""
    participants = _scored_edition({"X": {"A": 800}, "Y": {"B": 600}}, django_capture_on_commit_callbacks)
    user = company_user_of(participants["A"])
    latest = publication_latest(year=participants["A"].edition.year)
    assert latest is not None

    phone = api_as(user).get(dashboard_url(participants["A"])).json()["channels"][0]

    assert phone["score"] == "80.0"
    assert phone["field_average"] == {"score": None, "participants": 2, "hidden": "few"}
    assert phone["class_average"] == {"score": None, "participants": 1, "hidden": "few"}
    assert phone["areas"] == [{"area": "Solution", "own": "80.0", "field": None}]
    html = page_of(user, client_as, participants["A"])
    with translation.override("en"):
        moment = date_format(timezone.localtime(latest.published_at), "DATE_FORMAT")
    assert average_notes(html, "phone")[0] == (
        f"Shown once the published results count at least three participants with a score in this channel (2 on {moment}), "
        "so that it never reveals a competitor's score."
    )
    assert "70.0" not in str(phone) and "60.0" not in str(phone)  # (80 + 60) / 2, or B's own
    assert_the_page_agrees(html, api_as(user).get(dashboard_url(participants["A"])).json())


def test_a_class_average_hidden_for_its_outsiders_gives_no_count_as_on_the_page(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    """X = {A, B, C}, Y = {D}: field and class together would give D's score, so the class average is hidden, and its
    count with it (field count minus class count would say how many are outside)."""
    participants = _scored_edition({"X": {"A": 800, "B": 600, "C": 700}, "Y": {"D": 123}}, django_capture_on_commit_callbacks)
    user = company_user_of(participants["A"])

    body = api_as(user).get(dashboard_url(participants["A"])).json()

    phone = body["channels"][0]
    assert phone["field_average"] == {"score": "55.6", "participants": 4, "hidden": None}  # 55.575, half-up
    assert phone["class_average"] == {"score": None, "participants": None, "hidden": "outsiders"}
    html = page_of(user, client_as, participants["A"])
    assert average_notes(html, "phone")[1] == (
        "Hidden while only one or two participants outside your class have a score in this channel: together with "
        "the average of all participants it would reveal their scores."
    )
    assert_the_page_agrees(html, body)


def test_before_any_publication_every_average_waits_and_a_newcomer_moves_none_until_the_next(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    participants = _scored_edition({"X": {"A": 800, "B": 600, "C": 700}}, django_capture_on_commit_callbacks, publish=False)
    user = company_user_of(participants["A"])
    client = api_as(user)

    waiting = client.get(dashboard_url(participants["A"])).json()

    assert waiting["averages_published_at"] is None
    assert (
        waiting["channels"][0]["field_average"]
        == waiting["channels"][0]["class_average"]
        == {
            "score": None,
            "participants": None,
            "hidden": "unpublished",
        }
    )
    assert waiting["channels"][0]["areas"] == [{"area": "Solution", "own": "80.0", "field": None}]
    assert_the_page_agrees(page_of(user, client_as, participants["A"]), waiting)

    edition = participants["A"].edition
    publication_create(edition=edition, kind="interim")
    first = client.get(dashboard_url(participants["A"])).json()
    assert first["channels"][0]["field_average"] == {"score": "70.0", "participants": 3, "hidden": None}
    newcomer = ParticipantFactory.create(name="G", edition=edition, award_class=participants["A"].award_class, channels=["phone"])
    judge = Contact.objects.filter(participant=participants["A"]).get().judge
    with django_capture_on_commit_callbacks(execute=True):
        record(edition, participant=newcomer, channel="phone", judge=judge, answers={"solution": 1000})
    assert client.get(dashboard_url(participants["A"])).json() == first  # as published, whatever is live
    publication_create(edition=edition, kind="interim")
    assert client.get(dashboard_url(participants["A"])).json()["channels"][0]["field_average"] == {
        "score": "77.5",  # (80 + 60 + 70 + 100) / 4
        "participants": 4,
        "hidden": None,
    }


def test_ranks_come_from_the_final_results_as_on_the_page(
    sognenett: Participant, sognenett_reader: User, mini: Edition, client_as: ClientAs
) -> None:
    publication_create(edition=mini, kind="final", published_at=datetime(2021, 4, 20, 12, tzinfo=UTC))

    body = api_as(sognenett_reader).get(dashboard_url(sognenett)).json()

    assert body["final_published_at"] == "2021-04-20T14:00:00+02:00"
    assert body["edition_rank"] == {"rank": 4, "of": 5, "score": "80.7"}
    assert body["class_rank"] == {"rank": 2, "of": 2, "score": "80.7"}  # Broadband: Tussa, Sognenett
    assert [(block["channel"], block["rank"]["rank"], block["rank"]["of"]) for block in body["channels"]] == [
        ("phone", 4, 5),
        ("email", 1, 3),
        ("chat", 3, 3),
    ]
    assert_the_page_agrees(page_of(sognenett_reader, client_as, sognenett), body)


def every_contact(client: APIClient, url: str) -> list[dict[str, Any]]:
    """Every page of a cursor-paginated list, following `next`."""
    results: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        results += response.json()["results"]
        url = response.json()["next"]
    return results


def test_the_contacts_are_those_the_dashboard_lists_and_never_a_judge(
    sognenett: Participant, sognenett_reader: User, mini: Edition, client_as: ClientAs
) -> None:
    judge = Contact.objects.get(ref="P001").judge
    answers = {"wait": 1, "greeting": 1, "solution": 1, "feeling": None}
    record(mini, participant=sognenett, channel="phone", judge=judge, answers=answers, comment="A draft", status="draft")
    record(
        mini, participant=sognenett, channel="phone", judge=judge, answers=answers, comment="Void", voided=True, void_reason="no"
    )

    response = api_as(sognenett_reader).get(contacts_url(sognenett))

    assert response.status_code == 200
    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    refs = [contact["ref"] for contact in body["results"]]
    expected = Contact.objects.counted().filter(participant=sognenett).order_by("-pk").values_list("ref", flat=True)
    assert refs == list(expected)  # newest recorded first
    assert sorted(refs) == ["C100", "C101", "C102", "E100", "E101", "E102", "P001", "P002", "P003", "P004"]
    p002 = next(contact for contact in body["results"] if contact["ref"] == "P002")
    assert {**p002, "answers": [{k: v for k, v in answer.items() if k != "text"} for answer in p002["answers"]]} == {
        "ref": "P002",
        "happened_at": "2021-02-02T10:15:00+01:00",
        "channel": "phone",
        "answered": True,
        "wait_seconds": 150,
        "handled_by": "agent",
        "score": "86.7",
        "comment": "No name given",
        "answers": [
            {"question": "wait", "area": "Answer and waiting time", "counts": True, "points": 3, "max_points": 5},
            {"question": "greeting", "area": "The agent", "counts": True, "points": None, "max_points": 5},
            {"question": "solution", "area": "Solution", "counts": True, "points": 10, "max_points": 10},
            {"question": "feeling", "area": "Customer experience", "counts": False, "points": 1, "max_points": 5},
        ],
    }
    texts = dict(Question.objects.filter(edition=mini, channel="phone").values_list("key", "text"))
    assert [answer.pop("text") for answer in p002["answers"]] == [
        texts[key] for key in ("wait", "greeting", "solution", "feeling")
    ]
    p003 = next(contact for contact in body["results"] if contact["ref"] == "P003")
    assert (p003["answered"], p003["score"], p003["handled_by"], p003["answers"]) == (False, "0.0", None, [])
    text = response.content.decode()
    assert "A draft" not in text and "Void" not in text
    assert not any(name in text for name in JUDGES) and "judge" not in text

    # The page lists the same contacts with the same scores.
    html = page_of(sognenett_reader, client_as, sognenett)
    page_scores = dict(re.findall(r'data-ref="([^"]+)">.*?<td class="num score"[^>]*>([^<]*)<', html, flags=re.S))
    assert page_scores == {contact["ref"]: contact["score"] for contact in body["results"]}


def test_cursor_pages_walk_every_contact_once_while_new_ones_come_in(
    sognenett: Participant, sognenett_reader: User, mini: Edition
) -> None:
    client = api_as(sognenett_reader)
    first = client.get(f"{contacts_url(sognenett)}?page_size=4").json()
    judge = Contact.objects.get(ref="P001").judge
    # A contact recorded between two pages comes before the first page (newest first): the walk neither repeats nor skips.
    record(mini, participant=sognenett, channel="email", judge=judge, ref="E999", answers={"wait": 5, "solution": 10})

    walked = [contact["ref"] for contact in [*first["results"], *every_contact(client, first["next"])]]

    counted = Contact.objects.counted().filter(participant=sognenett)
    assert walked == list(counted.exclude(ref="E999").order_by("-pk").values_list("ref", flat=True))
    assert len(walked) == len(set(walked)) == 10
    assert every_contact(client, f"{contacts_url(sognenett)}?page_size=3")[0]["ref"] == "E999"  # a new walk starts with it


def test_the_contacts_list_costs_the_same_queries_for_few_and_many(
    participant_a: Participant,
    company_user: User,
    judge: User,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    edition = participant_a.edition
    for channel in ("phone", "chat"):
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-solution", area="Solution", max_points=10)
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-tone", area="The agent", max_points=3)
    client = api_as(company_user)
    client.get(PARTICIPANTS)  # a token's first use notes when it was used (one UPDATE, then one each five minutes)

    def asked(count: int) -> list[dict[str, Any]]:
        # Token, its owner's membership, the participant, its channels, the page of contacts, their answers, the questions.
        with django_assert_num_queries(7) as captured:
            response = client.get(contacts_url(participant_a))
        assert response.status_code == 200, [q["sql"] for q in captured.captured_queries]
        results: list[dict[str, Any]] = response.json()["results"]
        assert len(results) == count
        return results

    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 3)
    assert [len(contact["answers"]) for contact in asked(3)] == [2, 2, 2]
    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 27, start=3)
    many = asked(30)
    assert sorted(contact["comment"] for contact in many) == sorted(f"contact {n}" for n in range(30))


def test_the_dashboard_costs_the_same_queries_for_few_and_many(
    participant_a: Participant, company_user: User, judge: User, django_capture_on_commit_callbacks: Any
) -> None:
    edition = participant_a.edition
    for channel in ("phone", "chat"):
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-solution", area="Solution", max_points=10)
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-tone", area="The agent", max_points=3)
    client = api_as(company_user)
    client.get(PARTICIPANTS)  # a token's first use notes when it was used (one UPDATE, then one each five minutes)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(dashboard_url(participant_a)).status_code == 200
        return len(captured)

    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 3)
    publication_create(edition=edition, kind="interim")
    few = queries()
    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 27, start=3)
    assert queries() == few == 13  # the token, the membership, the participant and its channels, the selector's nine


def test_another_companys_participant_is_not_found_on_every_endpoint(
    participant_a: Participant, participant_b: Participant, company_user: User, other_company_user: User
) -> None:
    theirs = api_as(other_company_user)
    for url in (dashboard_url(participant_a), contacts_url(participant_a)):
        response = theirs.get(url)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), url
        nowhere = url.replace(f"/{participant_a.pk}/", "/999999999999999999/")  # no such participant: the same answer
        assert (theirs.get(nowhere).status_code, theirs.get(nowhere).json()) == (404, {"detail": "Not found."})
    assert [row["id"] for row in theirs.get(PARTICIPANTS).json()["results"]] == [participant_b.pk]
    assert theirs.get(dashboard_url(participant_b)).status_code == 200
    assert api_as(company_user).get(contacts_url(participant_a)).status_code == 200
    assert api_as(other_company_user, language="nb").get(dashboard_url(participant_a)).json() == {"detail": "Ikke funnet."}


@pytest.mark.parametrize("persona", ["judge", "organiser"])
def test_judges_and_organisers_are_refused_and_nobody_is_asked_to_log_in(
    persona: str, participant_a: Participant, company_user: User, request: pytest.FixtureRequest
) -> None:
    staff = api_as(request.getfixturevalue(persona))
    for url in (PARTICIPANTS, dashboard_url(participant_a), contacts_url(participant_a)):
        response = staff.get(url)
        assert (response.status_code, response.json()) == (403, {"detail": "Only company users may do this."}), url
        nobody = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(url)
        assert (nobody.status_code, nobody["WWW-Authenticate"]) == (401, 'Bearer realm="api"'), url


def test_a_browser_session_reads_it_too_and_a_write_only_token_does_not(
    participant_a: Participant, company_user: User, client_as: ClientAs
) -> None:
    session: Client = client_as("company_user")
    assert session.get(dashboard_url(participant_a)).status_code == 200
    refused = api_as(company_user, "write").get(dashboard_url(participant_a))
    assert (refused.status_code, refused.json()) == (403, {"detail": "This token does not have the scope this request needs."})
    refused = api_as(company_user).post(contacts_url(participant_a), {}, format="json")
    assert (refused.status_code, refused.json()) == (403, {"detail": "This token does not have the scope this request needs."})
    assert api_as(company_user, "read", "write").post(contacts_url(participant_a), {}, format="json").status_code == 405


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("cursor=not-a-cursor", {"cursor": ["not a cursor of this list: follow the next or previous link of a page"]}),
        ("cursor=cD1hYmM%3D", {"cursor": ["not a cursor of this list: follow the next or previous link of a page"]}),  # p=abc
        ("cursor=" + "cD05" + "OTk5" * 8, {"cursor": ["not a cursor of this list: follow the next or previous link of a page"]}),
        ("page_size=abc", {"page_size": ["must be a whole number of at least 1"]}),
        ("page_size=0", {"page_size": ["must be a whole number of at least 1"]}),
    ],
)
def test_a_bad_cursor_or_page_size_is_a_400_naming_it(
    query: str, answer: dict[str, list[str]], participant_a: Participant, company_user: User
) -> None:
    """Once a cursor made by hand (its position not an id) was a 500."""
    response = api_as(company_user).get(f"{contacts_url(participant_a)}?{query}")
    assert (response.status_code, response.json()) == (400, answer)


def test_a_bad_page_of_the_participants_is_a_400_naming_it_and_one_past_the_last_is_not_found(company_user: User) -> None:
    client = api_as(company_user)
    for page in ("abc", "0", "-1"):
        response = client.get(f"{PARTICIPANTS}?page={page}")
        assert (response.status_code, response.json()) == (400, {"page": ["must be a whole number of at least 1, or “last”"]})
    assert client.get(f"{PARTICIPANTS}?page=2").status_code == 404
    assert client.get(f"{PARTICIPANTS}?page=last").json()["count"] == 1
    assert client.get(f"{PARTICIPANTS}?page_size=1000").status_code == 200  # more than the most: the most


def test_the_participants_list_costs_the_same_queries_for_one_and_many(
    participant_a: Participant, company_user: User, django_assert_num_queries: Any
) -> None:
    client = api_as(company_user)
    client.get(PARTICIPANTS)  # a token's first use notes when it was used (one UPDATE, then one each five minutes)

    def asked(count: int) -> None:
        # The token, the membership, the count, the page of participants, their channels.
        with django_assert_num_queries(5):
            response = client.get(PARTICIPANTS)
        assert response.json()["count"] == count

    asked(1)
    for year in (1997, 1998, 1999):  # years no factory sequence reaches
        company_user_of(ParticipantFactory.create(name="Company A", edition__year=year, channels=["phone"]), username="company_a")
    asked(4)
