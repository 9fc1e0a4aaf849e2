"""Reading a rendered public page as a visitor does: headings, landmarks, text, and what it loads."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

INTERIM_AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
FINAL_AT = datetime(2021, 5, 20, 18, 0, tzinfo=UTC)


class Page(HTMLParser):
    """The parts of a rendered page the tests look at: headings, landmarks, text, and what it loads."""

    LANDMARKS = {"header", "nav", "main", "footer"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.landmarks: set[str] = set()
        self.texts: list[str] = []
        self.loads: list[str] = []  # addresses the browser fetches by itself: stylesheets, icons, scripts, images
        self.links: list[str] = []
        self.images: list[dict[str, str]] = []
        self._heading: list[str] | None = None
        self._level = 0
        self._skip = 0
        self.feed(content)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in self.LANDMARKS:
            self.landmarks.add(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._level = [], int(tag[1])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "link" and attributes.get("href"):
            self.loads.append(attributes["href"])
        if tag in ("script", "img", "iframe", "source") and attributes.get("src"):
            self.loads.append(attributes["src"])
        if tag == "img":
            self.images.append(attributes)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if "style" in attributes and "url(" in attributes["style"]:
            self.loads.append(attributes["style"])

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._level, " ".join("".join(self._heading).split())))
            self._heading = None
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
        if data.strip():
            self.texts.append(" ".join(data.split()))

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def h1(self) -> str:
        found = [text for level, text in self.headings if level == 1]
        assert len(found) == 1, found
        return found[0]


def assert_well_formed(page: Page) -> None:
    """One h1, headings that never skip a level, the landmarks, a text alternative for every image, nothing from elsewhere."""
    page.h1()
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1, page.headings
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels)), page.headings
    assert {"header", "nav", "main", "footer"} <= page.landmarks
    assert all(image.get("alt") for image in page.images), page.images
    for address in page.loads:
        assert address.startswith("/") and not address.startswith("//"), address
