"""The demo company user logs in, reads its dashboard in Norwegian and in English, and downloads its contacts."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from award.models import Participant
from channels_app.models import Contact
from publications.selectors import publication_document, publication_latest
from scoring.models import ChannelStanding, OverallStanding
from scoring.rules import one_decimal
from tests.browser.conftest import SCREENSHOTS, PageLog, screenshot

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "sognenett", "demo-sognenett-2021"  # printed by load_demo
JUDGE_NAMES = re.compile(r"dommer\d")  # the demo judges' usernames: dommer1 ... dommer6


@pytest.fixture
def sognenett(transactional_db: None) -> Participant:
    call_command("load_demo", stdout=io.StringIO())
    return Participant.objects.get(edition__year=2021, name="Sognenett")


def log_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/dashboard/")  # anonymous: sent to the login page, then back
    assert "/accounts/login/" in page.url
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert page.url.endswith("/dashboard/")


def shown(score: Decimal | None, *, comma: bool) -> str:
    """How a page shows a 4-decimal score: half-up to one decimal, the reader's separator."""
    text = str(one_decimal(score))
    return text.replace(".", ",") if comma else text


def assert_own_numbers(page: Any, participant: Participant, *, comma: bool) -> None:
    overall = OverallStanding.objects.get(participant=participant)
    assert page.locator('[data-figure="overall"]').inner_text() == shown(overall.overall, comma=comma)
    for standing in ChannelStanding.objects.filter(participant=participant):
        section = page.locator(f'section.channel[data-channel="{standing.channel}"]')
        assert section.locator('[data-figure="total"]').inner_text() == shown(standing.total, comma=comma)
        assert section.locator('[data-figure="answered"]').inner_text() == shown(standing.answered, comma=comma)
        assert section.locator('[data-figure="contacts"]').inner_text() == str(standing.contacts)
    counted = Contact.objects.counted().filter(participant=participant).count()
    assert page.locator("tbody.contact").count() == counted


def assert_published_averages(page: Any, participant: Participant, *, comma: bool) -> None:
    """The averages are those of the demo's interim publication: its public average and count of each channel."""
    publication = publication_latest(year=participant.edition.year)
    assert publication is not None and publication.kind == "interim"
    channels = publication_document(publication)["channels"]
    for standing in ChannelStanding.objects.filter(participant=participant):
        published = channels[standing.channel]
        section = page.locator(f'section.channel[data-channel="{standing.channel}"]')
        average = published["average"].replace(".", ",") if comma else published["average"]
        assert section.locator('[data-figure="field-average"]').inner_text() == average
        note = section.locator('[data-figure="field-average-note"]').inner_text()
        counted = "deltakere med score, slik det ble publisert" if comma else "participants with a score, as published on"
        assert note.startswith(f"{published['participants']} {counted} "), note


@pytest.mark.parametrize("page", ["nb"], indirect=True)
def test_demo_company_user_reads_its_dashboard_in_norwegian_and_english_and_downloads_the_csv(
    live_server: Any, page: Any, new_page: Any, page_log: PageLog, sognenett: Participant
) -> None:
    log_in(page, live_server)
    assert page.locator("h1").inner_text() == "Sognenett"
    assert page.locator("#channel-phone-title").inner_text() == "Telefon"
    assert_own_numbers(page, sognenett, comma=True)
    assert_published_averages(page, sognenett, comma=True)
    assert not JUDGE_NAMES.search(page.content())  # no judge's identity, anywhere in the page
    screenshot(page, "dashboard-nb-desktop")

    narrow = new_page(locale="nb", viewport={"width": 360, "height": 740})
    log_in(narrow, live_server)
    assert_own_numbers(narrow, sognenett, comma=True)
    screenshot(narrow, "dashboard-nb-360")
    # The chart is scaled to about half its width here: its labels must still read at 11 px or more.
    chart = narrow.locator("#channel-phone svg.chart")
    for label in ("text.month", "text.value", "text.axis"):
        assert chart.locator(label).first.bounding_box()["height"] >= 11, label
    assert chart.locator("text.count").first.bounding_box()["height"] >= 9.5
    chart.screenshot(path=str(SCREENSHOTS / "dashboard-nb-360-chart.png"))

    # Dark mode: the main figures get a dark card, and the status colours stay legible on it.
    dark = new_page(locale="nb", color_scheme="dark")
    log_in(dark, live_server)
    background = dark.locator(".figure-main").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(31, 51, 71)"  # --figure-main in dark mode (#1f3347), not the light #e3edf8
    assert dark.locator(".summary .status-ok").first.evaluate("e => getComputedStyle(e).color") == "rgb(111, 207, 134)"
    screenshot(dark, "dashboard-nb-dark")

    english = new_page(locale="en")
    log_in(english, live_server)
    assert english.locator("#channel-phone-title").inner_text() == "Phone"
    assert_own_numbers(english, sognenett, comma=False)
    assert_published_averages(english, sognenett, comma=False)
    screenshot(english, "dashboard-en-desktop")

    with english.expect_download() as download_info:
        english.click("text=Download the contacts (CSV)")
    download = download_info.value
    assert download.suggested_filename == f"contacts-2021-{sognenett.pk}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    counted = Contact.objects.counted().filter(participant=sognenett).order_by("happened_at", "pk")
    assert [row["reference"] for row in rows] == [contact.ref for contact in counted]
    assert [row["score"] for row in rows] == [str(one_decimal(contact.score)) for contact in counted]
    assert not JUDGE_NAMES.search(text)

    english.click("text=Printable report")
    english.wait_for_load_state()
    assert_own_numbers(english, sognenett, comma=False)
    screenshot(english, "dashboard-report-en")
    page_log.assert_clean()
