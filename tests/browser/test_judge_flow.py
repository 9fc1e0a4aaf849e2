"""A judge logs a phone contact through the real admin form; the organiser's overview and the standings show it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from award.models import Edition
from channels_app.models import Contact
from scoring.models import ChannelStanding
from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.fixture
def judge1(judge1: User) -> User:
    """The mini sample's judge1 (tests/conftest.py), with a password to log in with through the form."""
    judge1.set_password("judge-password")
    judge1.save()
    return judge1


def test_judge_logs_a_phone_contact_and_the_organiser_sees_it(
    live_server: Any, page: Any, page_log: PageLog, new_page: Any, judge1: Any, organiser: Any, mini: Edition
) -> None:
    before = ChannelStanding.objects.get(participant__name="Tussa", channel="phone")
    assert (before.contacts, str(before.total)) == (3, "96.6667")

    log_in(page, live_server, "judge1", "judge-password")
    page.goto(f"{live_server.url}/admin/channels_app/contact/")
    assert "Your contacts in" in page.locator(".judge-progress").inner_text()
    with page.expect_navigation():
        page.click("text=Log a contact")
    page.check("input[name=channel][value=phone]")
    with page.expect_navigation():
        page.click("input[type=submit]")

    # The participant comes from the admin's autocomplete, served by our endpoint.
    page.click(".field-participant .select2-selection")
    page.fill(".select2-search__field", "Tus")
    page.click(".select2-results__option:has-text('Tussa')")
    page.fill("#id_happened_at_0", "2021-03-02")
    page.fill("#id_happened_at_1", "14:05")
    page.fill("#id_wait", "4:30")
    page.fill("#id_comment", "Polite, but had to check with a colleague")
    assert page.locator("#answer-counter").inner_text() == "0 of 4 questions answered"
    for name, points in {"q_wait": "3", "q_greeting": "5", "q_solution": "8"}.items():
        page.check(f"input[name={name}][value='{points}']")
    assert page.locator("#answer-counter").inner_text() == "3 of 4 questions answered"

    # One question forgotten: refused, with the reason next to it (not counted as N/A).
    with page.expect_navigation():
        page.click("input[name=_submit]")
    assert "choose the points, or N/A" in page.locator(".field-q_feeling").inner_text()
    assert not Contact.objects.filter(comment="Polite, but had to check with a colleague").exists()
    page.check("input[name=q_feeling][value='4']")
    assert page.locator("#answer-counter").inner_text() == "4 of 4 questions answered"
    screenshot(page, "judge-contact-form-en")
    with page.expect_navigation():
        page.click("input[name=_submit]")

    contact = Contact.objects.get(comment="Polite, but had to check with a colleague")
    assert (contact.participant.name, str(contact.score), contact.wait_seconds, contact.status) == (
        "Tussa",
        "80.0000",
        270,
        "submitted",
    )
    message = f"Contact {contact.ref} with Tussa (Phone, March 2, 2021, 2:05 p.m.) submitted. Its score is 80.0."
    assert message in page.locator(".messagelist").inner_text()
    screenshot(page, "judge-contact-submitted-en")
    page_log.assert_clean()

    # The standings reflect it: (100 + 95 + 95 + 80) / 4 = 92.5.
    after = ChannelStanding.objects.get(participant__name="Tussa", channel="phone")
    assert (after.contacts, str(after.total)) == (4, "92.5000")

    organiser.set_password("organiser-password")
    organiser.save()
    organiser_page = new_page()
    log_in(organiser_page, live_server, "organiser", "organiser-password")
    organiser_page.goto(f"{live_server.url}/admin/scoring/scoringstate/edition/{mini.pk}/overview/")
    phone = organiser_page.locator('tr[data-participant="Tussa"] td[data-channel="phone"]')
    assert phone.locator(".contacts").inner_text() == "4 of 3"
    assert phone.locator(".ranked").inner_text() == "ranked 2"  # Sixt's 98.3 stays ahead of 92.5
    assert phone.locator(".score").inner_text() == "92.5"
    screenshot(organiser_page, "organiser-overview-en")
    page_log.assert_clean()
