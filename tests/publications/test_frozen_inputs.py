"""A publication's inputs frozen piece by piece (publications.inputs.inputs_freeze), and kept apart from what is read."""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from award.models import Edition, Participant
from channels_app.models import ContactStatus
from publications.inputs import edition_inputs, inputs_freeze, inputs_unpack
from publications.models import ImmutableError, PublishedInputs
from publications.payload import canonical_json, digest_of
from publications.selectors import published_entrants
from publications.services import publication_create, publication_verify
from tests.conftest import ClientAs, record


def _same_as_the_document(edition: Edition) -> str:
    frozen = inputs_freeze(edition=edition)
    text = inputs_unpack(frozen.packed)
    expected = canonical_json(edition_inputs(edition=edition))
    assert text == expected  # byte for byte what the whole document gives
    assert frozen.digest == digest_of(expected)
    assert frozen.participants == json.loads(expected)["participants"]
    return text


def test_frozen_piece_by_piece_as_the_whole_document(mini: Edition, large: Edition) -> None:
    for edition in (mini, large):
        text = _same_as_the_document(edition)
        assert len(json.loads(text)["contacts"]) == edition.contacts.filter(status="submitted", voided=False).count() > 0


def test_awkward_references_answers_and_contacts_are_written_as_canonical_json(mini: Edition, judge: Any) -> None:
    participant = Participant.objects.get(edition=mini, name="Sognenett")
    at = datetime.fromisoformat("2021-03-01T10:00:00+01:00")
    phone = {"participant": participant, "channel": "phone", "happened_at": at, "judge": judge}
    questions = list(mini.questions.filter(channel="phone").order_by("position").values_list("key", flat=True))
    # Every question N/A but one, out of order; a quote, a backslash, non-ASCII and a tab in the references.
    record(mini, ref='Q"1\\«ø»', answers=dict.fromkeys(reversed(questions[1:])) | {questions[0]: 2}, **phone)
    record(mini, ref="Q\t2", answered=False, **phone)  # unanswered: no answers
    record(mini, ref="Q3-draft", status=ContactStatus.DRAFT, answers={questions[0]: 1}, **phone)  # not counted
    record(mini, ref="Q4", answers=dict.fromkeys(questions, 1), voided=True, void_reason="Wrong branch", **phone)

    text = _same_as_the_document(mini)

    document = json.loads(text)
    contacts = {row[0]: row for row in document["contacts"]}
    assert '"Q\\"1\\\\«ø»"' in text and '"Q\\t2"' in text
    first = mini.questions.get(channel="phone", key=questions[0])
    # [question id, points] of the points given (an N/A leaves no answer); the question's maximum and counts beside.
    assert contacts['Q"1\\«ø»'][5] == [[first.pk, 2]]
    assert [first.pk, first.max_points, first.counts] in document["questions"]
    assert document["format"] == 2
    assert contacts["Q\t2"][3:] == [False, "", []]
    assert "Q3-draft" not in contacts and "Q4" not in contacts


def test_frozen_with_the_publication_and_never_changed(mini: Edition) -> None:
    publication = publication_create(edition=mini, kind="final")
    frozen = PublishedInputs.objects.get(publication=publication)

    assert digest_of(zlib.decompress(frozen.packed).decode()) == publication.inputs_digest
    assert published_entrants(publication)[Participant.objects.get(edition=mini, name="Sixt").pk] == ("Sixt", "Car rental")
    assert publication_verify(publication=publication).ok
    with pytest.raises(ImmutableError):
        frozen.save()
    with pytest.raises(ImmutableError):
        PublishedInputs.objects.filter(pk=frozen.pk).update(packed=b"")
    with pytest.raises(ImmutableError):
        frozen.delete()


def test_pages_the_api_and_the_dashboard_never_read_the_frozen_contacts(
    mini: Edition, client: Client, sognenett_reader: Any, client_as: ClientAs
) -> None:
    """Only their participants, in a query of their own: at a million contacts the rest is hundreds of megabytes."""
    reader = client_as(sognenett_reader)
    publication_create(edition=mini, kind="interim")
    publication_create(edition=mini, kind="final")
    with CaptureQueriesContext(connection) as queries:
        for url in ("/", "/2021/interim/", "/2021/final/", "/2021/", "/archive/", "/badges/2021/overall.svg"):
            assert client.get(url).status_code == 200, url
        for url in ("/api/v1/editions/", "/api/v1/editions/2021/results/final/", "/api/v1/editions/2021/publications/"):
            assert client.get(url).status_code == 200, url
        assert reader.get("/dashboard/").status_code == 200
    read = [query["sql"] for query in queries.captured_queries if "publishedinputs" in query["sql"]]
    assert read, "the dashboard reads the names the results were published under"
    assert all('"packed"' not in sql for sql in read), read
