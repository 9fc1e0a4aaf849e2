"""Who may see what (DESIGN.md), for each persona, on every page and API endpoint there is so far."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from award.models import Edition
from channels_app.models import Contact
from publications.services import publication_create
from website.pages import shuffled

ADMIN_ORGANISER_ONLY = [
    "/admin/scoring/channelstanding/",
    "/admin/scoring/overallstanding/",
    "/admin/publications/publication/",
    "/admin/award/participant/",
    "/admin/audit/changerecord/",
]


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mini_judges(mini: Edition, roles: None) -> tuple[Any, Any]:
    from django.contrib.auth.models import Group

    judge1, judge2 = (Contact.objects.filter(judge__username=u).first().judge for u in ("judge1", "judge2"))
    for judge in (judge1, judge2):
        judge.groups.add(Group.objects.get(name="Judges"))
    return judge1, judge2


def test_organiser_sees_every_admin_page(mini: Edition, organiser: Any) -> None:
    client = logged_in(organiser)
    for url in [*ADMIN_ORGANISER_ONLY, "/admin/channels_app/contact/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/channels_app/contact/").context["cl"].result_count == 35


def test_judge_sees_only_their_own_contacts_and_no_standing(mini: Edition, mini_judges: tuple[Any, Any]) -> None:
    judge1, judge2 = mini_judges
    client = logged_in(judge1)

    response = client.get("/admin/channels_app/contact/")

    assert response.status_code == 200
    own = set(Contact.objects.filter(judge=judge1).values_list("ref", flat=True))
    assert {contact.ref for contact in response.context["cl"].result_list} == own
    others = Contact.objects.filter(judge=judge2).first()
    assert client.get(f"/admin/channels_app/contact/{others.pk}/change/").status_code in (302, 403, 404)
    mine = Contact.objects.filter(judge=judge1).first()
    assert client.get(f"/admin/channels_app/contact/{mine.pk}/change/").status_code == 200
    for url in ADMIN_ORGANISER_ONLY:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["company_user", "anonymous"])
def test_company_users_and_the_public_never_get_into_the_admin(
    mini: Edition, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue("anonymous") if persona == "anonymous" else logged_in(request.getfixturevalue(persona))
    for url in [*ADMIN_ORGANISER_ONLY, "/admin/channels_app/contact/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("persona", ["organiser", "judge", "company_user", "anonymous"])
def test_public_pages_and_api_show_only_what_is_published(mini: Edition, persona: str, request: pytest.FixtureRequest) -> None:
    client = request.getfixturevalue("anonymous") if persona == "anonymous" else logged_in(request.getfixturevalue(persona))
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
    names = re.search(r'<h2 id="card-phone">.*?</h2>\s*<ul class="names">(.*?)</ul>', page, re.S).group(1)
    return [html.unescape(name) for name in re.findall(r"<li>(.*?)</li>", names)]


def test_home_page_before_anything_is_published(db: None, client: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):
        response = client.get("/")
    assert response.status_code == 200
