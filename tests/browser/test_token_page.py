"""A company user makes a personal API token on its page, on a desktop and on a phone, and sees the secret once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from award.accounts.tokens import token_digest
from award.models import ApiToken
from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "secret-password"  # tests.factories.UserFactory's
SECRET = re.compile(r"^csa_[A-Za-z0-9_-]{43}$")


def log_in_to_tokens(page: Any, live_server: Any, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/tokens/")  # anonymous: the login page first, then back
    assert "/accounts/login/" in page.url
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")
    assert page.url.endswith("/accounts/tokens/")


def fits(page: Any) -> bool:
    """Nothing wider than the window: no sideways scrolling of the page."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_company_user_makes_a_token_and_sees_it_once(
    live_server: Any, new_page: Any, page_log: PageLog, company_user: User, width: int
) -> None:
    page = new_page(locale="en", viewport={"width": width, "height": 900})
    log_in_to_tokens(page, live_server, company_user)
    assert page.locator("h1").inner_text() == "API tokens"
    assert page.locator(".account-nav a[aria-current=page]").inner_text() == "API tokens"  # the header's link
    assert page.locator("#id_expires_in_days").input_value() == "90"
    assert fits(page)

    page.fill("#id_name", f"Nightly export {width}")
    page.check("#id_scopes_1")  # write, beside read (checked already)
    page.fill("#id_expires_in_days", "30")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]")

    secret = page.locator("#new-token").input_value()
    assert SECRET.match(secret), secret
    assert page.locator("[data-note=shown-once]").inner_text().startswith("Copy it now: it will not be shown again.")
    assert page.locator("button[data-copy]").is_visible()  # a page of localhost may use the clipboard: the script shows it
    assert page.content().count(secret) == 1
    token = ApiToken.objects.get(user=company_user)
    assert (token.name, token.scopes, token.digest) == (f"Nightly export {width}", ["read", "write"], token_digest(secret))
    assert fits(page)
    screenshot(page, f"token-created-{width}")

    page.click("text=I have copied it: back to my tokens")
    page.wait_for_load_state()
    row = page.locator("tr.token").first
    assert row.locator(".token-name").inner_text() == f"Nightly export {width}"
    assert row.locator("td").nth(1).inner_text().endswith(f"…{secret[-4:]}")
    assert secret not in page.content()
    page.reload()
    assert secret not in page.content()  # never shown again, however the page is asked for
    assert fits(page)
    if width < 640:  # a phone: each token a card with its labels, no table header
        assert page.locator(".token-list thead").evaluate("e => getComputedStyle(e).display") == "none"
    screenshot(page, f"token-list-{width}")
    page_log.assert_clean()
