"""The organisers' API, the year's frame and the field work: who may call it, every write through the admin's services
with the API in the history, every rule a 400 naming its field, and lists whose queries do not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import ChangeRecord
from award.models import AwardClass, Edition, Participant
from channels_app.models import JudgeConflict, PlannedContact, Question, WaitRule
from tests.admin_forms import changes_of, participant_data
from tests.api.organisers import API, MISSING, client_of, last_record, page, records_since, token_client
from tests.conftest import ClientAs
from tests.factories import AwardClassFactory, ParticipantFactory, QuestionFactory

pytestmark = pytest.mark.django_db

NEW_EDITION = {"year": 2022, "name": "Customer Service Award 2022", "starts_on": "2022-01-10", "ends_on": "2022-04-10"}


def edition_body(edition: Edition) -> dict[str, Any]:
    return {
        "year": edition.year,
        "name": edition.name,
        "starts_on": edition.starts_on.isoformat(),
        "ends_on": edition.ends_on.isoformat(),
        "min_contacts_per_channel": edition.min_contacts_per_channel,
        "publish_rankings": edition.publish_rankings,
        "data_version": edition.data_version,
        "final_published_at": None,
    }


def participant_body(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "edition": participant.edition.year,
        "name": participant.name,
        "class": participant.award_class_id,
        "class_name": participant.award_class.name,
        "channels": participant.channels,
    }


def addresses(mini: Edition) -> list[tuple[str, str]]:
    """(method, path) of every organisers' endpoint of this module, each with something behind it."""
    some = {
        "class": AwardClass.objects.filter(edition=mini).earliest("pk").pk,
        "participant": Participant.objects.filter(edition=mini).earliest("pk").pk,
        "question": Question.objects.filter(edition=mini).earliest("pk").pk,
    }
    return [
        ("get", f"{API}/editions/"),
        ("post", f"{API}/editions/"),
        ("get", f"{API}/editions/2021/"),
        ("patch", f"{API}/editions/2021/"),
        ("get", f"{API}/editions/2021/classes/"),
        ("post", f"{API}/editions/2021/classes/"),
        ("get", f"{API}/classes/{some['class']}/"),
        ("patch", f"{API}/classes/{some['class']}/"),
        ("delete", f"{API}/classes/{some['class']}/"),
        ("get", f"{API}/editions/2021/participants/"),
        ("post", f"{API}/editions/2021/participants/"),
        ("get", f"{API}/participants/{some['participant']}/"),
        ("patch", f"{API}/participants/{some['participant']}/"),
        ("delete", f"{API}/participants/{some['participant']}/"),
        ("get", f"{API}/editions/2021/questions/"),
        ("post", f"{API}/editions/2021/questions/"),
        ("get", f"{API}/questions/{some['question']}/"),
        ("patch", f"{API}/questions/{some['question']}/"),
        ("delete", f"{API}/questions/{some['question']}/"),
        ("get", f"{API}/editions/2021/conflicts/"),
        ("post", f"{API}/editions/2021/conflicts/"),
        ("get", f"{API}/editions/2021/plan/"),
        ("post", f"{API}/editions/2021/plan/"),
    ]


# Who may call it ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["judge", "company_user", "anonymous"])
def test_only_organisers_get_in(mini: Edition, persona: str, request: pytest.FixtureRequest) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_of(user)
    before = (ChangeRecord.objects.count(), PlannedContact.objects.count(), Participant.objects.count())

    answers = {(method, path): getattr(client, method)(path, {}, format="json") for method, path in addresses(mini)}

    if persona == "anonymous":
        assert {key: r.status_code for key, r in answers.items()} == dict.fromkeys(answers, 401)
        assert {r.json()["detail"] for r in answers.values()} == {"Authentication credentials were not provided."}
        assert {r["WWW-Authenticate"] for r in answers.values()} == {'Bearer realm="api"'}
    else:
        assert {key: r.status_code for key, r in answers.items()} == dict.fromkeys(answers, 403)
        assert {r.json()["detail"] for r in answers.values()} == {"Only organisers may do this."}
    assert (ChangeRecord.objects.count(), PlannedContact.objects.count(), Participant.objects.count()) == before


def test_a_superuser_counts_as_an_organiser(mini: Edition, superuser: User) -> None:
    response = client_of(superuser).get(f"{API}/editions/2021/")
    assert (response.status_code, response.json()) == (200, edition_body(mini))


def test_a_read_only_token_reads_and_is_refused_every_write(mini: Edition, organiser: User) -> None:
    client = token_client(organiser, ["read"])
    before = (ChangeRecord.objects.count(), PlannedContact.objects.count(), Edition.objects.get(year=2021).name)

    reads = {path: client.get(path).status_code for method, path in addresses(mini) if method == "get"}
    writes = {
        (method, path): getattr(client, method)(path, {"name": "Renamed"}, format="json")
        for method, path in addresses(mini)
        if method != "get"
    }

    assert reads == dict.fromkeys(reads, 200)
    assert {key: r.status_code for key, r in writes.items()} == dict.fromkeys(writes, 403)
    assert {r.json()["detail"] for r in writes.values()} == {"This token does not have the scope this request needs."}
    assert (ChangeRecord.objects.count(), PlannedContact.objects.count(), Edition.objects.get(year=2021).name) == before
    assert token_client(organiser, ["read", "write"]).patch(f"{API}/editions/2021/", {}, format="json").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/editions/1999/",
        "/editions/1999/classes/",
        "/editions/9999/participants/",
        "/editions/1999/plan/",
        f"/classes/{MISSING}/",
        f"/participants/{MISSING}/",
        f"/questions/{MISSING}/",
        f"/conflicts/{MISSING}/",
        "/participants/999999999999999999/",  # the largest id the path takes, far past any database's
        "/editions/20210/",  # no year at all: nothing at this address
    ],
)
def test_a_missing_edition_or_object_is_a_404(mini: Edition, organiser: User, path: str) -> None:
    client = client_of(organiser)
    assert client.get(f"{API}{path}").status_code == 404
    assert client.delete(f"{API}{path}").status_code in (404, 405)  # a list takes no DELETE


# Editions ----------------------------------------------------------------------------------


def test_an_edition_is_opened_as_the_admin_opens_it(roles: None, organiser: User) -> None:
    response = client_of(organiser).post(f"{API}/editions/", NEW_EDITION | {"publish_rankings": False}, format="json")

    assert response.status_code == 201
    edition = Edition.objects.get(year=2022)
    assert response.json() == edition_body(edition) == {
        **NEW_EDITION,
        "min_contacts_per_channel": 3,
        "publish_rankings": False,
        "data_version": 1,
        "final_published_at": None,
    }
    assert response["Location"] == "http://testserver/api/v1/organiser/editions/2022/"
    # The history tests/award/test_admin_organiser.py asserts of the admin's, from the API.
    assert changes_of(edition) == [
        (
            "create",
            {
                "name": [None, "Customer Service Award 2022"],
                "starts_on": [None, "2022-01-10"],
                "ends_on": [None, "2022-04-10"],
                "min_contacts_per_channel": [None, 3],
                "publish_rankings": [None, False],
            },
            "api",
            "organiser",
        )
    ]
    # The award's waiting-time limits, as the admin gives a new edition.
    limits = WaitRule.objects.filter(edition=edition).order_by("channel").values_list("channel", "limit_seconds", "limit_working_days")
    assert list(limits) == [("chat", 300, None), ("email", None, 3), ("messenger", 1800, None), ("phone", 300, None)]


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"ends_on": "2022-01-09"}, {"ends_on": ["must not be before the start (2022-01-10)"]}),
        ({"year": 1800, "name": " "}, {"year": ["must be between 1900 and 9999"], "name": ["required"]}),
        ({"year": 10**30}, {"year": ["must be between 1900 and 9999"]}),
        ({"min_contacts_per_channel": 0}, {"min_contacts_per_channel": ["must be between 1 and 1000"]}),
        ({"year": 2021}, {"year": ["There already is an edition of 2021."]}),
        ({"starts_on": "10.01.2022", "year": "twenty"}, {
            "starts_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
            "year": ["A valid integer is required."],
        }),
    ],
)
def test_an_edition_that_breaks_a_rule_is_refused_naming_the_field(
    mini: Edition, organiser: User, given: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    before = (Edition.objects.count(), ChangeRecord.objects.count())
    response = client_of(organiser).post(f"{API}/editions/", NEW_EDITION | given, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert (Edition.objects.count(), ChangeRecord.objects.count()) == before


def test_an_edition_is_changed_field_by_field_and_keeps_its_year(mini: Edition, organiser: User) -> None:
    version = mini.data_version
    client = client_of(organiser)

    response = client.patch(
        f"{API}/editions/2021/",
        {"year": 2099, "name": "Kundeserviceprisen 2021", "ends_on": "2021-04-30", "min_contacts_per_channel": 4},
        format="json",
    )

    mini.refresh_from_db()
    assert (response.status_code, response.json()) == (200, edition_body(mini))
    assert (mini.year, mini.name, mini.ends_on.isoformat(), mini.data_version) == (2021, "Kundeserviceprisen 2021", "2021-04-30", version + 1)
    assert changes_of(mini)[-1] == (
        "update",
        {
            "name": ["Customer Service Award 2021", "Kundeserviceprisen 2021"],
            "ends_on": ["2021-04-12", "2021-04-30"],
            "min_contacts_per_channel": [3, 4],
        },
        "api",
        "organiser",
    )
    stranding = client.patch(f"{API}/editions/2021/", {"starts_on": "2021-03-01"}, format="json")
    assert (stranding.status_code, stranding.json()) == (
        400,
        {"starts_on": ["34 counted contacts would fall outside the new dates: void them first"]},
    )
    nothing = last_record()
    assert client.patch(f"{API}/editions/2021/", {"name": "Kundeserviceprisen 2021"}, format="json").status_code == 200
    assert records_since(nothing) == []  # nothing changed, nothing written


# Classes ------------------------------------------------------------------------------------


def test_classes_are_added_renamed_and_removed_with_history(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    since = last_record()

    added = client.post(f"{API}/editions/2021/classes/", {"name": "Energy"}, format="json")

    energy = AwardClass.objects.get(edition=mini, name="Energy")
    body = {"id": energy.pk, "edition": 2021, "name": "Energy", "slug": "energy", "participants": 0}
    assert (added.status_code, added.json(), added["Location"]) == (201, body, f"http://testserver{API}/classes/{energy.pk}/")
    assert client.get(f"{API}/classes/{energy.pk}/").json() == body
    renamed = client.patch(f"{API}/classes/{energy.pk}/", {"name": "Power"}, format="json")
    assert (renamed.status_code, renamed.json()) == (200, body | {"name": "Power"})  # the slug stays
    assert client.delete(f"{API}/classes/{energy.pk}/").status_code == 204
    assert not AwardClass.objects.filter(pk=energy.pk).exists()
    assert records_since(since) == [
        ("awardclass", "Energy", "create", {"name": [None, "Energy"]}, "api", "organiser"),
        ("awardclass", "Power", "update", {"name": ["Energy", "Power"]}, "api", "organiser"),
        ("awardclass", "Power", "delete", {}, "api", "organiser"),
    ]


def test_a_class_list_counts_its_participants(mini: Edition, organiser: User) -> None:
    response = client_of(organiser).get(f"{API}/editions/2021/classes/")
    pk = dict(AwardClass.objects.filter(edition=mini).values_list("name", "pk"))
    assert response.json() == page(
        [
            {"id": pk["Broadband"], "edition": 2021, "name": "Broadband", "slug": "broadband", "participants": 2},
            {"id": pk["Car rental"], "edition": 2021, "name": "Car rental", "slug": "car-rental", "participants": 1},
            {"id": pk["Insurance"], "edition": 2021, "name": "Insurance", "slug": "insurance", "participants": 2},
        ]
    )


def test_a_class_rule_broken_is_a_400_naming_the_field(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    broadband = AwardClass.objects.get(edition=mini, name="Broadband")
    before = ChangeRecord.objects.count()

    duplicate = client.post(f"{API}/editions/2021/classes/", {"name": "Broadband"}, format="json")
    renamed = client.patch(f"{API}/classes/{broadband.pk}/", {"name": "Insurance"}, format="json")
    long = client.post(f"{API}/editions/2021/classes/", {"name": "x" * 201}, format="json")
    full = client.delete(f"{API}/classes/{broadband.pk}/")

    assert (duplicate.status_code, duplicate.json()) == (400, {"name": ["2021 already has a class named Broadband"]})
    assert (renamed.status_code, renamed.json()) == (400, {"name": ["2021 already has a class named Insurance"]})
    assert (long.status_code, long.json()) == (400, {"name": ["at most 200 characters"]})
    assert (full.status_code, full.json()) == (400, {"non_field_errors": ["Broadband still has participants"]})
    assert ChangeRecord.objects.count() == before
    assert AwardClass.objects.filter(edition=mini).count() == 3


# Participants --------------------------------------------------------------------------------


def test_a_participant_is_enrolled_as_the_admin_enrols_one(mini: Edition, organiser: User, client_as: ClientAs) -> None:
    broadband = AwardClass.objects.get(edition=mini, name="Broadband")
    version = mini.data_version

    response = client_of(organiser).post(
        f"{API}/editions/2021/participants/", {"name": "Kraftlag", "class": broadband.pk, "channels": ["email", "phone"]}, format="json"
    )
    client_as("organiser").post("/admin/award/participant/add/", participant_data(mini, name="Kystlag"))

    kraftlag = Participant.objects.get(edition=mini, name="Kraftlag")
    body = participant_body(kraftlag)
    assert body == {"id": kraftlag.pk, "edition": 2021, "name": "Kraftlag", "class": broadband.pk, "class_name": "Broadband", "channels": ["phone", "email"]}
    assert (response.status_code, response.json()) == (201, body)
    assert response["Location"] == f"http://testserver{API}/participants/{kraftlag.pk}/"
    # The same history as the admin's (its page enrolled Kystlag the same way), but for the way in.
    api, = changes_of(kraftlag)
    admin, = changes_of(Participant.objects.get(edition=mini, name="Kystlag"))
    assert api == ("create", {"name": [None, "Kraftlag"], "class": [None, "Broadband"], "channels": [None, ["phone", "email"]]}, "api", "organiser")
    assert (admin[0], admin[1] | {"name": [None, "Kraftlag"]}, admin[2], admin[3]) == (api[0], api[1], "admin", "organiser")
    mini.refresh_from_db()
    assert mini.data_version == version + 2


def test_a_participant_is_renamed_moved_and_given_a_channel_in_one_patch(mini: Edition, organiser: User) -> None:
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    insurance = AwardClass.objects.get(edition=mini, name="Insurance")

    response = client_of(organiser).patch(
        f"{API}/participants/{sixt.pk}/",
        {"name": "Sixt Norge", "class": insurance.pk, "channels": ["phone", "chat", "messenger"]},
        format="json",
    )

    sixt = Participant.objects.get(pk=sixt.pk)
    assert (response.status_code, response.json()) == (200, participant_body(sixt))
    assert (sixt.name, sixt.award_class.name, sixt.channels) == ("Sixt Norge", "Insurance", ["phone", "chat", "messenger"])
    assert changes_of(sixt)[-2:] == [
        ("update", {"name": ["Sixt", "Sixt Norge"]}, "api", "organiser"),
        ("update", {"class": ["Car rental", "Insurance"], "channels": [["phone", "chat"], ["phone", "chat", "messenger"]]}, "api", "organiser"),
    ]


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"name": "Sixt"}, {"name": ["2021 already has a participant named Sixt"]}),
        ({"class": "other edition"}, {"class": ["Bank is not a class of 2021"]}),
        ({"class": MISSING}, {"class": [f'Invalid pk "{MISSING}" - object does not exist.']}),
        ({"class": 10**20}, {"class": ['Invalid pk "100000000000000000000" - object does not exist.']}),  # never an overflow
        ({"channels": ["phone", "fax"]}, {"channels": ["unknown channel fax (use phone, email, chat, messenger)"]}),
        ({"name": " "}, {"name": ["required"]}),
        ({"channels": "phone", "class": "3"}, {"channels": ['Expected a list of items but got type "str".']}),
    ],
)
def test_a_participant_rule_broken_is_a_400_naming_the_field(
    mini: Edition, organiser: User, given: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    if given.get("class") == "other edition":
        given = {"class": AwardClassFactory.create(name="Bank").pk}
    data = {"name": "Kraftlag", "class": AwardClass.objects.get(edition=mini, name="Broadband").pk, "channels": ["phone"]} | given
    before = (ChangeRecord.objects.count(), Participant.objects.count())

    response = client_of(organiser).post(f"{API}/editions/2021/participants/", data, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert (ChangeRecord.objects.count(), Participant.objects.count()) == before


def test_a_refusal_is_in_the_callers_language(mini: Edition, organiser: User) -> None:
    data = {"name": "Sixt", "class": AwardClass.objects.get(edition=mini, name="Broadband").pk}
    for language, message in (("nb", "2021 har allerede en deltaker som heter Sixt"), ("sv", "2021 har redan en deltagare som heter Sixt")):
        response = client_of(organiser, language).post(f"{API}/editions/2021/participants/", data, format="json")
        assert (response.status_code, response.json()) == (400, {"name": [message]})


def test_a_participant_with_counted_contacts_keeps_them_and_itself(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    before = ChangeRecord.objects.count()

    dropped = client.patch(f"{API}/participants/{sognenett.pk}/", {"name": "Sognenett AS", "channels": ["phone", "email"]}, format="json")
    removed = client.delete(f"{API}/participants/{sognenett.pk}/")

    assert (dropped.status_code, dropped.json()) == (
        400,
        {"channels": ["Sognenett has 3 counted contacts in chat: void them before dropping the channel"]},
    )
    assert (removed.status_code, removed.json()) == (400, {"non_field_errors": ["Sognenett has contacts and cannot be removed"]})
    assert Participant.objects.get(pk=sognenett.pk).name == "Sognenett"  # the rename did not go through alone
    assert ChangeRecord.objects.count() == before


def test_a_participant_without_contacts_is_withdrawn(mini: Edition, organiser: User) -> None:
    newcomer = ParticipantFactory.create(edition=mini, name="Newcomer", award_class=AwardClass.objects.get(edition=mini, name="Insurance"))
    since = last_record()
    assert client_of(organiser).get(f"{API}/participants/{newcomer.pk}/").json() == participant_body(newcomer)

    assert client_of(organiser).delete(f"{API}/participants/{newcomer.pk}/").status_code == 204
    assert not Participant.objects.filter(pk=newcomer.pk).exists()
    assert records_since(since) == [("participant", "Newcomer", "delete", {}, "api", "organiser")]


# Questions -------------------------------------------------------------------------------------


def test_questions_are_added_changed_and_removed_through_the_questionnaire(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    since = last_record()
    new = {"channel": "messenger", "key": "tone", "text": "Was the tone friendly?", "area": "The agent", "max_points": 3}

    added = client.post(f"{API}/editions/2021/questions/", new, format="json")

    tone = Question.objects.get(edition=mini, channel="messenger", key="tone")
    body = {"id": tone.pk, "edition": 2021, **new, "counts": True, "position": 0}
    assert (added.status_code, added.json(), added["Location"]) == (201, body, f"http://testserver{API}/questions/{tone.pk}/")
    changed = client.patch(f"{API}/questions/{tone.pk}/", {"max_points": 5, "key": "renamed", "channel": "chat"}, format="json")
    assert (changed.status_code, changed.json()) == (200, body | {"max_points": 5})  # never its channel or key
    assert client.delete(f"{API}/questions/{tone.pk}/").status_code == 204
    assert records_since(since) == [
        (
            "question",
            "messenger.tone",
            "create",
            {
                "text": [None, "Was the tone friendly?"],
                "area": [None, "The agent"],
                "max_points": [None, 3],
                "counts": [None, True],
                "position": [None, 0],
            },
            "api",
            "organiser",
        ),
        ("question", "messenger.tone", "update", {"max_points": [3, 5]}, "api", "organiser"),
        ("question", "messenger.tone", "delete", {}, "api", "organiser"),
    ]


def test_a_new_maximum_rescores_the_contacts_that_answered_the_question(mini: Edition, organiser: User) -> None:
    greeting = Question.objects.get(edition=mini, channel="phone", key="greeting")
    version = mini.data_version

    response = client_of(organiser).patch(f"{API}/questions/{greeting.pk}/", {"max_points": 10}, format="json")

    assert response.status_code == 200
    p001 = ChangeRecord.objects.filter(content_type__model="contact", object_repr="P001").latest("pk")
    assert (p001.changes, p001.source) == ({"score": ["80.0000", "64.0000"]}, "api")
    assert Edition.objects.get(pk=mini.pk).data_version == version + 1


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"key": "greeting"}, {"key": ["2021 already has a question greeting for Phone"]}),
        ({"max_points": 0, "text": ""}, {"max_points": ["must be between 1 and 1000"], "text": ["required"]}),
        ({"key": "a b"}, {"key": ["'a b' must be letters, digits, - or _"]}),
        ({"channel": "fax", "position": 40000}, {
            "channel": ['"fax" is not a valid choice.'],
            "position": ["Ensure this value is less than or equal to 32767."],
        }),
    ],
)
def test_a_question_rule_broken_is_a_400_naming_the_field(
    mini: Edition, organiser: User, given: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    data = {"channel": "phone", "key": "tone", "text": "Friendly?", "area": "The agent", "max_points": 3} | given
    before = (ChangeRecord.objects.count(), Question.objects.count())
    response = client_of(organiser).post(f"{API}/editions/2021/questions/", data, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert (ChangeRecord.objects.count(), Question.objects.count()) == before


def test_an_answered_question_stays_and_a_maximum_below_its_points_is_refused(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    solution = Question.objects.get(edition=mini, channel="phone", key="solution")

    lower = client.patch(f"{API}/questions/{solution.pk}/", {"max_points": 5}, format="json")
    removed = client.delete(f"{API}/questions/{solution.pk}/")

    assert (lower.status_code, lower.json()) == (400, {"max_points": ["13 answers give more than 5 points"]})
    assert (removed.status_code, removed.json()) == (400, {"non_field_errors": ["solution has answers and cannot be removed"]})


def test_questions_are_listed_by_channel_and_a_channel_that_is_none_is_a_400(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    email = client.get(f"{API}/editions/2021/questions/?channel=email")
    wait, solution = Question.objects.filter(edition=mini, channel="email").order_by("position")
    assert email.json() == page(
        [
            {"id": wait.pk, "edition": 2021, "channel": "email", "key": "wait", "text": "How fast was the reply?", "area": "Answer and waiting time", "max_points": 5, "counts": True, "position": 0},
            {"id": solution.pk, "edition": 2021, "channel": "email", "key": "solution", "text": "Did the reply solve the case?", "area": "Solution", "max_points": 10, "counts": True, "position": 1},
        ]
    )
    assert client.get(f"{API}/editions/2021/questions/").json()["count"] == 9
    fax = client.get(f"{API}/editions/2021/questions/?channel=fax")
    assert (fax.status_code, fax.json()) == (400, {"channel": ["must be one of phone, email, chat, messenger"]})


# Conflicts of interest -------------------------------------------------------------------------


def test_a_conflict_is_declared_once_listed_and_withdrawn(mini: Edition, organiser: User, judge1: User, judge2: User) -> None:
    client = client_of(organiser)
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    since = last_record()

    declared = client.post(f"{API}/editions/2021/conflicts/", {"judge": "judge1", "participant": sognenett.pk, "reason": "My sister"}, format="json")
    again = client.post(f"{API}/editions/2021/conflicts/", {"judge": "judge1", "participant": sognenett.pk, "reason": "Other"}, format="json")

    conflict = JudgeConflict.objects.get()
    body = {
        "id": conflict.pk,
        "judge": "judge1",
        "participant": sognenett.pk,
        "participant_name": "Sognenett",
        "reason": "My sister",
        "declared_at": timezone.localtime(conflict.declared_at).isoformat(),
        "counted_contacts": 4,  # P001, P003, P005 and E001 were judge1's before: each to review
    }
    assert (declared.status_code, declared.json()) == (201, body)
    assert declared["Location"] == f"http://testserver{API}/conflicts/{conflict.pk}/"
    assert (again.status_code, again.json()) == (200, body)  # declared once, as it was
    assert client.get(f"{API}/editions/2021/conflicts/").json() == page([body])
    assert client.get(f"{API}/conflicts/{conflict.pk}/").json() == body
    assert client.delete(f"{API}/conflicts/{conflict.pk}/").status_code == 204
    assert not JudgeConflict.objects.exists()
    assert records_since(since) == [
        (
            "judgeconflict",
            "judge1 ≠ Sognenett",
            "create",
            {"judge": [None, "judge1"], "participant": [None, "Sognenett"], "reason": [None, "My sister"]},
            "api",
            "organiser",
        ),
        ("judgeconflict", "judge1 ≠ Sognenett", "delete", {}, "api", "organiser"),
    ]


def test_a_conflict_names_a_judge_and_a_participant_of_the_edition(mini: Edition, organiser: User, judge1: User) -> None:
    client = client_of(organiser)
    elsewhere = ParticipantFactory.create(name="Elsewhere")

    cases = [
        ({"judge": "organiser", "participant": elsewhere.pk}, {"judge": ["Object with username=organiser does not exist."]}),
        ({"judge": "judge1", "participant": elsewhere.pk}, {"participant": [f"Elsewhere is not a participant of 2021"]}),
        ({"judge": "judge1"}, {"participant": ["This field is required."]}),
    ]
    for data, errors in cases:
        response = client.post(f"{API}/editions/2021/conflicts/", data, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    assert not JudgeConflict.objects.exists()


# The plan --------------------------------------------------------------------------------------


def test_the_plan_is_made_as_the_command_makes_it_and_read_by_cursor(mini: Edition, organiser: User, judge1: User, judge2: User) -> None:
    client = client_of(organiser)
    since = last_record()

    made = client.post(f"{API}/editions/2021/plan/")

    assert (made.status_code, made.json()) == (
        200,
        {"planned": 125, "done": 34, "created": 128, "removed": 0, "moved": 0, "unassigned": 28, "second_tries": 3},
    )
    assert records_since(since) == []  # the plan keeps no history (plan_edition, as `manage.py plan` makes it)
    again = client.post(f"{API}/editions/2021/plan/", {}, format="json")
    assert again.json() == {"planned": 125, "done": 34, "created": 0, "removed": 0, "moved": 0, "unassigned": 28, "second_tries": 0}

    entries = list(PlannedContact.objects.filter(edition=mini).select_related("participant", "judge").order_by("pk"))
    first = client.get(f"{API}/editions/2021/plan/?page_size=50")
    body = first.json()
    assert body["previous"] is None and body["next"].startswith(f"http://testserver{API}/editions/2021/plan/?cursor=")
    entry = entries[0]
    assert body["results"][0] == {
        "id": entry.pk,
        "participant": entry.participant_id,
        "participant_name": entry.participant.name,
        "channel": entry.channel,
        "judge": entry.judge.username if entry.judge else None,
        "planned_at": timezone.localtime(entry.planned_at).isoformat(),
        "attempt": entry.attempt,
        "contact": entry.contact_id,
        "done": entry.contact_id is not None,
    }
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
    assert seen == [entry.pk for entry in entries] and len(seen) == 128

    judge1_phone = client.get(f"{API}/editions/2021/plan/?judge=judge1&channel=phone&page_size=500").json()["results"]
    assert [row["id"] for row in judge1_phone] == [e.pk for e in entries if e.judge == judge1 and e.channel == "phone"]
    assert client.get(f"{API}/editions/2021/plan/?channel=post").json() == {"channel": ["must be one of phone, email, chat, messenger"]}
    assert client.post(f"{API}/editions/2021/plan/", {}, format="multipart").status_code == 415


# Query counts ------------------------------------------------------------------------------------


def grow(edition: Edition, n: int) -> None:
    """n more participants in a class of their own, each with a question and a conflict of interest of a judge."""
    extra = AwardClassFactory.create(edition=edition, name="Extra")
    judge = User.objects.get(username="judge1")
    for i in range(n):
        participant = ParticipantFactory.create(edition=edition, award_class=extra, name=f"Extra {i}", channels=["phone", "chat"])
        JudgeConflict.objects.create(judge=judge, participant=participant)
        QuestionFactory.create(edition=edition, channel="messenger", key=f"extra{i}")
        AwardClassFactory.create(edition=edition, name=f"Extra class {i}")
        Edition.objects.create(year=1950 + i, name=f"Old {i}", starts_on=f"{1950 + i}-01-10", ends_on=f"{1950 + i}-04-10")


LISTS = {
    "/editions/": 5,
    "/editions/2021/classes/": 6,
    "/editions/2021/participants/": 7,
    "/editions/2021/questions/": 6,
    "/editions/2021/conflicts/": 6,
    "/editions/2021/plan/": 5,
}


def test_the_lists_ask_the_database_as_often_whatever_their_size(
    mini: Edition, organiser: User, judge1: User, judge2: User, django_assert_num_queries: Any
) -> None:
    client = client_of(organiser)
    client.post(f"{API}/editions/2021/plan/")
    JudgeConflict.objects.create(judge=judge2, participant=Participant.objects.get(edition=mini, name="Sixt"))
    sizes = []
    for extra in (0, 12):
        if extra:
            grow(mini, extra)
            client.post(f"{API}/editions/2021/plan/")
        for path, queries in LISTS.items():
            with django_assert_num_queries(queries):
                response = client.get(f"{API}{path}")
            assert response.status_code == 200, path
        sizes.append([len(client.get(f"{API}{path}").json()["results"]) for path in LISTS])
    assert sizes == [[1, 3, 5, 9, 1, 100], [13, 16, 17, 21, 13, 100]]
