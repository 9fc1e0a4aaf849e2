"""A judge on a phone opens "My work", logs the first planned contact with the keyboard, and sees it done;
the organisers' season view shows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from award.models import Edition
from award.roles import JUDGES
from channels_app.models import Contact, PlannedContact
from channels_app.planning import plan_edition
from tests.browser.conftest import PageLog, screenshot
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def planned(mini: Edition, judge1: User, organiser: User, roles: None) -> Edition:
    group = Group.objects.get(name=JUDGES)
    for name in ("judge3", "judge4", "judge5"):
        UserFactory.create(username=name, is_staff=True).groups.add(group)
    for user, password in ((judge1, "judge-password"), (organiser, "organiser-password")):
        user.set_password(password)
        user.save()
    plan_edition(edition=mini)
    return mini


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


def choose(page: Any, name: str, steps: int) -> None:
    """By keyboard: Space on the group's first button (N/A), then the right arrow `steps` times (0, 1, ...)."""
    page.keyboard.press(" ")
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert page.locator(f"input[name={name}]:focus").count() == 1


def test_a_judge_logs_the_first_planned_contact_by_keyboard_on_a_phone(
    live_server: Any, new_page: Any, page_log: PageLog, planned: Edition, judge1: User
) -> None:
    page = new_page(locale="en", viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(page, live_server, "judge1", "judge-password")
    page.goto(f"{live_server.url}/work/")
    done_before = PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=False).count()
    first = (
        PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=True, attempt=1)
        .order_by("planned_at")
        .first()
    )
    assert first is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "my-work-en-390px")

    with page.expect_navigation():
        page.locator(".work-overdue .work-list a").first.click()
    assert page.locator("#id_participant").input_value() == str(first.participant_id)  # filled in from the plan
    # The edition is over today (2026): the form starts at the planned slot, inside the edition.
    planned_at = timezone.localtime(first.planned_at).strftime("%Y-%m-%dT%H:%M")
    assert page.locator("#id_happened_at").input_value() == planned_at
    questions = [
        (name, page.locator(f"input[name={name}]").count())
        for name in page.evaluate(
            "Array.from(new Set(Array.from(document.querySelectorAll('input[type=radio][name^=q_]')).map(i => i.name)))"
        )
    ]
    if first.channel == "chat":
        page.focus("#id_handled_by")
        page.keyboard.press("ArrowDown")
    page.focus("#id_wait")
    page.keyboard.type("1:30")
    page.focus(f"input[name={questions[0][0]}]")
    for index, (name, buttons) in enumerate(questions):
        choose(page, name, steps=buttons - 1)  # the highest points of each
        if index < len(questions) - 1:
            page.keyboard.press("Tab")
    assert page.locator("#answer-counter").inner_text() == f"{len(questions)} of {len(questions)} questions answered"
    screenshot(page, "my-work-contact-form-en-390px")
    page.focus("button[name=_submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    contact = Contact.objects.filter(participant=first.participant, judge=judge1).order_by("-created_at").first()
    assert contact is not None and contact.status == "submitted" and str(contact.score) == "100.0000"
    first.refresh_from_db()
    assert first.contact == contact  # done in the plan at once
    assert page.url == f"{live_server.url}/work/"  # back to My work, which names what was saved
    assert f"Contact {contact.ref} with {first.participant.name}" in page.locator(".messages").inner_text()
    assert "Its score is 100.0." in page.locator(".messages").inner_text()
    assert contact.ref in page.locator(".work-done").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=False).count() == done_before + 1
    page_log.assert_clean()

    organiser_page = new_page(locale="en")
    log_in(organiser_page, live_server, "organiser", "organiser-password")
    organiser_page.goto(f"{live_server.url}/admin/channels_app/plannedcontact/edition/{planned.pk}/season/")
    row = organiser_page.locator(f'tr[data-participant="{first.participant.name}"]')
    done = PlannedContact.objects.filter(participant=first.participant, channel=first.channel, contact__isnull=False).count()
    assert f"{done} / " in row.inner_text()
    screenshot(organiser_page, "season-en")
    page_log.assert_clean()
