"""The organisers' API, the results: live standings, the scoring's status and a rescoring, and publishing with the
admin's fingerprint (a stale one publishes nothing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from award.models import AwardClass, Edition, Participant
from channels_app.models import ImportJob
from publications.models import Publication
from publications.services import publication_create, publication_preview
from scoring.models import ScoringState
from tests.api.organisers import API, MISSING, client_of, moment, page, token_client
from tests.conftest import ClientAs
from tests.factories import AwardClassFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def status_of(edition: Edition) -> dict[str, Any]:
    state = ScoringState.objects.get(edition=edition)
    return {
        "year": edition.year,
        "data_version": edition.data_version,
        "scored_version": state.scored_version,
        "current": state.scored_version >= edition.data_version,
        "rescored_at": moment(state.rescored_at),
        "runs": state.runs,
    }


# Who may call it --------------------------------------------------------------------------------


def addresses(mini: Edition, organiser: User) -> list[tuple[str, str]]:
    job = ImportJob.objects.create(name="contacts.csv", size=1, sha256="0" * 64, edition=mini, uploaded_by=organiser)
    publication = publication_create(edition=mini, kind="interim")
    return [
        ("get", f"{API}/editions/2021/standings/"),
        ("get", f"{API}/editions/2021/scoring/"),
        ("post", f"{API}/editions/2021/rescorings/"),
        ("get", f"{API}/editions/2021/publications/preview/?kind=interim"),
        ("get", f"{API}/editions/2021/publications/"),
        ("post", f"{API}/editions/2021/publications/"),
        ("get", f"{API}/publications/{publication.pk}/"),
        ("get", f"{API}/editions/2021/imports/"),
        ("post", f"{API}/editions/2021/imports/"),
        ("get", f"{API}/imports/{job.pk}/"),
        ("post", f"{API}/imports/{job.pk}/confirm/"),
        ("post", f"{API}/imports/{job.pk}/check/"),
    ]


@pytest.mark.parametrize("persona", ["judge", "company_user", "anonymous"])
def test_only_organisers_see_standings_previews_and_jobs(
    mini: Edition, organiser: User, persona: str, request: pytest.FixtureRequest
) -> None:
    paths = addresses(mini, organiser)
    client = client_of(None if persona == "anonymous" else request.getfixturevalue(persona))
    publications, jobs = Publication.objects.count(), list(ImportJob.objects.values_list("pk", "state"))

    answers = {(method, path): getattr(client, method)(path).status_code for method, path in paths}

    assert answers == dict.fromkeys(answers, 401 if persona == "anonymous" else 403)
    assert (Publication.objects.count(), list(ImportJob.objects.values_list("pk", "state"))) == (publications, jobs)


def test_a_read_only_token_reads_results_and_starts_nothing(
    mini: Edition, organiser: User, django_capture_on_commit_callbacks: Any
) -> None:
    paths = addresses(mini, organiser)
    client = token_client(organiser, ["read"])
    publications, runs = Publication.objects.count(), ScoringState.objects.get(edition=mini).runs

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answers = {(method, path): getattr(client, method)(path).status_code for method, path in paths}

    assert answers == {(m, p): 200 if m == "get" else 403 for m, p in paths}
    assert callbacks == []  # nothing enqueued
    assert (Publication.objects.count(), ScoringState.objects.get(edition=mini).runs) == (publications, runs)


def test_a_missing_edition_job_or_publication_is_a_404(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    for path in ("/editions/1999/standings/", "/editions/1999/scoring/", "/editions/1999/publications/preview/?kind=final"):
        assert client.get(f"{API}{path}").status_code == 404
    assert client.post(f"{API}/editions/1999/rescorings/").status_code == 404
    for path in (f"/imports/{MISSING}/", f"/publications/{MISSING}/"):
        assert client.get(f"{API}{path}").status_code == 404
    assert client.post(f"{API}/imports/{MISSING}/confirm/").status_code == 404


# Live standings and the scoring's status ------------------------------------------------------------


def channel(code: str, contacts: int, total: str, rank: int) -> dict[str, Any]:
    return {"channel": code, "contacts": contacts, "minimum": 3, "missing": 0, "qualified": True, "total": total, "rank": rank}


def test_the_live_standings_are_the_mini_samples(mini: Edition, organiser: User) -> None:
    response = client_of(organiser).get(f"{API}/editions/2021/standings/")

    pk = dict(Participant.objects.filter(edition=mini).values_list("name", "pk"))

    def line(name: str, contacts: int, overall: str, class_rank: int, edition_rank: int, *channels: Any) -> dict[str, Any]:
        return {
            "id": pk[name],
            "name": name,
            "contacts": contacts,
            "overall": overall,
            "qualified": True,
            "class_rank": class_rank,
            "edition_rank": edition_rank,
            "offers_none": False,
            "channels": list(channels),
        }

    assert response.status_code == 200
    assert response.json() == status_of(Edition.objects.get(pk=mini.pk)) | {
        "channels": ["phone", "email", "chat"],
        "classes": [
            {
                "name": "Broadband",
                "ranked": 2,
                "participants": [
                    line(
                        "Sognenett",
                        10,
                        "80.6667",
                        2,
                        4,
                        channel("phone", 4, "66.6667", 4),
                        channel("email", 3, "91.1111", 1),
                        channel("chat", 3, "88.8889", 3),
                    ),
                    line("Tussa", 6, "93.8889", 1, 2, channel("phone", 3, "96.6667", 2), channel("email", 3, "91.1111", 1)),
                ],
            },
            {
                "name": "Car rental",
                "ranked": 1,
                "participants": [
                    line("Sixt", 6, "96.3889", 1, 1, channel("phone", 3, "98.3333", 1), channel("chat", 3, "94.4444", 1))
                ],
            },
            {
                "name": "Insurance",
                "ranked": 2,
                "participants": [
                    line("Fjord Forsikring, avd. Øst", 3, "16.6667", 2, 5, channel("phone", 3, "16.6667", 5)),
                    line(
                        "Frende Forsikring",
                        9,
                        "89.3210",
                        1,
                        3,
                        channel("phone", 3, "88.3333", 3),
                        channel("email", 3, "88.8889", 3),
                        channel("chat", 3, "90.7407", 2),
                    ),
                ],
            },
        ],
    }


def test_the_standings_are_brought_up_to_date_before_they_are_read(mini: Edition, organiser: User) -> None:
    Edition.objects.filter(pk=mini.pk).update(data_version=F("data_version") + 1)  # a change whose rescoring was lost
    client = client_of(organiser)
    assert client.get(f"{API}/editions/2021/scoring/").json()["current"] is False

    standings = client.get(f"{API}/editions/2021/standings/").json()

    assert (standings["current"], standings["scored_version"]) == (True, mini.data_version + 1)


def test_a_rescoring_is_enqueued_and_the_status_follows_it(
    mini: Edition, organiser: User, django_capture_on_commit_callbacks: Any
) -> None:
    Edition.objects.filter(pk=mini.pk).update(data_version=F("data_version") + 1)
    behind = status_of(Edition.objects.get(pk=mini.pk))
    client = client_of(organiser)
    assert client.get(f"{API}/editions/2021/scoring/").json() == behind
    assert behind["current"] is False

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = client.post(f"{API}/editions/2021/rescorings/")

    assert (started.status_code, started.json()) == (202, behind)  # answered before the task ran
    assert started["Location"] == f"http://testserver{API}/editions/2021/scoring/"
    assert len(callbacks) == 1
    after = client.get(started["Location"]).json()
    assert after == status_of(Edition.objects.get(pk=mini.pk))
    assert (after["current"], after["scored_version"], after["runs"]) == (True, behind["data_version"], behind["runs"] + 1)
    assert client.post(f"{API}/editions/2021/rescorings/", {}, format="multipart").status_code == 415


# Publishing -----------------------------------------------------------------------------------------


def test_the_preview_is_the_admins_with_its_fingerprint(
    mini: Edition, organiser: User, client_as: ClientAs, mini_expected: dict[str, Any]
) -> None:
    response = client_of(organiser).get(f"{API}/editions/2021/publications/preview/?kind=interim")

    body = response.json()
    admin = client_as("organiser").get(f"/admin/publications/publication/publish/{mini.pk}/interim/").context["preview"]
    assert body["fingerprint"] == admin.fingerprint == publication_preview(edition=mini, kind="interim").fingerprint
    published_at = body["payload"].pop("published_at")
    assert abs(datetime.fromisoformat(published_at) - timezone.now()).total_seconds() < 60
    assert body == {
        "kind": "interim",
        "fingerprint": admin.fingerprint,
        "latest_id": None,
        "data_version": mini.data_version,
        "drafts": 0,
        "caught_up": 0,
        "payload": mini_expected["interim"],
    }


@pytest.mark.parametrize("query", ["", "?kind=draft", "?kind=Final"])
def test_a_preview_of_no_kind_is_a_400_naming_it(mini: Edition, organiser: User, query: str) -> None:
    response = client_of(organiser).get(f"{API}/editions/2021/publications/preview/{query}")
    assert (response.status_code, response.json()) == (400, {"kind": ["must be one of interim, final"]})


def test_the_reviewed_results_are_published(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    preview = client.get(f"{API}/editions/2021/publications/preview/?kind=final").json()

    response = client.post(
        f"{API}/editions/2021/publications/",
        {"kind": "final", "fingerprint": preview["fingerprint"], "latest_id": None},
        format="json",
    )

    publication = Publication.objects.get()
    body = {
        "id": publication.pk,
        "year": 2021,
        "kind": "final",
        "published_at": moment(publication.published_at),
        "published_by": "organiser",
        "digest": publication.digest,
        "data_version": mini.data_version,
        "supersedes": None,
        "correction_reason": "",
    }
    assert (response.status_code, response.json()) == (201, body)
    assert response["Location"] == f"http://testserver{API}/publications/{publication.pk}/"
    assert client.get(response["Location"]).json() == body
    assert client.get(f"{API}/editions/2021/publications/").json() == page([body])
    assert Edition.objects.get(pk=mini.pk).final_published_at == publication.published_at  # contacts are locked now


def test_a_stale_review_publishes_nothing(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    preview = client.get(f"{API}/editions/2021/publications/preview/?kind=interim").json()
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    assert client.patch(f"{API}/participants/{sixt.pk}/", {"name": "Sixt Norge"}, format="json").status_code == 200

    stale = client.post(
        f"{API}/editions/2021/publications/",
        {"kind": "interim", "fingerprint": preview["fingerprint"], "latest_id": None},
        format="json",
    )

    assert (stale.status_code, stale.json()) == (409, {"detail": "The results changed since you reviewed them."})
    assert not Publication.objects.exists()
    # Reviewed again, published; one made since is the next review's to see.
    fresh = client.get(f"{API}/editions/2021/publications/preview/?kind=interim").json()
    data = {"kind": "interim", "fingerprint": fresh["fingerprint"], "latest_id": None}
    assert client.post(f"{API}/editions/2021/publications/", data, format="json").status_code == 201
    twice = client.post(f"{API}/editions/2021/publications/", data, format="json")
    assert (twice.status_code, twice.json()) == (
        409,
        {"detail": "Another publication of this kind was made since you reviewed it."},
    )
    assert Publication.objects.count() == 1


def test_a_correction_names_the_latest_publication_and_why(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    preview = client.get(f"{API}/editions/2021/publications/preview/?kind=interim").json()
    data = {"kind": "interim", "fingerprint": preview["fingerprint"], "latest_id": None}

    nothing = client.post(f"{API}/editions/2021/publications/", data | {"correct_latest": True}, format="json")
    first = client.post(f"{API}/editions/2021/publications/", data, format="json").json()
    again = client.get(f"{API}/editions/2021/publications/preview/?kind=interim").json()
    data |= {"fingerprint": again["fingerprint"], "latest_id": again["latest_id"], "correct_latest": True}
    no_reason = client.post(f"{API}/editions/2021/publications/", data, format="json")
    corrected = client.post(f"{API}/editions/2021/publications/", data | {"correction_reason": "A typo in a name"}, format="json")

    assert (nothing.status_code, nothing.json()) == (
        400,
        {"correct_latest": ["There is no earlier publication of this kind to correct."]},
    )
    assert (no_reason.status_code, no_reason.json()) == (
        400,
        {"correction_reason": ["Say why the publication corrects the earlier one."]},
    )
    assert again["latest_id"] == first["id"]
    assert corrected.status_code == 201
    assert (corrected.json()["supersedes"], corrected.json()["correction_reason"]) == (first["id"], "A typo in a name")
    assert Publication.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            {
                "kind": ["This field is required."],
                "fingerprint": ["This field is required."],
                "latest_id": ["This field is required."],
            },
        ),
        ({"kind": "draft", "fingerprint": "x", "latest_id": None}, {"kind": ['"draft" is not a valid choice.']}),
        (
            {"kind": "final", "fingerprint": "x" * 81, "latest_id": None},
            {"fingerprint": ["Ensure this value has at most 80 characters (it has 81)."]},
        ),
    ],
)
def test_a_publication_asked_for_badly_is_a_400_naming_the_field(
    mini: Edition, organiser: User, data: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    response = client_of(organiser).post(f"{API}/editions/2021/publications/", data, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert not Publication.objects.exists()


# Query counts ------------------------------------------------------------------------------------------


def test_standings_jobs_and_publications_ask_the_database_as_often_whatever_their_size(
    mini: Edition, organiser: User, django_assert_num_queries: Any
) -> None:
    client = client_of(organiser)
    sizes = []
    for extra in (0, 12):
        if extra:
            extra_class = AwardClassFactory.create(edition=mini, name="Extra")
            for i in range(extra):
                ParticipantFactory.create(edition=mini, award_class=extra_class, name=f"Extra {i}", channels=["phone", "email"])
        for _i in range(1 + extra // 4):
            ImportJob.objects.create(name="contacts.csv", size=10, sha256="0" * 64, edition=mini, uploaded_by=organiser)
            publication_create(edition=mini, kind="interim")
        client.get(f"{API}/editions/2021/standings/")  # rescored: the reads below only read
        for path, queries in (("/standings/", 12), ("/imports/", 6), ("/publications/", 6)):
            with django_assert_num_queries(queries):
                assert client.get(f"{API}/editions/2021{path}").status_code == 200
        standings = client.get(f"{API}/editions/2021/standings/").json()
        sizes.append(
            (
                sum(len(block["participants"]) for block in standings["classes"]),
                client.get(f"{API}/editions/2021/imports/").json()["count"],
                client.get(f"{API}/editions/2021/publications/").json()["count"],
            )
        )
    assert sizes == [(5, 1, 1), (17, 5, 5)]
    assert AwardClass.objects.filter(edition=mini).count() == 4
