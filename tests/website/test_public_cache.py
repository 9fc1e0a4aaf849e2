"""Public pages and badges served whole from the cache (publications.cache): no query on a hit, a new publication at
once, conditional requests answered 304, and nothing of a logged-in reader's ever kept or given to another."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from award.models import Edition
from publications.cache import (
    LOCAL_SECONDS,
    MAX_AGE,
    VERSION_KEY,
    VERSION_SECONDS,
    publications_version,
    publications_version_refresh,
)
from publications.models import Publication
from publications.services import publication_create
from tests.website.page import FINAL_AT, INTERIM_AT

PAGES = [
    "/",
    "/2021/interim/",
    "/2021/final/",
    "/2021/",
    "/archive/",
    "/how-it-works/",
    "/badges/2021/overall.svg",
    "/badges/2021/phone.svg?lang=sv",
    "/badges/2021/class/car-rental.svg",
]
CORRECTED_AT = datetime(2021, 5, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def final(mini: Edition) -> Publication:
    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)
    return publication_create(edition=mini, kind="final", published_at=FINAL_AT)


def seconds_left(key: str) -> float:
    """How long the cache keeps `key`: django-redis tells; the local memory cache keeps its expiry times."""
    if hasattr(cache, "ttl"):
        return float(cache.ttl(key))
    return float(cache._expire_info[cache.make_key(key)] - time.time())  # type: ignore[attr-defined]


def another_process_publishes() -> Any:
    """A publication made by another worker: this process's cache is not told (a local memory cache is per process)."""
    return mock.patch("publications.services.publications_version_changed")


# A hit costs nothing ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_the_second_reader_gets_the_whole_page_from_the_cache_without_a_query(
    final: Publication, client: Client, url: str, django_assert_num_queries: Any
) -> None:
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
    assert first.status_code == 200, url

    with django_assert_num_queries(0):
        again = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
        head = client.head(url, HTTP_ACCEPT_LANGUAGE="nb")

    assert again.status_code == head.status_code == 200
    assert again.content == first.content  # the same bytes: no per-request token, nothing of the reader's
    assert again["ETag"] == first["ETag"] == head["ETag"]
    assert again["Cache-Control"] == f"public, max-age={MAX_AGE}, stale-while-revalidate=60"
    assert {"Accept-Language", "Cookie"} <= {value.strip() for value in again["Vary"].split(",")}
    assert not again.cookies  # no CSRF cookie, no session: a proxy may keep it


def test_the_language_gives_each_its_own_cached_page(final: Publication, client: Client, django_assert_num_queries: Any) -> None:
    norwegian = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb")
    english = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en")

    with django_assert_num_queries(0):
        assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb").content == norwegian.content
        assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content == english.content
        client.cookies["django_language"] = "en"  # the reader's choice, remembered, is a language too
        assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb").content == english.content
    assert '<html lang="nb">' in norwegian.content.decode() and "Totalvinner" in norwegian.content.decode()
    assert '<html lang="en">' in english.content.decode() and "Overall winner" in english.content.decode()
    assert norwegian["ETag"] != english["ETag"]
    assert (norwegian["Content-Language"], english["Content-Language"]) == ("nb", "en")


def test_the_badges_language_in_its_address_is_part_of_the_key(final: Publication, client: Client) -> None:
    swedish = client.get("/badges/2021/phone.svg?lang=sv", HTTP_ACCEPT_LANGUAGE="nb")
    norwegian = client.get("/badges/2021/phone.svg?lang=nb", HTTP_ACCEPT_LANGUAGE="nb")

    assert "Bäst på telefon" in swedish.content.decode() and swedish["Content-Language"] == "sv"
    assert "Best på telefon" in norwegian.content.decode() and norwegian["Content-Language"] == "nb"
    assert swedish["ETag"] != norwegian["ETag"]


@pytest.mark.parametrize("url", ["/2021/interim/?from=newsletter", "/badges/2021/phone.svg?lang=xx", "/?lang=nb&lang=en"])
def test_an_address_with_another_query_is_served_but_never_kept(final: Publication, client: Client, url: str) -> None:
    """Only the query parameters a page depends on, with known values, make a key: nobody fills the cache at will."""
    client.get(url, HTTP_ACCEPT_LANGUAGE="nb")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")

    assert response.status_code == 200
    assert len(queries) > 0  # made again
    assert "ETag" not in response and "public" not in response.get("Cache-Control", "")


def test_the_final_pages_absolute_addresses_are_each_hosts_own(final: Publication, client: Client, settings: Any) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "award.example.org"]

    here = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    there = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="award.example.org").content.decode()

    assert "http://testserver/badges/2021/overall.svg" in here and "award.example.org" not in here
    assert "http://award.example.org/badges/2021/overall.svg" in there and "testserver" not in there


# A new publication -----------------------------------------------------------------------------


def test_a_new_publication_shows_at_once_in_the_process_that_made_it(
    mini: Edition, final: Publication, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    before = {url: client.get(url, HTTP_ACCEPT_LANGUAGE="en") for url in ("/", "/2021/final/", "/2021/", "/archive/")}
    assert final.digest in before["/"].content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        correction = publication_create(
            edition=mini,
            kind="final",
            supersedes=final,
            correction_reason="A judge's contact was void.",
            published_at=CORRECTED_AT,
        )

    assert cache.get(VERSION_KEY) == publications_version_refresh()  # written when the publication committed
    for url, earlier in before.items():
        now = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert now.status_code == 200
        assert correction.digest in now.content.decode() or url == "/archive/", url  # the archive lists editions
        assert now["ETag"] != earlier["ETag"], url


def test_another_workers_publication_shows_within_the_versions_seconds(
    mini: Edition, final: Publication, client: Client, django_assert_num_queries: Any
) -> None:
    """A worker trusts the version it has for LOCAL_SECONDS, and the cache one read from the database for
    VERSION_SECONDS (on a local memory cache, each worker has its own): together at most 2 s."""
    assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert 0 < seconds_left(VERSION_KEY) <= VERSION_SECONDS
    assert LOCAL_SECONDS + VERSION_SECONDS <= 2

    with another_process_publishes():
        correction = publication_create(edition=mini, kind="final", supersedes=final, correction_reason="Void contact.")

    with django_assert_num_queries(0):  # within the window: this worker still has the version it read
        stale = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert final.digest in stale and correction.digest not in stale
    now = monotonic()
    with mock.patch("publications.cache.monotonic", return_value=now + LOCAL_SECONDS), django_assert_num_queries(0):
        assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode() == stale  # the cache's again
    cache.delete(VERSION_KEY)  # what its timeout does, VERSION_SECONDS after it was read from the database
    with mock.patch("publications.cache.monotonic", return_value=now + 2 * LOCAL_SECONDS):
        fresh = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert correction.digest in fresh


def test_the_refreshed_version_brings_another_workers_publication(mini: Edition, final: Publication, client: Client) -> None:
    assert final.digest in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with another_process_publishes():
        correction = publication_create(edition=mini, kind="final", supersedes=final, correction_reason="Void contact.")
    version = publications_version()

    assert publications_version_refresh() != version
    assert correction.digest in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_organisers_change_to_the_edition_shows_within_the_versions_seconds(
    mini: Edition, final: Publication, client: Client
) -> None:
    assert "Rankings by class" in client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    Edition.objects.filter(pk=mini.pk).update(publish_rankings=False, name="Kundeserviceprisen 2021")

    assert "Rankings by class" in client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()  # cached
    publications_version_refresh()  # what the version's timeout brings at the latest VERSION_SECONDS later
    page = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rankings by class" not in page and "<h1>Kundeserviceprisen 2021</h1>" in page


def test_the_404s_before_a_publication_are_never_kept(mini: Edition, client: Client) -> None:
    urls = ("/2021/interim/", "/2021/final/", "/2021/", "/badges/2021/overall.svg", "/api/v1/editions/2021/results/interim/")
    for _ in range(2):
        for url in urls:
            assert client.get(url, HTTP_ACCEPT_LANGUAGE="nb").status_code == 404, url
    welcome = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No results have been published yet." in welcome

    with another_process_publishes():  # even before this worker reads the new version
        interim = publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)

    for url in ("/2021/interim/", "/2021/", "/api/v1/editions/2021/results/interim/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == 200, url
        assert interim.digest in response.content.decode(), url
    assert client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb").status_code == 404
    assert client.get("/badges/2021/overall.svg", HTTP_ACCEPT_LANGUAGE="nb").status_code == 404
    publications_version_refresh()
    assert interim.digest in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


# Conditional requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/2021/final/", "/badges/2021/overall.svg?lang=en", "/2021/"])
def test_a_conditional_request_for_the_same_publication_is_answered_304(
    mini: Edition, final: Publication, client: Client, url: str, django_assert_num_queries: Any
) -> None:
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert first["Last-Modified"] == http_date(FINAL_AT.timestamp())

    with django_assert_num_queries(0):
        by_etag = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    other_language = client.get(url, HTTP_ACCEPT_LANGUAGE="nb", HTTP_IF_NONE_MATCH=first["ETag"])

    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"] and by_etag["Cache-Control"] == first["Cache-Control"]
    assert other_language.status_code == 200 and other_language["ETag"] != first["ETag"]

    correction = publication_create(
        edition=mini, kind="final", supersedes=final, correction_reason="Void contact.", published_at=CORRECTED_AT
    )

    after = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert after["Last-Modified"] == http_date(CORRECTED_AT.timestamp())
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200
    assert correction.digest in after.content.decode() or url.startswith("/badges/")


# Nothing of a reader's own --------------------------------------------------------------------


def test_a_logged_in_readers_page_is_their_own_and_never_kept(final: Publication, client_as: Any, client: Client) -> None:
    anonymous = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en")
    organiser = client_as("organiser")
    company = client_as("company_user")

    tokens = []
    for reader, link in ((organiser, "/admin/"), (company, "/dashboard/")):
        for _ in range(2):
            page = reader.get("/2021/final/")
            content = page.content.decode()
            assert page.status_code == 200
            assert "Log out" in content and f'href="{link}"' in content and "Log in" not in content
            assert page["Cache-Control"] == "private, no-cache"
            assert "ETag" not in page and "Last-Modified" not in page
            tokens.append(content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])  # for their logout form
    assert len(set(tokens)) == 4  # each page made for its request (Django masks the token anew each time), none kept

    again = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.content == anonymous.content
    for page in (anonymous, again):
        assert "Log in" in page.content.decode()
        assert "Log out" not in page.content.decode() and "csrfmiddlewaretoken" not in page.content.decode()


def test_a_logged_in_reader_first_leaves_nothing_for_the_anonymous(final: Publication, client_as: Any, client: Client) -> None:
    assert "Log out" in client_as("organiser").get("/").content.decode()

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(queries) > 0  # made for this reader, not found
    assert "Log in" in page and "Log out" not in page


def test_a_reader_with_messages_gets_their_own_page(final: Publication, client: Client) -> None:
    client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["messages"] = "anything"  # messages kept in a cookie, as after an organiser's action

    page = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en")

    assert page["Cache-Control"] == "private, no-cache" and "ETag" not in page


def test_the_language_switch_needs_no_csrf_token(final: Publication) -> None:
    reader = Client(enforce_csrf_checks=True)

    response = reader.post("/i18n/setlang/", {"language": "sv", "next": "/2021/final/"})

    assert response.status_code == 302 and response["Location"] == "/2021/final/"
    assert response.cookies["django_language"].value == "sv"
    assert '<html lang="sv">' in reader.get("/2021/final/").content.decode()
