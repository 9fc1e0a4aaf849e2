"""Smoke tests of the browser set-up: the admin login through its real form, and the public home page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PageLog, screenshot

pytestmark = pytest.mark.browser


def test_organiser_logs_in_to_the_admin(live_server: Any, page: Any, page_log: PageLog, organiser: Any) -> None:
    page.goto(f"{live_server.url}/admin/")
    assert page.url.startswith(f"{live_server.url}/admin/login/")

    page.fill("#id_username", organiser.username)
    page.fill("#id_password", "secret-password")
    with page.expect_navigation():
        page.click("input[type=submit]")

    assert page.url == f"{live_server.url}/admin/"
    assert page.title() == "The award's workplace | Customer Service Award"
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME,")
    # Served by staticfiles through the live server: the admin is styled, not bare HTML.
    # The login page and the index each load it, from a context with an empty cache.
    assert page_log.statuses("/static/admin/css/base.css") == [200, 200]
    assert set(page_log.statuses("/static/admin/")) == {200}
    assert page.locator("#header").evaluate("element => getComputedStyle(element).display") == "flex"
    page_log.assert_clean()
    screenshot(page, "admin-index-en")


@pytest.mark.parametrize(
    ("page", "heading", "language"),
    [("nb", "Kundeserviceprisen", "nb"), ("en", "Customer Service Award", "en")],
    indirect=["page"],
)
def test_home_page(live_server: Any, page: Any, page_log: PageLog, heading: str, language: str) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.status == 200

    assert page.locator("h1").inner_text() == heading
    assert page.locator("html").get_attribute("lang") == language
    assert page_log.statuses("/static/css/site.css") == [200]
    page_log.assert_clean()
    screenshot(page, f"home-{language}")
