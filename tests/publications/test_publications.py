"""Publications: immutable, verifiable, and the only thing the public API reads."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from audit.models import Source
from award.models import Edition
from channels_app.models import Contact
from channels_app.services import contact_void
from publications.inputs import inputs_unpack
from publications.models import ImmutableError, Publication, PublishedInputs
from publications.services import PublicationError, publication_create, publication_verify
from publications.triggers import FROZEN_TABLES, statements


def test_publication_cannot_be_changed_or_deleted(mini: Edition) -> None:
    publication = publication_create(edition=mini, kind="interim")

    publication.payload = "{}"
    with pytest.raises(ImmutableError):
        publication.save()
    with pytest.raises(ImmutableError):
        publication.delete()
    with pytest.raises(ImmutableError):
        Publication.objects.filter(pk=publication.pk).update(payload="{}")
    with pytest.raises(ImmutableError):
        Publication.objects.all().delete()
    assert Publication.objects.get(pk=publication.pk).payload.startswith('{"channels":')


def test_later_edits_change_only_later_publications(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    first = publication_create(edition=mini, kind="final")
    with django_capture_on_commit_callbacks(execute=True):
        contact_void(contact=Contact.objects.get(ref="P500"), reason="Tester called the wrong branch", source=Source.COMMAND)
    second = publication_create(edition=mini, kind="final")

    assert Publication.objects.get(pk=first.pk).payload == first.payload
    assert second.payload != first.payload
    assert second.data_version > first.data_version
    assert '"phone":{"average":"73.3"' in first.payload


def test_correction_names_what_it_corrects_and_why(mini: Edition) -> None:
    first = publication_create(edition=mini, kind="final")
    with pytest.raises(PublicationError):
        publication_create(edition=mini, kind="final", supersedes=first)
    second = publication_create(edition=mini, kind="final", supersedes=first, correction_reason="A contact was scored twice")
    assert second.supersedes == first
    assert first.superseded_by == second


def run(*args: Any) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_publish_and_verify_commands(mini: Edition) -> None:
    code, out = run("publish", "2021", "--interim")
    assert code == 0
    publication = Publication.objects.get()
    assert out.strip() == publication.digest

    code, out = run("verify_publication", "2021")
    assert code == 0
    assert "OK: the publication is intact and reproduced from its contacts." in out
    assert "The contacts as they are now still give this publication." in out


def test_verify_catches_a_tampered_payload(mini: Edition) -> None:
    publication = publication_create(edition=mini, kind="final")
    tampered = publication.payload.replace('"name":"Sixt","rank":1', '"name":"Tussa","rank":1', 1)
    assert tampered != publication.payload
    with connection.cursor() as cursor:  # behind the model's back, as an attacker with database access would
        forge(cursor, "UPDATE publications_publication SET payload = %s WHERE id = %s", [tampered, publication.pk])

    code, out = run("verify_publication", "2021")

    assert code == 1
    assert "MISMATCH: the stored payload was altered" in out
    assert "does not verify" in out


def test_verify_recomputes_from_the_contacts_as_they_stood(mini: Edition, django_capture_on_commit_callbacks: Any) -> None:
    publication = publication_create(edition=mini, kind="final")
    with django_capture_on_commit_callbacks(execute=True):
        contact_void(contact=Contact.objects.get(ref="P500"), reason="Duplicate", source=Source.COMMAND)

    code, out = run("verify_publication", "2021")

    # An edit after publishing changes later publications only: this one still verifies...
    assert code == 0, out
    assert "OK: the publication is intact and reproduced from its contacts." in out
    # ...and the organiser is told that a new one would differ.
    assert "The contacts have changed since" in out
    assert publication_verify(publication=publication).current_digest != publication.digest


def test_verify_catches_altered_frozen_contacts(mini: Edition) -> None:
    publication = publication_create(edition=mini, kind="final")
    inputs = inputs_unpack(PublishedInputs.objects.get(publication=publication).packed)
    altered = inputs.replace('["P500",', '["P500-x",', 1)
    assert altered != inputs
    with connection.cursor() as cursor:
        forge(
            cursor,
            "UPDATE publications_publishedinputs SET packed = %s WHERE publication_id = %s",
            [zlib.compress(altered.encode()), publication.pk],
        )

    report = publication_verify(publication=Publication.objects.get(pk=publication.pk))

    assert not report.ok
    assert not report.inputs_intact


def test_verify_catches_a_stored_score_that_disagrees_with_its_answers(mini: Edition) -> None:
    with connection.cursor() as cursor:  # the stored score no longer agrees with the answers
        cursor.execute("UPDATE channels_app_contact SET score = 0 WHERE ref = 'P500'")
    from scoring.services import edition_rescore

    edition_rescore(edition_id=mini.pk, force=True)
    publication = publication_create(edition=mini, kind="final")  # built from the stored scores

    report = publication_verify(publication=publication)

    # The reference path recomputes every contact from its answers, so it catches it.
    assert report.payload_intact and report.inputs_intact
    assert not report.reproduced


def test_api_answers_404_with_json_before_publication(mini: Edition, client: Client) -> None:
    nothing_here = {"detail": "There is nothing at this address of the API."}
    for url, body in (
        (
            "/api/v1/editions/2021/results/interim/",
            {"detail": "No interim results of 2021 have been published.", "year": 2021, "kind": "interim"},
        ),
        (
            "/api/v1/editions/2021/results/final/",
            {"detail": "No final results of 2021 have been published.", "year": 2021, "kind": "final"},
        ),
        (
            "/api/v1/editions/1999/results/interim/",
            {"detail": "No interim results of 1999 have been published.", "year": 1999, "kind": "interim"},
        ),
        ("/api/v1/editions/2021/publications/", {"detail": "Nothing of 2021 has been published.", "year": 2021}),
        ("/api/v1/editions/abc/results/interim/", nothing_here),  # not a year: no such address
        ("/api/v1/no-such-thing/", nothing_here),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json() == body, url
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="nb").json()["detail"] != body["detail"]  # translated
    assert client.get("/api/v1/editions/").json() == []


def test_api_interim_shows_sorted_names_and_never_a_score(mini: Edition, client: Client) -> None:
    publication_create(edition=mini, kind="interim")

    document = client.get("/api/v1/editions/2021/results/interim/").json()

    assert set(document) == {"year", "kind", "published_at", "digest", "channels"}
    assert document["channels"]["phone"] == {"top3": ["Frende Forsikring", "Sixt", "Tussa"], "average": "73.3", "participants": 5}
    for channel in document["channels"].values():
        assert set(channel) == {"top3", "average", "participants"}
        assert channel["top3"] == sorted(channel["top3"], key=str.casefold)
    assert client.get("/api/v1/editions/2021/results/final/").status_code == 404


def test_api_lists_editions_and_publications(mini: Edition, client: Client) -> None:
    interim = publication_create(edition=mini, kind="interim")
    final = publication_create(edition=mini, kind="final")

    assert client.get("/api/v1/editions/").json() == [
        {"year": 2021, "name": "Customer Service Award 2021", "interim": True, "final": True}
    ]
    rows = client.get("/api/v1/editions/2021/publications/").json()
    assert [row["digest"] for row in rows] == [interim.digest, final.digest]
    assert rows[0]["kind"] == "interim"
    assert rows[0]["published_at"] == interim.published_at.isoformat()


def test_api_reads_publications_not_live_standings(
    mini: Edition, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    publication_create(edition=mini, kind="interim")
    with django_capture_on_commit_callbacks(execute=True):
        for ref in ("P500", "P501", "P502"):
            contact_void(contact=Contact.objects.get(ref=ref), reason="Test", source=Source.COMMAND)

    document = client.get("/api/v1/editions/2021/results/interim/").json()

    assert "Sixt" in document["channels"]["phone"]["top3"]  # Sixt no longer qualifies live, but the publication stands


def test_api_query_count_is_constant(
    mini: Edition, client: Client, django_assert_max_num_queries: Any, mini_expected: dict[str, Any]
) -> None:
    publication = publication_create(edition=mini, kind="final")
    with django_assert_max_num_queries(2):
        editions = client.get("/api/v1/editions/")
    with django_assert_max_num_queries(1):
        final = client.get("/api/v1/editions/2021/results/final/")

    assert editions.status_code == 200
    assert editions.json() == [{"year": 2021, "name": "Customer Service Award 2021", "interim": False, "final": True}]
    assert final.status_code == 200
    document = final.json()
    assert (document.pop("digest"), document.pop("published_at")) == (publication.digest, publication.published_at.isoformat())
    assert document == mini_expected["final"]


def test_channel_without_counted_contacts_and_class_without_ranking(db: None, client: Client) -> None:
    from datetime import date

    from award.services import class_ensure, edition_upsert, participant_upsert

    edition, _ = edition_upsert(
        year=2022, name="Award 2022", starts_on=date(2022, 1, 1), ends_on=date(2022, 3, 1), source=Source.COMMAND
    )
    bank, _ = class_ensure(edition=edition, name="Bank", source=Source.COMMAND)
    participant_upsert(edition=edition, name="Nordbank", award_class=bank, channels=["messenger"], source=Source.COMMAND)
    publication_create(edition=edition, kind="interim")
    publication_create(edition=edition, kind="final")

    interim = client.get("/api/v1/editions/2022/results/interim/").json()
    final = client.get("/api/v1/editions/2022/results/final/").json()

    assert interim["channels"] == {"messenger": {"top3": [], "average": None, "participants": 0}}
    assert final["channels"] == {"messenger": {"average": None, "winners": [], "ranking": []}}
    assert final["classes"] == [{"name": "Bank", "winners": [], "ranking": []}]
    assert final["overall"] == {"winners": [], "ranking": []}


def forge(cursor: Any, sql: str | list[str], params: list[Any]) -> None:
    """What a forger with the database's owner rights does: drop the triggers that refuse it (of the publications and
    of their frozen averages), change the rows, put the triggers back (inside the test's transaction, rolled back
    after it)."""
    vendor = connection.vendor
    for table in FROZEN_TABLES:
        for statement in statements(vendor, install=False, table=table):
            cursor.execute(statement, None)
    for each in [sql] if isinstance(sql, str) else sql:
        cursor.execute(each, params)
    for table in FROZEN_TABLES:
        for statement in statements(vendor, install=True, table=table):
            cursor.execute(statement, None)
