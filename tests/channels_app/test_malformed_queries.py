"""No query string answers 500: every admin list, the contact form and the participants' autocomplete, for every persona."""

from __future__ import annotations

import pytest
from django.contrib import admin

from award.models import Edition
from tests.conftest import ClientAs

MALFORMED = [
    "class=abc",
    "participant=abc",
    "judge=abc",
    "judge=-1",
    "edition__id__exact=abc",
    "participant__edition__id__exact=abc",
    "month=9999-12",
    "month=2021-13",
    "month=abc",
    "p=99999999999999999999",
    "o=abc",
    "q=%00",
    "channel__exact=nope",
    "participant=99999999999999999999",
]
OTHER_PAGES = [
    "/admin/channels_app/contact/add/?edition=abc&channel=phone",
    "/admin/channels_app/contact/add/?edition=99999999999999999999&channel=phone",
    "/admin/channels_app/contact/participants/?edition=abc&channel=phone&page=abc",
    "/admin/channels_app/contact/participants/?edition=1&channel=phone&page=99999999999999999999",
    "/admin/award/participant/add/?edition=abc",
]


@pytest.mark.parametrize("persona", ["organiser", "judge1", "company_user", "anonymous"])
def test_no_malformed_query_string_answers_500(mini: Edition, persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    lists = [f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry]
    failures = [
        (url, status)
        for url in [f"{path}?{query}" for path in lists for query in MALFORMED] + OTHER_PAGES
        if (status := client.get(url).status_code) >= 500
    ]
    assert failures == []


def test_a_number_too_large_for_the_database_is_a_bad_request(mini: Edition, client_as: ClientAs) -> None:
    response = client_as("organiser").get("/admin/award/membership/?participant=99999999999999999999")
    assert (response.status_code, response.content.decode()) == (400, "A number in this address is too large.")


@pytest.mark.parametrize("query", ["class=abc", "participant=abc", "judge=abc", "month=9999-12", "month=abc"])
def test_a_bad_filter_of_the_contacts_is_the_admins_invalid_filter_page(mini: Edition, query: str, client_as: ClientAs) -> None:
    client = client_as("organiser")
    response = client.get(f"/admin/channels_app/contact/?{query}")
    assert (response.status_code, response["Location"]) == (302, "/admin/channels_app/contact/?e=1")


def test_the_autocomplete_takes_a_bad_page_or_edition_as_none(mini: Edition, client_as: ClientAs) -> None:
    client = client_as("judge1")
    bad_edition = client.get("/admin/channels_app/contact/participants/?edition=abc&channel=phone&page=abc")
    assert bad_edition.json() == {"results": [], "pagination": {"more": False}}
    first = client.get(f"/admin/channels_app/contact/participants/?edition={mini.pk}&channel=phone&page=abc").json()
    assert [row["text"] for row in first["results"]] == [
        "Fjord Forsikring, avd. Øst",
        "Frende Forsikring",
        "Sixt",
        "Sognenett",
        "Tussa",
    ]
    far = client.get(f"/admin/channels_app/contact/participants/?edition={mini.pk}&channel=phone&page=99999999999999999999")
    assert (far.status_code, far.content.decode()) == (400, "A number in this address is too large.")
    beyond = client.get(f"/admin/channels_app/contact/participants/?edition={mini.pk}&channel=phone&page=99999")
    assert beyond.json() == {"results": [], "pagination": {"more": False}}
