"""The judges' contact form in nb at 390 and 1280 px: the points the wait earns appear as it is typed, a wait past
the limit is refused with the limit named, an e-mail's wait is the time its reply came, and a draft survives a
closed tab."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from award.models import Edition, Participant
from channels_app.models import Contact, WaitRule
from channels_app.wait_rules import wait_rules_default
from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def rules(mini: Edition, judge1: User, roles: None) -> Edition:
    judge1.set_password("judge-password")
    judge1.save()
    wait_rules_default(edition=mini)
    WaitRule.objects.filter(edition=mini, channel="phone").update(
        question_key="wait", bands=[[60, 5], [120, 4], [180, 3], [300, 1]]
    )
    WaitRule.objects.filter(edition=mini, channel="email").update(
        question_key="wait", bands=[[4 * 3600, 5], [86400, 3], [3 * 86400, 1]]
    )
    return mini


def log_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "judge1")
    page.fill("#id_password", "judge-password")
    with page.expect_navigation():
        page.click(".account-form button[type=submit]")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_wait_scores_its_question_as_it_is_typed(
    live_server: Any, new_page: Any, page_log: PageLog, rules: Edition, width: int
) -> None:
    page = new_page(locale="nb", viewport={"width": width, "height": 900})
    log_in(page, live_server)
    page.goto(f"{live_server.url}/work/contacts/new/?channel=phone")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("input[name=q_wait]").count() == 0
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    page.select_option("#id_participant", str(tussa.pk))
    page.fill("#id_happened_at", "2021-03-02T10:05")
    page.fill("#id_wait", "2:30")
    assert page.locator(".wait-points").inner_text() == "Poeng for ventetiden: 3 av 5"
    page.fill("#id_wait", "0:45")
    assert page.locator(".wait-points").inner_text() == "Poeng for ventetiden: 5 av 5"
    page.fill("#id_wait", "5:01")
    assert (
        page.locator(".wait-points").inner_text()
        == "Over grensen (5:00): registrer kontakten som ikke besvart (fjern haken for «Besvart»)."
    )
    for name, points in (("q_greeting", "4"), ("q_solution", "7"), ("q_feeling", "na")):
        page.check(f"input[name={name}][value='{points}']", force=True)
    assert page.locator("#answer-counter").inner_text() == "3 av 3 spørsmål besvart"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_navigation():
        page.click("button[name=_submit]")
    assert "en ventetid på 5:01 er over grensen for Telefon (5:00)" in page.locator(".field-wait .error").inner_text()
    assert "Rett 1 felt før du lagrer:" in page.locator(".error-summary").inner_text()
    screenshot(page, f"contact-form-wait-refused-nb-{width}px")
    page.fill("#id_wait", "2:30")
    with page.expect_navigation():
        page.click("button[name=_submit]")
    contact = Contact.objects.get(participant=tussa, wait_seconds=150)
    assert str(contact.score) == "70.0000"
    assert f"Kontakt {contact.ref} med Tussa (Telefon," in page.locator(".messages").inner_text()
    assert "Poengsummen er 70,0." in page.locator(".messages").inner_text()
    page_log.assert_clean()


def test_an_email_reply_time_gives_the_wait_and_a_closed_tab_keeps_the_draft(
    live_server: Any, new_page: Any, page_log: PageLog, rules: Edition
) -> None:
    page = new_page(locale="en", viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/work/contacts/new/?channel=email")
    page.fill("#id_happened_at", "2021-03-02T10:05")
    page.fill("#id_received_at", "2021-03-02T16:05")
    assert page.locator(".wait-points").inner_text() == "Points from the wait: 3 of 5"
    page.fill("#id_comment", "Svar etter seks timer")
    context = page.context
    page.close()  # the tab closed before saving

    again = context.new_page()
    again.goto(f"{live_server.url}/work/contacts/new/?channel=email")
    assert again.locator("#draft-restored").is_visible()
    assert again.locator("#id_received_at").input_value() == "2021-03-02T16:05"
    assert again.locator("#id_comment").input_value() == "Svar etter seks timer"
    assert again.locator(".wait-points").inner_text() == "Points from the wait: 3 of 5"
    screenshot(again, "contact-form-email-restored-en-390px")
    page_log.assert_clean()


def test_unticking_answered_by_mistake_loses_nothing_once_ticked_again(
    live_server: Any, new_page: Any, page_log: PageLog, rules: Edition
) -> None:
    page = new_page(locale="en", viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/work/contacts/new/?channel=phone")
    page.fill("#id_wait", "1:45")
    page.check("input[name=q_greeting][value='4']", force=True)
    page.focus("#id_answered")
    page.keyboard.press(" ")  # unticked: the questions and the wait are hidden and cleared
    assert not page.locator("#id_wait").is_visible() and page.locator("section.questions").first.is_hidden()
    assert page.locator("input[name=q_greeting]:checked").count() == 0
    page.keyboard.press(" ")  # ticked again: given back
    assert page.locator("#id_wait").input_value() == "1:45"
    assert page.locator("input[name=q_greeting]:checked").get_attribute("value") == "4"
    assert page.locator(".wait-points").inner_text() == "Points from the wait: 4 of 5"
    page_log.assert_clean()
