"""Browser tests: Playwright's sync API driving Debian's headless Chromium against pytest-django's live_server.

Chromium is Debian's (`apt-get install chromium`, done by .ci/run), never a browser that Playwright
downloads: do not run `playwright install`. Without /usr/bin/chromium or the playwright package the
tests skip on a developer's machine and fail in CI (`need`).

Every test under this folder is marked `browser`. Writing one:

    def test_something(live_server, page, page_log):
        page.goto(live_server.url + "/")
        ...
        page_log.assert_clean()          # also checked when the page is torn down
        screenshot(page, "something")    # test-artifacts/screenshots/something.png

`page` opens a new context per test (locale "en" unless the test asks otherwise, e.g.
`@pytest.mark.parametrize("page", ["nb"], indirect=True)`); `new_page(locale=...)` opens more.
Each records its console messages, page errors, requests and responses in `page_log`, and
fails the test on a console error, an uncaught page error or any request that does not go to
the live server.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import SCREENSHOTS, need

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, PlaywrightContextManager


def sync_playwright_or_none() -> Callable[[], PlaywrightContextManager] | None:
    """Playwright's sync API, or None where the package is not installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        return None
    return sync_playwright


HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and the developers' machines run as root
    "--disable-gpu",
    "--disable-background-networking",  # the machine's network is closed: no calls home
    # Debian's launcher adds this itself only when /dev/shm is small, and its check misfires on
    # some machines; passing it always keeps Chromium from crashing on a small /dev/shm.
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 10_000  # Playwright waits 30 s by default; a page served on loopback needs far less
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}

_call_failed = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test, whether or not its module says so."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test body failed, so that `page` does not report the same failure twice."""
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ and print where."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
    from playwright.sync_api import Error

    try:
        page.screenshot(path=str(path), full_page=True)
    except Error as error:
        # Chromium now and then refuses a full-page capture while it composites ("Unable to capture screenshot",
        # puppeteer/puppeteer#5341): the picture is for people to look at, so it is taken once more, a moment later.
        if "Unable to capture screenshot" not in str(error):
            raise
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@dataclass
class PageLog:
    """What the pages of one test did: console messages, uncaught errors, requests, responses."""

    origin: str
    console: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, url)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    responses: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, failure)

    def local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in LOCAL_SCHEMES or f"{parts.scheme}://{parts.netloc}" == self.origin

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not self.local(url)]

    def console_errors(self) -> list[str]:
        return [f"{text} ({url})" if url else text for kind, text, url in self.console if kind == "error"]

    def statuses(self, path_prefix: str) -> list[int]:
        """Response statuses of the requests whose path starts with path_prefix (on the live server)."""
        return [status for url, status in self.responses if self.local(url) and urlsplit(url).path.startswith(path_prefix)]

    def problems(self) -> list[str]:
        found = [f"console error: {text}" for text in self.console_errors()]
        found += [f"uncaught page error: {text}" for text in self.page_errors]
        found += [f"request to another host than the live server ({self.origin}): {url}" for url in self.foreign_requests()]
        return found

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the browser saw:\n" + "\n".join(problems)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver for the browser tests, stopped when the last of them is done.

    Playwright's sync API keeps an asyncio loop running in the test thread while it is started, so
    Django's ORM calls there (the test body, transactional_db's flush) would raise
    SynchronousOnlyOperation. DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that span: this fixture
    is package-scoped so the loop, and the setting, are gone before the rest of the suite runs
    (pytest-django runs all live_server tests together, so this is still one driver per run).
    """
    sync_playwright = sync_playwright_or_none()
    need(sync_playwright is not None, "the playwright package is not installed: pip install -r requirements-dev.txt")
    assert sync_playwright is not None
    need(os.access(CHROMIUM, os.X_OK), f"Debian's Chromium is not at {CHROMIUM}: apt-get install chromium")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium, launched once for all browser tests."""
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def page_log(live_server: Any) -> PageLog:
    """The record of this test's pages; the live server's origin is the only one they may reach."""
    parts = urlsplit(live_server.url)
    return PageLog(origin=f"{parts.scheme}://{parts.netloc}")


@pytest.fixture
def new_page(browser: Browser, page_log: PageLog) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context: new_page(locale="nb") or new_page(locale="en", ...context options)."""
    contexts: list[BrowserContext] = []

    def open_page(locale: str = "en", **options: Any) -> Page:
        context = browser.new_context(locale=locale, **options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: page_log.requests.append(request.url))
        context.on("response", lambda response: page_log.responses.append((response.url, response.status)))
        context.on("requestfailed", lambda request: page_log.failed.append((request.url, request.failure or "")))
        # Nothing leaves the machine: a request to any other host is recorded above, then refused.
        context.route(lambda url: not page_log.local(url), lambda route: route.abort("blockedbyclient"))
        opened = context.new_page()
        opened.on("console", lambda msg: page_log.console.append((msg.type, msg.text, msg.location.get("url", ""))))
        opened.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
        return opened

    yield open_page
    from playwright.sync_api import Error as PlaywrightError  # installed: this fixture runs only where it is

    for context in contexts:
        # Let every request finish first: one still running in the live server when the test's database is
        # flushed makes the flush fail ("database table is locked"), a failure of the next test's setup.
        for opened in context.pages:
            with contextlib.suppress(PlaywrightError):  # a page that never settles: closing it is all that is left
                opened.wait_for_load_state("networkidle", timeout=5000)
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, new_page: Callable[..., Page], page_log: PageLog) -> Iterator[Page]:
    """A page in its own context (locale "en", or the indirect parameter); the test fails if the browser saw a problem."""
    opened = new_page(locale=getattr(request, "param", "en"))
    yield opened
    if not request.node.stash.get(_call_failed, False):
        page_log.assert_clean()
    elif page_log.problems():
        print("the browser also saw:\n" + "\n".join(page_log.problems()))
