"""The public site (issue 4): home, edition, archive, interim and final results, how it works.

Every page is read as a visitor reads it (status, headings, names, localised
numbers), and its query count is the same for the hand-made mini edition and
for one many times its size.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client

from award.models import AwardClass, Edition
from publications.cache import publications_version_refresh
from publications.models import Publication
from publications.services import publication_create
from tests.factories import ParticipantFactory
from tests.website.page import FINAL_AT, INTERIM_AT, Page, assert_well_formed
from website.pages import shuffled

PUBLISHED_ON = {"nb": "1. mars 2021", "sv": "1 mars 2021", "en": "March 1, 2021"}
FINAL_ON = {"nb": "20. mai 2021", "sv": "20 maj 2021", "en": "May 20, 2021"}
AVERAGE_SO_FAR = {
    "nb": "Snittscore for alle deltakere så langt: {}",
    "sv": "Snittpoäng för alla deltagare hittills: {}",
    "en": "Average score of all participants so far: {}",
}
CARD_TITLES = {
    "nb": {"phone": "Best på telefon", "email": "Best på e-post", "chat": "Best på chat"},
    "sv": {"phone": "Bäst på telefon", "email": "Bäst på e-post", "chat": "Bäst på chatt"},
    "en": {"phone": "Best on phone", "email": "Best on e-mail", "chat": "Best on chat"},
}


def get(client: Client, url: str, language: str, status: int = 200) -> Page:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, (url, response.status_code)
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    return Page(content)


def main(response: Any) -> str:
    """The page's <main>: the header around it differs per request (its CSRF token)."""
    found = re.search(r"<main.*</main>", response.content.decode(), re.S)
    assert found is not None, "no <main>"
    return found.group(0)


def text_of(fragment: str) -> str:
    """The text of an HTML fragment as read aloud: tags gone, entities resolved, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def cards(page_html: str) -> dict[str, str]:
    """channel -> the HTML inside its card."""
    return dict(re.findall(r'<section class="card" aria-labelledby="card-(\w+)">(.*?)</section>', page_html, re.S))


def card_names(page_html: str) -> dict[str, list[str]]:
    """channel -> the names of its interim card, in the order shown."""
    cards = re.findall(r'<h2 id="card-(\w+)">.*?</h2>\s*<ul class="names">(.*?)</ul>', page_html, re.S)
    return {channel: [html.unescape(name) for name in re.findall(r"<li>(.*?)</li>", names)] for channel, names in cards}


# Fixtures ---------------------------------------------------------------------


@pytest.fixture
def interim(mini: Edition) -> Publication:
    return publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)


@pytest.fixture
def final(mini: Edition, interim: Publication) -> Publication:
    return publication_create(edition=mini, kind="final", published_at=FINAL_AT)


# Home ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "en"])
def test_home_before_anything_is_published_is_a_friendly_page(
    db: None, client: Client, language: str, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):  # the publications' version (publications.cache), then the newest publication
        page = get(client, "/", language)

    assert_well_formed(page)
    assert page.h1() == {"nb": "Kundeserviceprisen", "en": "Customer Service Award"}[language]
    assert {"nb": "Ingen resultater er publisert ennå.", "en": "No results have been published yet."}[language] in page.text


@pytest.mark.parametrize("language", ["nb", "sv", "en"])
def test_home_shows_the_interim_top3_in_the_publications_own_order(
    mini: Edition, interim: Publication, mini_expected: dict[str, Any], client: Client, language: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    page = Page(response.content.decode())

    assert response.status_code == 200
    assert_well_formed(page)
    assert page.h1() == "Customer Service Award 2021"
    shown = card_names(response.content.decode())
    assert list(shown) == ["phone", "email", "chat"]  # nobody offers Messenger in the mini edition: no card
    for channel, data in mini_expected["interim"]["channels"].items():
        assert shown[channel] == shuffled(data["top3"], digest=interim.digest)
        assert sorted(shown[channel]) == data["top3"]
    assert [text for level, text in page.headings if level == 2] == list(CARD_TITLES[language].values())
    decimal = "," if language in ("nb", "sv") else "."
    for average in ("73.3", "90.4", "91.4"):
        assert AVERAGE_SO_FAR[language].format(average.replace(".", decimal)) in page.text
    assert "73.3" not in page.text if language != "en" else "73,3" not in page.text
    assert PUBLISHED_ON[language] in page.text
    assert interim.digest in page.text
    assert "98,3" not in page.text and "98.3" not in page.text  # scoring.md §6: no individual score on an interim page


def test_the_order_of_the_names_is_the_publications_not_the_requests(mini: Edition, interim: Publication, client: Client) -> None:
    first = card_names(client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode())
    cache.clear()
    again = [
        card_names(client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode())
        for url in ("/", "/2021/interim/")
        for lang in ("nb", "en")
    ]

    assert all(shown == first for shown in again)
    later = publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 15, 12, 0, tzinfo=UTC))
    shown = card_names(client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode())
    assert shown == {channel: shuffled(sorted(names), digest=later.digest) for channel, names in first.items()}


@pytest.mark.parametrize(
    ("language", "no_contacts", "nobody_qualified"),
    [
        ("nb", "Ingen kontakter er talt med ennå.", "Ingen deltakere har nådd minstekravet til antall kontakter ennå."),
        ("en", "No contacts counted yet.", "No participant has reached the minimum number of contacts yet."),
    ],
)
def test_an_interim_card_without_names_says_why(
    mini: Edition, client: Client, language: str, no_contacts: str, nobody_qualified: str
) -> None:
    """scoring.md §4/§6: only qualified scores make the top 3; the average counts everyone with a contact."""
    # Nobody has 20 contacts in a channel yet; Nordbank offers Messenger, where nobody has been tested.
    Edition.objects.filter(pk=mini.pk).update(min_contacts_per_channel=20, data_version=F("data_version") + 1)
    banking = AwardClass.objects.create(edition=mini, name="Banking")
    ParticipantFactory.create(edition=mini, award_class=banking, name="Nordbank", channels=["phone", "messenger"])
    publication = publication_create(edition=Edition.objects.get(pk=mini.pk), kind="interim", published_at=INTERIM_AT)
    channels = json.loads(publication.payload)["channels"]
    assert channels["phone"]["top3"] == [] and channels["phone"]["average"] == "73.3"
    assert channels["messenger"] == {"average": None, "participants": 0, "top3": []}

    shown = {channel: text_of(card) for channel, card in cards(main(client.get("/", HTTP_ACCEPT_LANGUAGE=language))).items()}

    decimal = "," if language == "nb" else "."
    assert shown["phone"] == " ".join(
        (CARD_TITLES[language]["phone"], nobody_qualified, AVERAGE_SO_FAR[language].format(f"73{decimal}3"))
    )
    assert no_contacts not in shown["phone"]
    assert shown["messenger"] == f"{'Best på Messenger' if language == 'nb' else 'Best on Messenger'} {no_contacts}"


def test_home_shows_the_final_results_once_there_are_some(mini: Edition, final: Publication, client: Client) -> None:
    page = get(client, "/", "nb")

    assert page.h1() == "Customer Service Award 2021"
    assert "Endelige resultater" in page.text
    assert final.digest in page.text
    assert "Totalvinner" in [text for _, text in page.headings]


def test_home_shows_the_newest_edition(mini: Edition, interim: Publication, large: Edition, client: Client) -> None:
    assert get(client, "/", "en").h1() == "Customer Service Award 2021"

    newer = publication_create(edition=large, kind="interim")

    page = get(client, "/", "en")
    assert page.h1() == "Customer Service Award 2022"
    assert newer.digest in page.text


# Interim and final ----------------------------------------------------------------


def test_results_pages_answer_404_before_their_first_publication(mini: Edition, client: Client) -> None:
    for url in ("/2021/interim/", "/2021/final/", "/2021/", "/1999/", "/1999/interim/"):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="nb").status_code == 404, url

    publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)

    assert client.get("/2021/interim/").status_code == 200
    assert client.get("/2021/final/").status_code == 404


@pytest.mark.parametrize("language", ["nb", "en"])
def test_final_page_shows_every_winner_with_their_score(
    mini: Edition, final: Publication, mini_expected: dict[str, Any], client: Client, language: str
) -> None:
    page = get(client, "/2021/final/", language)

    assert_well_formed(page)
    assert page.h1() == "Customer Service Award 2021"
    text = page.text
    local = (lambda score: score.replace(".", ",")) if language == "nb" else (lambda score: score)
    nb = language == "nb"
    assert f"Sixt (Car rental) {local('96.4')}" in text  # the overall winner
    assert f"{'Best på telefon' if nb else 'Best on phone'} Sixt {local('98.3')}" in text
    assert (
        f"{'Best på e-post' if nb else 'Best on e-mail'} Sognenett {local('91.1')} Tussa {local('91.1')}" in text
    )  # joint winners
    assert f"{'Best på chat' if nb else 'Best on chat'} Sixt {local('94.4')}" in text
    for average in ("73.3", "90.4", "91.4"):
        assert ("Snittscore for alle deltakere: " if nb else "Average score of all participants: ") + local(average) in text
    # Class winners, then each class's full ranking (the mini edition publishes rankings).
    for block in mini_expected["final"]["classes"]:
        winner = block["winners"][0]
        assert f"{block['name']} {winner['name']} {local(winner['score'])}" in text
        ranking = " ".join(f"{row['rank']} {row['name']} {local(row['score'])}" for row in block["ranking"])
        assert ranking in text, ranking
    assert ("Rangering i hver klasse" if nb else "Rankings by class") in [t for _, t in page.headings]
    assert FINAL_ON[language] in text
    assert final.digest in text
    assert "98,3" not in text if language == "en" else "98.3" not in text


def test_final_page_shows_class_rankings_only_when_the_organiser_publishes_them(
    mini: Edition, final: Publication, client: Client
) -> None:
    assert "Fjord Forsikring, avd. Øst" in get(client, "/2021/final/", "en").text

    Edition.objects.filter(pk=mini.pk).update(publish_rankings=False)
    publications_version_refresh()  # what every cache does within VERSION_SECONDS of the organiser's change

    page = get(client, "/2021/final/", "en")
    assert "Rankings by class" not in page.text
    assert "Fjord Forsikring, avd. Øst" not in page.text  # never a winner: only a ranking would show it
    assert "Frende Forsikring" in page.text  # the class winners stay


def test_final_tables_name_their_rows_and_their_heading(mini: Edition, final: Publication, client: Client) -> None:
    """Screen readers announce a ranking row by its participant, and the class winners' table by its heading."""
    content = main(client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="en"))

    assert '<h2 id="class-winners">Class winners</h2>' in content
    assert content.count('<table aria-labelledby="class-winners">') == 1
    rankings = re.findall(r'<table class="ranking" aria-labelledby="(ranking-\d+)">(.*?)</table>', content, re.S)
    assert [f'<h3 id="{label}">' in content for label, _ in rankings] == [True, True, True]
    row = re.compile(r'<tr><td class="num">(\d+)</td><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>')
    assert row.findall(rankings[0][1]) == [("1", "Tussa", "93.9"), ("2", "Sognenett", "80.7")]
    for _, table in rankings:  # every row of every ranking, not only the first
        body = table.split("<tbody>")[1]
        assert len(row.findall(body)) == body.count("<tr>") > 0


def test_a_correction_says_what_it_corrects_and_why(mini: Edition, final: Publication, client: Client) -> None:
    correction = publication_create(
        edition=mini,
        kind="final",
        supersedes=final,
        correction_reason="A phone contact of Tussa was logged twice.",
        published_at=datetime(2021, 5, 21, 9, 30, tzinfo=UTC),
    )

    response = client.get("/2021/final/", HTTP_ACCEPT_LANGUAGE="nb")
    page = Page(response.content.decode())

    found = re.search(r'<div class="notice" role="note">(.*?)</div>', response.content.decode(), re.S)
    assert found is not None, "no correction notice"
    notice = found.group(1)
    assert text_of(notice).startswith(
        f"Denne publiseringen retter den som ble publisert 20. mai 2021 20:00 (sjekksum {final.digest})."
    )
    assert f"<code>{final.digest}</code>" in notice  # 71 characters without a space: the stylesheet may break it anywhere
    assert "Begrunnelse fra arrangørene: A phone contact of Tussa was logged twice." in page.text
    assert correction.digest in page.text
    assert "retter den som ble publisert" not in get(client, "/2021/interim/", "nb").text


# Edition, archive, how it works --------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "en"])
def test_edition_page_links_its_results_and_lists_every_publication(
    mini: Edition, final: Publication, interim: Publication, client: Client, language: str
) -> None:
    correction = publication_create(edition=mini, kind="final", supersedes=final, correction_reason="Typo in a name.")

    page = get(client, "/2021/", language)

    assert_well_formed(page)
    assert page.h1() == "Customer Service Award 2021"
    assert "/2021/interim/" in page.links and "/2021/final/" in page.links
    listed = [t for t in page.texts if t.startswith("sha256:")]  # each publication's digest, then its link in the chain
    assert listed == [value for p in (interim, final, correction) for value in (p.digest, p.link)]
    assert {
        "nb": "Testkontakter fra 15. januar 2021 til 12. april 2021.",
        "en": "Test contacts from Jan. 15, 2021 to April 12, 2021.",
    }[language] in page.text
    assert "Typo in a name." in page.text


def test_edition_page_before_a_final_says_so(mini: Edition, interim: Publication, client: Client) -> None:
    page = get(client, "/2021/", "en")

    assert "/2021/interim/" in page.links
    assert "/2021/final/" not in page.links
    assert "Final results: not published yet" in page.text


def test_archive_lists_every_edition_with_a_publication_and_no_other(
    mini: Edition, interim: Publication, large: Edition, client: Client
) -> None:
    page = get(client, "/archive/", "nb")

    assert_well_formed(page)
    assert page.h1() == "Arkiv"
    assert "/2021/" in page.links and "/2021/interim/" in page.links
    assert "/2021/final/" not in page.links
    assert "/2022/" not in page.links  # nothing of 2022 is published

    publication_create(edition=large, kind="final")

    links = get(client, "/archive/", "nb").links
    assert links.index("/2022/") < links.index("/2021/")
    assert "/2022/final/" in links and "/2022/interim/" not in links


@pytest.mark.parametrize("language", ["nb", "sv", "en"])
def test_how_it_works_explains_the_method(db: None, client: Client, language: str, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        page = get(client, "/how-it-works/", language)

    assert_well_formed(page)
    assert page.h1() == {"nb": "Slik fungerer det", "sv": "Så fungerar det", "en": "How it works"}[language]
    sections = [text for level, text in page.headings if level == 2]
    assert len(sections) == 9
    if language == "en":
        # scoring.md: unanswered counts as 0; 1, 2, 2, 4; the minimum of contacts; the random, fixed order; sha256.
        for fact in ("scores 0", "(1, 2, 2, 4)", "(normally 3)", "random order that stays the same", '"sha256:"', "no tie-break"):
            assert fact in page.text, fact


def test_how_it_works_says_what_is_published_and_how(db: None, client: Client) -> None:
    """scoring.md §2-§6 and results-api.md, in the words of the page."""
    text = get(client, "/how-it-works/", "en").text

    for fact in (
        "that 0 counts in the company's score like any other contact's score",
        "that second try is a new contact, and the unanswered one still counts as 0",
        "a minimum number of counted contacts in it, answered or not (normally 3)",
        "rounded half up (66.66666 becomes 66.6667), and places are decided on those four decimals",
        "Every published score is rounded half up to one decimal (82.05 becomes 82.1)",
        "Only companies that have reached the minimum number of contacts in the channel can be on a list",
        "a list may have fewer than three names, or none",
        "No individual score or place is published until the final results",
        "for each channel, each class and overall, the winners with their scores and the full ranking",
        "The results page shows each class's full ranking when the organisers choose to",
        "the results API always includes every ranking",
        "leave out its digest field, write the rest as canonical JSON (keys sorted, UTF-8",
    ):
        assert fact in text, fact
    for wrong in ("When they choose to, they also publish", "in the company's averages", "is shown until the final"):
        assert wrong not in text, wrong


@pytest.mark.parametrize(
    ("language", "ties", "wanted", "unwanted"),
    [
        (
            "nb",
            "Delt plassering",
            [
                "slik kundene opplever det",
                "gjennomfører dommere anonyme testkontakter med hver bedrift",
                "minstekravet",
                "Et spørsmål som ikke er relevant for kontakten, holdes utenfor både poengene som er gitt"
                " og poengene som var mulige.",
                "82,05 blir 82,1",
            ],
            ["selskap", "Selskap", "minimumet", "slik en kunde møter dem"],
        ),
        (
            "sv",
            "Delad placering",
            [
                "så som kunderna upplever det",
                "gör domare anonyma testkontakter med",
                "minimikravet",
                "arrangörerna stryker",
                "Varje lista visar också snittpoängen",
                "En fråga som inte är aktuell för kontakten räknas inte med, varken i de givna eller i de möjliga poängen.",
                "82,05 blir 82,1",
            ],
            ["minimiantalet", "makulerar", "rankad", "rangerad"],
        ),
    ],
)
def test_how_it_works_reads_naturally(
    db: None, client: Client, language: str, ties: str, wanted: list[str], unwanted: list[str]
) -> None:
    page = get(client, "/how-it-works/", language)

    assert (2, ties) in page.headings
    for words in wanted:
        assert words in page.text, words
    for words in unwanted:
        assert words not in page.text, words


def test_the_public_pages_use_the_dashboards_words(db: None, client: Client) -> None:
    """nb "bedrift" (as the company dashboard says), never "selskap"; the organisers are several; sv "rangordna"."""
    urls = ("/", "/how-it-works/", "/no-such-page/")  # before anything is published, the home page links the method
    nb = " ".join(get(client, url, "nb", status=404 if "no-such" in url else 200).text for url in urls)
    sv = " ".join(get(client, url, "sv", status=404 if "no-such" in url else 200).text for url in urls)

    assert "bedriftene testes" in nb and "selskap" not in nb.lower()
    assert "arrangørene publiserer" in nb and "arrangøren " not in nb
    assert "arrangörerna publicerar" in sv and "arrangören " not in sv
    assert "rangordnas" in sv and "rankad" not in sv and "rangerad" not in sv


def test_the_digest_is_recomputed_as_how_it_works_says(mini: Edition, final: Publication, client: Client) -> None:
    """Take the API's document, leave out "digest", canonical JSON (keys sorted, UTF-8 unescaped, no white space), SHA-256."""
    document = client.get("/api/v1/editions/2021/results/final/").json()
    digest = document.pop("digest")

    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert digest == final.digest == "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # The mini edition has "Fjord Forsikring, avd. Øst": escaping the Ø would give another digest.
    escaped = json.dumps(document, sort_keys=True, separators=(",", ":"))
    assert "sha256:" + hashlib.sha256(escaped.encode("utf-8")).hexdigest() != digest


# Languages and hosts ---------------------------------------------------------------

DATA = re.compile(r"[\d\s.,:;()/\u2013-]*|sha256:[0-9a-f]{64}|[·|]")


@pytest.mark.parametrize("language", ["nb", "sv"])
def test_no_string_on_the_public_pages_is_left_in_english(
    mini: Edition, final: Publication, client: Client, language: str
) -> None:
    """Text that reads the same in English and in nb or sv may only be data: names, numbers, digests, the languages' own names."""
    names = {
        "Sixt",
        "Tussa",
        "Sognenett",
        "Frende Forsikring",
        "Fjord Forsikring, avd. Øst",
        "Broadband",
        "Car rental",
        "Insurance",
    }
    data = names | {f"({name})" for name in names} | {"Customer Service Award 2021", "Norsk (bokmål)", "Svenska", "English"}
    for url in ("/", "/2021/", "/2021/interim/", "/2021/final/", "/archive/", "/how-it-works/"):
        english = set(get(client, url, "en").texts)
        local = set(get(client, url, language).texts)
        same = {text for text in english & local if not DATA.fullmatch(text) and text not in data}
        assert not same, (url, same)


def test_the_chosen_language_is_remembered(mini: Edition, interim: Publication, client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/2021/interim/"}, HTTP_ACCEPT_LANGUAGE="nb")

    assert response.status_code == 302
    assert response["Location"] == "/2021/interim/"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 60 * 60  # beyond the browser session
    page = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="en">' in page
    assert 'value="en" lang="en" aria-pressed="true"' in page


# Cache and query counts -------------------------------------------------------------------


def test_rendered_results_are_cached_per_publication_and_language(
    mini: Edition, interim: Publication, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):  # the publications' version (two), the publication, then its payload
        first = main(client.get("/2021/interim/", HTTP_ACCEPT_LANGUAGE="nb"))
    with django_assert_num_queries(0):  # the whole page comes from the cache
        assert main(client.get("/2021/interim/", HTTP_ACCEPT_LANGUAGE="nb")) == first
    assert "Snittscore for alle deltakere så langt: 73,3" in first
    with django_assert_num_queries(1):  # the payload is cached by digest; English renders apart
        english = client.get("/2021/interim/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "73.3" in english and "73,3" not in english
    with django_assert_num_queries(1):  # an address with a query of its own is made again, not kept: the results are
        assert main(client.get("/2021/interim/?from=newsletter", HTTP_ACCEPT_LANGUAGE="nb")) == first  # still cached

    later = publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 15, 12, 0, tzinfo=UTC))

    page = client.get("/2021/interim/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert later.digest in page and interim.digest not in page


def shown(response: Any) -> str:
    """What a reader gets: the page's <main> (its header has each request's own CSRF token), or the whole badge."""
    return main(response) if response["Content-Type"].startswith("text/html") else response.content.decode()


@pytest.mark.parametrize(
    ("url", "cold", "warm"),
    [
        # Cold: the publications' version (two queries, publications.cache), then what the page reads; warm: nothing.
        ("/", 5, 0),  # the newest edition's final
        ("/{year}/interim/", 4, 0),  # the publication, then (cache miss) its payload
        ("/{year}/final/", 5, 0),  # + the class slugs, for the badges' addresses
        ("/{year}/", 3, 0),
        ("/archive/", 3, 0),
        ("/badges/{year}/overall.svg", 4, 0),
        ("/badges/{year}/class/{slug}.svg", 5, 0),
    ],
)
def test_query_count_does_not_grow_with_the_edition(
    mini: Edition, large: Edition, client: Client, django_assert_num_queries: Any, url: str, cold: int, warm: int
) -> None:
    """Each page costs the same on the mini edition (5 participants, 35 contacts) and on one of 48 and 576."""
    assert (mini.participants.count(), large.participants.count()) == (5, 48)
    # The home page shows the newest published edition: the small one first, then the large one.
    for edition in (mini, large):
        for kind in ("interim", "final"):
            publication_create(edition=edition, kind=kind)
        first_class = edition.classes.order_by("name").first()
        assert first_class is not None
        address = url.format(year=edition.year, slug=first_class.slug)
        cache.clear()
        with django_assert_num_queries(cold):
            response = client.get(address, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == 200, address
        assert str(edition.year) in response.content.decode()
        with django_assert_num_queries(warm):
            again = client.get(address, HTTP_ACCEPT_LANGUAGE="nb")
        assert again.status_code == 200, address
        assert shown(again) == shown(response), address  # the same page, from the cache
