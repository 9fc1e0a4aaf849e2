"""The organisers' API, who may call it and the year's frame: editions, classes and participants, every write through
the admin's services with the API in the history, every rule a 400 naming its field in the caller's language.

The field work is in test_organiser_field, the results and publishing in test_organiser_results, imports in
test_organiser_imports."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import ChangeRecord
from award.models import AwardClass, Edition, Participant
from channels_app.models import PlannedContact, Question, WaitRule
from tests.admin_forms import changes_of, participant_data
from tests.api.organisers import API, MISSING, client_of, last_record, page, records_since, token_client
from tests.conftest import ClientAs
from tests.factories import AwardClassFactory, ParticipantFactory

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
        "/classes/%F1%AE%B0%88%05%0A%C3%84/",  # no id either, with a line break in it (schemathesis found it)
    ],
)
def test_a_missing_edition_or_object_is_a_404(mini: Edition, organiser: User, path: str) -> None:
    client = client_of(organiser)
    response = client.get(f"{API}{path}")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert client.delete(f"{API}{path}").status_code in (404, 405)  # a list takes no DELETE


# Editions ----------------------------------------------------------------------------------


def test_an_edition_is_opened_as_the_admin_opens_it(roles: None, organiser: User) -> None:
    response = client_of(organiser).post(f"{API}/editions/", NEW_EDITION | {"publish_rankings": False}, format="json")

    assert response.status_code == 201
    edition = Edition.objects.get(year=2022)
    assert (
        response.json()
        == edition_body(edition)
        == {
            **NEW_EDITION,
            "min_contacts_per_channel": 3,
            "publish_rankings": False,
            "data_version": 1,
            "final_published_at": None,
        }
    )
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
    limits = (
        WaitRule.objects.filter(edition=edition).order_by("channel").values_list("channel", "limit_seconds", "limit_working_days")
    )
    assert list(limits) == [("chat", 300, None), ("email", None, 3), ("messenger", 1800, None), ("phone", 300, None)]


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"ends_on": "2022-01-09"}, {"ends_on": ["must not be before the start (2022-01-10)"]}),
        ({"year": 1800, "name": " "}, {"year": ["must be between 1900 and 9999"], "name": ["required"]}),
        ({"year": 10**30}, {"year": ["must be between 1900 and 9999"]}),
        ({"min_contacts_per_channel": 0}, {"min_contacts_per_channel": ["must be between 1 and 1000"]}),
        ({"year": 2021}, {"year": ["There already is an edition of 2021."]}),
        (
            {"starts_on": "10.01.2022", "year": "twenty"},
            {
                "starts_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
                "year": ["A valid integer is required."],
            },
        ),
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
    assert (mini.year, mini.name, mini.ends_on.isoformat(), mini.data_version) == (
        2021,
        "Kundeserviceprisen 2021",
        "2021-04-30",
        version + 1,
    )
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
        f"{API}/editions/2021/participants/",
        {"name": "Kraftlag", "class": broadband.pk, "channels": ["email", "phone"]},
        format="json",
    )
    client_as("organiser").post("/admin/award/participant/add/", participant_data(mini, name="Kystlag"))

    kraftlag = Participant.objects.get(edition=mini, name="Kraftlag")
    body = participant_body(kraftlag)
    assert body == {
        "id": kraftlag.pk,
        "edition": 2021,
        "name": "Kraftlag",
        "class": broadband.pk,
        "class_name": "Broadband",
        "channels": ["phone", "email"],
    }
    assert (response.status_code, response.json()) == (201, body)
    assert response["Location"] == f"http://testserver{API}/participants/{kraftlag.pk}/"
    # The same history as the admin's (its page enrolled Kystlag the same way), but for the way in.
    (api,) = changes_of(kraftlag)
    (admin,) = changes_of(Participant.objects.get(edition=mini, name="Kystlag"))
    assert api == (
        "create",
        {"name": [None, "Kraftlag"], "class": [None, "Broadband"], "channels": [None, ["phone", "email"]]},
        "api",
        "organiser",
    )
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
        (
            "update",
            {"class": ["Car rental", "Insurance"], "channels": [["phone", "chat"], ["phone", "chat", "messenger"]]},
            "api",
            "organiser",
        ),
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
        ({"channels": "phone"}, {"channels": ['Expected a list of items but got type "str".']}),
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
    for language, message in (
        ("nb", "2021 har allerede en deltaker som heter Sixt"),
        ("sv", "2021 har redan en deltagare som heter Sixt"),
    ):
        response = client_of(organiser, language).post(f"{API}/editions/2021/participants/", data, format="json")
        assert (response.status_code, response.json()) == (400, {"name": [message]})


def test_a_participant_with_counted_contacts_keeps_them_and_itself(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    before = ChangeRecord.objects.count()

    dropped = client.patch(
        f"{API}/participants/{sognenett.pk}/", {"name": "Sognenett AS", "channels": ["phone", "email"]}, format="json"
    )
    removed = client.delete(f"{API}/participants/{sognenett.pk}/")

    assert (dropped.status_code, dropped.json()) == (
        400,
        {"channels": ["Sognenett has 3 counted contacts in chat: void them before dropping the channel"]},
    )
    assert (removed.status_code, removed.json()) == (400, {"non_field_errors": ["Sognenett has contacts and cannot be removed"]})
    assert Participant.objects.get(pk=sognenett.pk).name == "Sognenett"  # the rename did not go through alone
    assert ChangeRecord.objects.count() == before


def test_a_participant_without_contacts_is_withdrawn(mini: Edition, organiser: User) -> None:
    newcomer = ParticipantFactory.create(
        edition=mini, name="Newcomer", award_class=AwardClass.objects.get(edition=mini, name="Insurance")
    )
    since = last_record()
    assert client_of(organiser).get(f"{API}/participants/{newcomer.pk}/").json() == participant_body(newcomer)

    assert client_of(organiser).delete(f"{API}/participants/{newcomer.pk}/").status_code == 204
    assert not Participant.objects.filter(pk=newcomer.pk).exists()
    assert records_since(since) == [("participant", "Newcomer", "delete", {}, "api", "organiser")]
