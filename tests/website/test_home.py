"""The home page: only what is published, in the reader's language, in the publication's own order."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from award.models import Edition
from publications.services import publication_create
from tests.conftest import ClientAs
from website.pages import shuffled


@pytest.mark.parametrize("persona", ["organiser", "judge", "company_user", "anonymous"])
def test_public_pages_and_api_show_only_what_is_published(mini: Edition, persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    assert client.get("/api/v1/editions/2021/results/interim/").status_code == 404
    assert "Sixt" not in client.get("/").content.decode()

    publication_create(edition=mini, kind="interim")

    assert client.get("/api/v1/editions/2021/results/interim/").status_code == 200
    assert client.get("/api/v1/editions/2021/results/final/").status_code == 404
    page = client.get("/").content.decode()
    assert "Sixt" in page
    assert "98.3" not in page and "98,3" not in page  # interim pages never show an individual score


def test_home_page_localises_the_average_and_keeps_one_order_per_publication(mini: Edition, client: Client) -> None:
    publication = publication_create(edition=mini, kind="interim")

    nb = client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "73,3" in nb and "73.3" not in nb
    assert "73.3" in en
    assert publication.digest in nb
    # The rendered results are cached, so read the order from the page rather than from the context.
    order = phone_card_names(client.get("/").content.decode())
    assert sorted(order) == ["Frende Forsikring", "Sixt", "Tussa"]
    assert order == shuffled(sorted(order), digest=publication.digest)
    cache.clear()
    assert all(phone_card_names(client.get("/").content.decode()) == order for _ in range(3))


def phone_card_names(page: str) -> list[str]:
    card = re.search(r'<h2 id="card-phone">.*?</h2>\s*<ul class="names">(.*?)</ul>', page, re.S)
    assert card is not None, "no phone card"
    return [html.unescape(name) for name in re.findall(r"<li>(.*?)</li>", card.group(1))]


def test_home_page_before_anything_is_published(db: None, client: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(3):  # the publications' version (publications.cache), then the newest publication
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No results have been published yet." in response.content.decode()
    assert "Sixt" not in response.content.decode()
