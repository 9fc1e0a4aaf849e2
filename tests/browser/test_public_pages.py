"""The public site in a real browser: each page in nb and en, the language switch, a small screen, print, the 2021 demo."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command

from award.models import Edition
from publications.models import Publication
from publications.services import publication_create
from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser

INTERIM_AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
FINAL_AT = datetime(2021, 5, 20, 18, 0, tzinfo=UTC)
TEXT = {
    "nb": {
        "phone": "Best på telefon",
        "email": "Best på e-post",
        "chat": "Best på chat",
        "so_far": "Snittscore for alle deltakere så langt: {}",
        "average": "Snittscore for alle deltakere: {}",
        "interim": "Foreløpige resultater",
        "final": "Endelige resultater",
        "archive": "Arkiv",
        "how": "Slik fungerer det",
        "overall": "Totalvinner",
        "published": "publisert 1. mars 2021",
    },
    "en": {
        "phone": "Best on phone",
        "email": "Best on e-mail",
        "chat": "Best on chat",
        "so_far": "Average score of all participants so far: {}",
        "average": "Average score of all participants: {}",
        "interim": "Interim results",
        "final": "Final results",
        "archive": "Archive",
        "how": "How it works",
        "overall": "Overall winner",
        "published": "published March 1, 2021",
    },
}


@pytest.fixture
def published(mini: Edition) -> tuple[Publication, Publication]:
    interim = publication_create(edition=mini, kind="interim", published_at=INTERIM_AT)
    final = publication_create(edition=mini, kind="final", published_at=FINAL_AT)
    return interim, final


def local(score: str, language: str) -> str:
    return score.replace(".", ",") if language == "nb" else score


def words(locator: Any) -> list[str]:
    """The texts of the elements, each on one line as read aloud (flex items put line breaks in inner_text)."""
    return [" ".join(text.split()) for text in locator.all_inner_texts()]


def card(page: Any, channel: str) -> Any:
    return page.locator(f"section.card:has(#card-{channel})")


@pytest.mark.parametrize(("page", "language"), [("nb", "nb"), ("en", "en")], indirect=["page"])
def test_every_public_page_in_the_readers_language(
    live_server: Any, page: Any, page_log: PageLog, published: tuple[Publication, Publication], language: str
) -> None:
    interim, final = published
    text = TEXT[language]

    # Interim: the top 3 of each channel, the average so far, the date and the digest.
    page.goto(f"{live_server.url}/2021/interim/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").all_inner_texts() == ["Customer Service Award 2021"]
    assert page.locator("section.card h2").all_inner_texts() == [text["phone"], text["email"], text["chat"]]
    for channel, names, average in (
        ("phone", ["Frende Forsikring", "Sixt", "Tussa"], "73.3"),
        ("email", ["Frende Forsikring", "Sognenett", "Tussa"], "90.4"),
        ("chat", ["Frende Forsikring", "Sixt", "Sognenett"], "91.4"),
    ):
        assert sorted(card(page, channel).locator("li").all_inner_texts()) == names
        assert card(page, channel).locator(".average").inner_text() == text["so_far"].format(local(average, language))
    assert text["published"] in page.locator(".meta").inner_text()
    assert page.locator(".digest code").inner_text() == interim.digest
    screenshot(page, f"public-interim-{language}")

    # Final: winners with their scores, class rankings, badges that load.
    page.goto(f"{live_server.url}/2021/final/")
    assert page.locator("h1").all_inner_texts() == ["Customer Service Award 2021"]
    assert page.locator("#overall").inner_text() == text["overall"]
    assert words(page.locator(".overall li")) == [f"Sixt (Car rental) {local('96.4', language)}"]
    assert words(card(page, "phone").locator("li")) == [f"Sixt {local('98.3', language)}"]
    assert words(card(page, "email").locator("li")) == [
        f"Sognenett {local('91.1', language)}",
        f"Tussa {local('91.1', language)}",
    ]
    assert card(page, "chat").locator(".average").inner_text() == text["average"].format(local("91.4", language))
    assert page.locator("table.ranking").first.locator("tbody tr").all_inner_texts() == [
        f"1\tTussa\t{local('93.9', language)}",
        f"2\tSognenett\t{local('80.7', language)}",
    ]
    assert page.locator(".digest code").inner_text() == final.digest
    page.locator(".badges").scroll_into_view_if_needed()
    wait_until(page, "[...document.querySelectorAll('.badge img')].every(img => img.complete && img.naturalWidth === 320)")
    assert page_log.statuses("/badges/2021/") == [200] * 7
    screenshot(page, f"public-final-{language}")

    # Home shows the final now; the edition, the archive and the method are a click away.
    page.goto(f"{live_server.url}/")
    assert page.locator(".meta strong").inner_text() == text["final"]
    with page.expect_navigation():
        page.click(f"text={text['archive']}")
    assert page.locator("h1").inner_text() == text["archive"]
    screenshot(page, f"public-archive-{language}")
    with page.expect_navigation():
        page.click("text=Customer Service Award 2021")
    assert page.url == f"{live_server.url}/2021/"
    assert page.locator(".publications code").all_inner_texts() == [interim.digest, interim.link, final.digest, final.link]
    screenshot(page, f"public-edition-{language}")
    with page.expect_navigation():
        page.click(f".site-nav >> text={text['how']}")
    assert page.locator("h1").inner_text() == text["how"]
    assert page.locator("main h2").count() == 9
    screenshot(page, f"public-how-it-works-{language}")
    page_log.assert_clean()


@pytest.mark.parametrize("page", ["nb"], indirect=True)
def test_the_language_switch_is_visible_and_remembered(
    live_server: Any, page: Any, page_log: PageLog, published: tuple[Publication, Publication]
) -> None:
    page.goto(f"{live_server.url}/2021/interim/")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert card(page, "phone").locator(".average").inner_text() == "Snittscore for alle deltakere så langt: 73,3"
    switch = page.get_by_role("button", name="English")
    assert switch.is_visible()
    assert page.get_by_role("button", name="Norsk (bokmål)").get_attribute("aria-pressed") == "true"

    with page.expect_navigation():
        switch.click()

    assert page.url == f"{live_server.url}/2021/interim/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert card(page, "phone").locator(".average").inner_text() == "Average score of all participants so far: 73.3"
    # Remembered on the next page, although the browser still asks for Norwegian.
    with page.expect_navigation():  # waited for: a request still running when the test ends races the database's flush
        page.click(".site-nav >> text=Archive")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Archive"
    page.goto(f"{live_server.url}/2021/final/")
    assert page.locator("#overall").inner_text() == "Overall winner"
    page.wait_for_load_state("networkidle")
    page_log.assert_clean()


def test_a_small_screen_and_print(
    live_server: Any, new_page: Any, page_log: PageLog, published: tuple[Publication, Publication]
) -> None:
    """At 360 px wide nothing makes the page scroll sideways; printed, the controls are gone and the results stay."""
    _, final = published
    # A correction names the digest it corrects: 71 characters without a space must not widen the page.
    publication_create(
        edition=final.edition,
        kind="final",
        supersedes=final,
        correction_reason="A phone contact of Tussa was logged twice.",
        published_at=datetime(2021, 5, 21, 9, 30, tzinfo=UTC),
    )
    page = new_page(locale="nb", viewport={"width": 360, "height": 780})
    for path, name in (
        ("/2021/interim/", "interim"),
        ("/2021/final/", "final"),
        ("/2021/", "edition"),
        ("/how-it-works/", "how-it-works"),
    ):
        page.goto(f"{live_server.url}{path}")
        # Badges load lazily; load them all so that the full-page screenshot shows them.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
        wait_until(page, "[...document.images].every(img => img.complete)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        screenshot(page, f"public-{name}-nb-360px")

    page.goto(f"{live_server.url}/2021/final/")
    digest = page.locator(".notice code")
    assert digest.inner_text() == final.digest
    box = digest.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{live_server.url}/2021/final/")
    page.emulate_media(media="print")
    assert page.locator(".languages").is_hidden()
    assert page.locator(".badges").is_hidden()
    assert page.locator(".overall li").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".languages").is_visible()
    # An unpressed language button's border is 3:1 or more on the header (WCAG 1.4.11), in light and dark mode.
    for scheme, border in (("light", "rgb(117, 129, 142)"), ("dark", "rgb(138, 150, 163)")):
        page.emulate_media(media="screen", color_scheme=scheme)
        button = page.locator('.languages button[aria-pressed="false"]').first
        assert button.evaluate("b => getComputedStyle(b).borderTopColor") == border, scheme
    # Printed from dark mode, the page is black on white.
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate(
        """() => {
            const style = selector => getComputedStyle(document.querySelector(selector));
            return [style("body").color, style("body").backgroundColor, style("a").color,
                    style(".notice").backgroundColor, style(".notice").borderLeftColor, style(".card").borderTopColor];
        }"""
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"]
    page_log.assert_clean()


@pytest.mark.parametrize("page", ["nb"], indirect=True)
def test_the_demo_home_page_shows_the_2021_table(live_server: Any, page: Any, page_log: PageLog) -> None:
    """The demo's interim publication is what Kundeserviceprisen published in 2021, with decimal commas."""
    call_command("load_demo", stdout=io.StringIO())

    page.goto(f"{live_server.url}/")

    assert page.locator("section.card h2").all_inner_texts() == [
        "Best på telefon",
        "Best på e-post",
        "Best på chat",
        "Best på Messenger",
    ]
    for channel, names, average in (
        ("phone", ["Frende Forsikring", "Sixt", "Sognenett"], "82,0"),
        ("email", ["Sognenett", "Svea", "Tussa"], "74,3"),
        ("chat", ["Eidsiva Bredbånd", "Telia Bredbånd", "Tussa"], "67,8"),
        ("messenger", ["Europcar", "Lindorff", "Sognenett"], "62,1"),
    ):
        assert sorted(card(page, channel).locator("li").all_inner_texts()) == names
        assert card(page, channel).locator(".average").inner_text() == f"Snittscore for alle deltakere så langt: {average}"
    page_log.assert_clean()
    screenshot(page, "public-home-demo-nb")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(page, "public-home-demo-nb-360px")


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll `expression` from here (Playwright's wait_for_function evaluates a string in the page, which the site's
    Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(50)
