"""Winner badges: an SVG per prize of the latest final publication, and the HTML snippet to copy from the final page."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from award.models import AwardClass, Edition
from publications.models import Publication
from publications.services import publication_create
from tests.factories import ParticipantFactory
from tests.website.page import FINAL_AT, INTERIM_AT, Page

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def final(mini: Edition) -> Publication:
    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)
    return publication_create(edition=mini, kind="final", published_at=FINAL_AT)


def badge(client: Client, url: str, language: str = "nb") -> tuple[ET.Element, list[str]]:
    """The badge's SVG root and its lines of text, top to bottom."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    root = ET.fromstring(response.content)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return root, [element.text or "" for element in root.iter(f"{SVG}text")]


def title_of(root: ET.Element) -> str | None:
    """The badge's <title>: its text alternative."""
    title = root.find(f"{SVG}title")
    assert title is not None, "the badge has no <title>"
    return title.text


@pytest.mark.parametrize(
    ("url", "language", "lines", "title"),
    [
        (
            "/badges/2021/phone.svg",
            "nb",
            ["KUNDESERVICEPRISEN 2021", "Best på telefon", "Sixt"],
            "Kundeserviceprisen 2021, Best på telefon: Sixt",
        ),
        (
            "/badges/2021/phone.svg",
            "en",
            ["CUSTOMER SERVICE AWARD 2021", "Best on phone", "Sixt"],
            "Customer Service Award 2021, Best on phone: Sixt",
        ),
        (
            "/badges/2021/email.svg",
            "sv",
            ["KUNDSERVICEPRISET 2021", "Bäst på e-post", "Sognenett", "Tussa"],  # joint winners, one line each
            "Kundservicepriset 2021, Bäst på e-post: Sognenett, Tussa",
        ),
        (
            "/badges/2021/chat.svg",
            "nb",
            ["KUNDESERVICEPRISEN 2021", "Best på chat", "Sixt"],
            "Kundeserviceprisen 2021, Best på chat: Sixt",
        ),
        (
            "/badges/2021/class/broadband.svg",
            "nb",
            ["KUNDESERVICEPRISEN 2021", "Klassevinner: Broadband", "Tussa"],
            "Kundeserviceprisen 2021, Klassevinner: Broadband: Tussa",
        ),
        (
            "/badges/2021/class/car-rental.svg",
            "en",
            ["CUSTOMER SERVICE AWARD 2021", "Class winner: Car rental", "Sixt"],
            "Customer Service Award 2021, Class winner: Car rental: Sixt",
        ),
        (
            "/badges/2021/overall.svg",
            "nb",
            ["KUNDESERVICEPRISEN 2021", "Totalvinner", "Sixt"],
            "Kundeserviceprisen 2021, Totalvinner: Sixt",
        ),
    ],
)
def test_a_badge_shows_the_year_the_prize_and_the_winners(
    final: Publication, client: Client, url: str, language: str, lines: list[str], title: str
) -> None:
    root, texts = badge(client, url, language)

    assert texts == lines
    assert root.get("role") == "img"
    assert title_of(root) == title
    assert root.get("lang") == language
    assert root.get("height") == str(100 + 26 * (len(lines) - 2) - 2)


def test_a_class_badge_has_the_address_of_the_organisers_slug(mini: Edition, client: Client) -> None:
    AwardClass.objects.filter(edition=mini, name="Insurance").update(slug="forsikring")
    publication_create(edition=mini, kind="final")

    _, texts = badge(client, "/badges/2021/class/forsikring.svg", "en")

    assert texts[1:] == ["Class winner: Insurance", "Frende Forsikring"]
    assert client.get("/badges/2021/class/insurance.svg").status_code == 404


def test_a_long_name_is_squeezed_into_the_badge(mini: Edition, client: Client) -> None:
    long_name = "Sixt Bilutleie Norge AS, avdeling Gardermoen lufthavn"
    mini.participants.filter(name="Sixt").update(name=long_name)
    publication_create(edition=mini, kind="final")

    root, _ = badge(client, "/badges/2021/overall.svg", "en")

    winner = root.findall(f"{SVG}g/{SVG}text")[2]
    assert (winner.text, winner.get("textLength"), winner.get("lengthAdjust")) == (long_name, "280", "spacingAndGlyphs")
    assert root.findall(f"{SVG}g/{SVG}text")[1].get("textLength") is None  # "Overall winner" fits as it is


def test_the_badges_text_is_escaped(mini: Edition, client: Client) -> None:
    mini.participants.filter(name="Sixt").update(name='Sixt <script>alert("x")</script> & Co')
    publication_create(edition=mini, kind="final")

    response = client.get("/badges/2021/overall.svg", HTTP_ACCEPT_LANGUAGE="en")

    assert b"<script>" not in response.content
    assert ET.fromstring(response.content).findall(f"{SVG}g/{SVG}text")[2].text == 'Sixt <script>alert("x")</script> & Co'


def test_no_badge_before_the_final_publication(mini: Edition, client: Client) -> None:
    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)

    for url in ("/badges/2021/phone.svg", "/badges/2021/class/broadband.svg", "/badges/2021/overall.svg"):
        assert client.get(url).status_code == 404, url


def test_no_badge_for_a_prize_without_a_winner(mini: Edition, client: Client) -> None:
    """Messenger is offered but nobody was tested in it; Banking has a participant that was never ranked."""
    banking = AwardClass.objects.create(edition=mini, name="Banking")
    ParticipantFactory.create(edition=mini, award_class=banking, name="Nordbank", channels=["messenger"])
    publication = publication_create(edition=mini, kind="final", published_at=FINAL_AT)
    assert '"messenger":{"average":null,"ranking":[],"winners":[]}' in Publication.objects.get(pk=publication.pk).payload

    for url in (
        "/badges/2021/messenger.svg",  # a channel with no winner
        "/badges/2021/class/banking.svg",  # a class with no winner
        "/badges/2021/class/no-such-class.svg",
        "/badges/2021/fax.svg",
        "/badges/2020/phone.svg",
        "/badges/2021/class/Broadband.svg",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/badges/2021/phone.svg").status_code == 200


def test_the_final_page_offers_a_snippet_for_every_prize_with_a_winner(final: Publication, client: Client) -> None:
    content = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    page = Page(content)

    images = [(image["src"], image["alt"]) for image in page.images]
    assert images == [
        ("/badges/2021/phone.svg?lang=nb", "Kundeserviceprisen 2021, Best på telefon: Sixt"),
        ("/badges/2021/email.svg?lang=nb", "Kundeserviceprisen 2021, Best på e-post: Sognenett, Tussa"),
        ("/badges/2021/chat.svg?lang=nb", "Kundeserviceprisen 2021, Best på chat: Sixt"),
        ("/badges/2021/class/broadband.svg?lang=nb", "Kundeserviceprisen 2021, Klassevinner: Broadband: Tussa"),
        ("/badges/2021/class/car-rental.svg?lang=nb", "Kundeserviceprisen 2021, Klassevinner: Car rental: Sixt"),
        ("/badges/2021/class/insurance.svg?lang=nb", "Kundeserviceprisen 2021, Klassevinner: Insurance: Frende Forsikring"),
        ("/badges/2021/overall.svg?lang=nb", "Kundeserviceprisen 2021, Totalvinner: Sixt"),
    ]
    snippets = [html.unescape(text) for text in re.findall(r"<textarea[^>]*>(.*?)</textarea>", content, re.S)]
    assert snippets[0] == (
        '<a href="http://testserver/2021/final/"><img src="http://testserver/badges/2021/phone.svg?lang=nb"'
        ' alt="Kundeserviceprisen 2021, Best på telefon: Sixt" width="320" height="124"></a>'
    )
    assert len(snippets) == len(images)
    for (src, alt), snippet in zip(images, snippets, strict=True):
        assert f'<img src="http://testserver{src}" alt="{alt}"' in snippet
        # The badge reads like its text alternative, whatever language the winner's visitors' browsers ask for.
        root, _ = badge(client, src, "en")
        assert title_of(root) == alt, src


def test_the_snippet_is_in_the_language_of_the_page_it_was_copied_from(final: Publication, client: Client) -> None:
    """The final page is cached per language: each language has its own snippets."""
    for language in ("nb", "en", "sv", "nb"):
        content = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        snippets = [html.unescape(text) for text in re.findall(r"<textarea[^>]*>(.*?)</textarea>", content, re.S)]
        assert len(snippets) == 7
        assert all(f'.svg?lang={language}" alt="' in snippet for snippet in snippets), (language, snippets)


NB = ["KUNDESERVICEPRISEN 2021", "Klassevinner: Broadband", "Tussa"]
SV = ["KUNDSERVICEPRISET 2021", "Klassvinnare: Broadband", "Tussa"]
EN = ["CUSTOMER SERVICE AWARD 2021", "Class winner: Broadband", "Tussa"]


@pytest.mark.parametrize(
    ("query", "accept", "language", "lines"),
    [
        ("?lang=nb", "en", "nb", NB),
        ("?lang=sv", "nb", "sv", SV),
        ("?lang=en", "nb", "en", EN),
        ("?lang=de", "en", "en", EN),  # not one of ours: the reader's language
        ("?lang=de", "sv", "sv", SV),
        ("?lang=", "sv", "sv", SV),
        ("?lang=NB", "en", "en", EN),
        ("", "nb", "nb", NB),
    ],
)
def test_the_badges_language_comes_from_its_address_else_from_the_reader(
    final: Publication, client: Client, query: str, accept: str, language: str, lines: list[str]
) -> None:
    response = client.get(f"/badges/2021/class/broadband.svg{query}", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert [element.text for element in root.iter(f"{SVG}text")] == lines
    assert root.get("lang") == language
    assert response["Content-Language"] == language
    assert {part.strip() for part in response["Vary"].split(",")} >= {"Accept-Language", "Cookie"}


def test_without_a_language_in_its_address_the_badge_follows_the_readers_choice(final: Publication, client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})

    _, texts = badge(client, "/badges/2021/overall.svg", "en")  # the cookie wins over the browser's language
    assert texts == ["KUNDSERVICEPRISET 2021", "Totalvinnare", "Sixt"]
    _, texts = badge(client, "/badges/2021/overall.svg?lang=nb", "en")  # and the address over both
    assert texts == ["KUNDESERVICEPRISEN 2021", "Totalvinner", "Sixt"]
