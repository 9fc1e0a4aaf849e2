"""The public results API served whole from the cache (publications.cache): no query on a hit, 304s, Cache-Control,
and a new publication at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils.http import http_date

from award.models import Edition
from publications.cache import MAX_AGE
from publications.models import Publication
from publications.services import publication_create

INTERIM_AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
FINAL_AT = datetime(2021, 5, 20, 18, 0, tzinfo=UTC)
URLS = [
    "/api/v1/editions/",
    "/api/v1/editions/2021/results/interim/",
    "/api/v1/editions/2021/results/final/",
    "/api/v1/editions/2021/publications/",
]


@pytest.fixture
def final(mini: Edition) -> Publication:
    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)
    return publication_create(edition=mini, kind="final", published_at=FINAL_AT)


@pytest.mark.parametrize("url", URLS)
def test_the_second_request_is_answered_from_the_cache_without_a_query(
    final: Publication, client: Client, url: str, django_assert_num_queries: Any
) -> None:
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.json() == first.json() and again["Content-Type"] == "application/json"
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == f"public, max-age={MAX_AGE}, stale-while-revalidate=60"
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_the_final_results_carry_their_publications_moment(final: Publication, client: Client) -> None:
    response = client.get("/api/v1/editions/2021/results/final/")

    assert response.json()["digest"] == final.digest
    assert response["Last-Modified"] == http_date(FINAL_AT.timestamp())
    assert client.get("/api/v1/editions/2021/results/final/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get("/api/v1/editions/2021/results/interim/")["Last-Modified"] == http_date(INTERIM_AT.timestamp())


def test_every_reader_gets_the_same_answer_logged_in_or_not(
    final: Publication, client: Client, client_as: Any, django_assert_num_queries: Any
) -> None:
    """The public API reads no login: an organiser's browser with its session gets the cached answer too."""
    first = client.get("/api/v1/editions/2021/results/final/", HTTP_ACCEPT_LANGUAGE="en")
    organiser = client_as("organiser")  # reading English

    with django_assert_num_queries(0):
        theirs = organiser.get("/api/v1/editions/2021/results/final/")

    assert theirs.content == first.content and theirs["ETag"] == first["ETag"]


def test_a_correction_is_answered_at_once_with_a_new_etag(mini: Edition, final: Publication, client: Client) -> None:
    first = client.get("/api/v1/editions/2021/results/final/")

    correction = publication_create(edition=mini, kind="final", supersedes=final, correction_reason="A void contact.")

    after = client.get("/api/v1/editions/2021/results/final/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["digest"] == correction.digest and after["ETag"] != first["ETag"]
    assert [row["digest"] for row in client.get("/api/v1/editions/2021/publications/").json()][-1] == correction.digest


def test_before_the_final_publication_the_404_is_never_kept(mini: Edition, client: Client) -> None:
    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)
    for _ in range(2):
        missing = client.get("/api/v1/editions/2021/results/final/")
        assert missing.status_code == 404 and missing.json()["kind"] == "final"
        assert "ETag" not in missing

    final = publication_create(edition=mini, kind="final", published_at=FINAL_AT)

    assert client.get("/api/v1/editions/2021/results/final/").json()["digest"] == final.digest
