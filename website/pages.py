"""What the public pages show of a publication, and the cache of their rendered results.

Everything here reads a publication's document (its payload and digest), never
live standings. Scores arrive as strings with one decimal ("82.0") and become
Decimals, so templates localise them (82,0 in nb and sv) without a float in
between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from award.models import Channel
from publications.models import Publication

CHANNEL_TITLES: dict[str, Promise] = {
    Channel.PHONE: _("Best on phone"),
    Channel.EMAIL: _("Best on e-mail"),
    Channel.CHAT: _("Best on chat"),
    Channel.MESSENGER: _("Best on Messenger"),
}

# Rendered results are keyed by everything they are made of, so a stale entry is
# never read; the timeout only bounds how long a template change takes to show.
# The template version of the rendered results here and of the whole public pages and
# badges (publications.cache, website.views): raise it when their templates change.
PAGE_CACHE_VERSION = 1
PAGE_CACHE_SECONDS = 24 * 60 * 60


def shuffled(names: list[str], *, digest: str) -> list[str]:
    """scoring.md §6: a random order fixed for the publication, derived from it, not from the request."""
    return sorted(names, key=lambda name: hashlib.sha256(f"{digest}\n{name}".encode()).hexdigest())


def score(value: str | None) -> Decimal | None:
    """A published score ("82.0") as a Decimal for the templates to localise; None stays None."""
    return Decimal(value) if value is not None else None


@dataclass(frozen=True)
class Placing:
    """A participant in a published ranking or list of winners."""

    name: str
    score: Decimal
    rank: int | None = None
    class_name: str = ""


def placings(rows: list[dict[str, Any]]) -> list[Placing]:
    return [
        Placing(name=row["name"], score=Decimal(row["score"]), rank=row.get("rank"), class_name=row.get("class", ""))
        for row in rows
    ]


@dataclass(frozen=True)
class Prize:
    """One prize of a final publication: a channel, a class or the overall prize, and its winners (joint winners are possible)."""

    kind: str  # "channel", "class" or "overall"
    key: str  # the channel code, the class slug, or "overall"
    title: str | Promise
    winners: list[Placing]

    def badge_path(self, year: int) -> str:
        if self.kind == "channel":
            return reverse("website:badge_channel", kwargs={"year": year, "channel": self.key})
        if self.kind == "class":
            return reverse("website:badge_class", kwargs={"year": year, "slug": self.key})
        return reverse("website:badge_overall", kwargs={"year": year})


@dataclass(frozen=True)
class Card:
    """One channel of a publication: the interim top 3 (in the publication's order) or the final winners."""

    channel: str
    title: str | Promise
    average: Decimal | None
    names: list[str] = field(default_factory=list)
    prize: Prize | None = None


@dataclass(frozen=True)
class ClassResult:
    name: str
    prize: Prize
    ranking: list[Placing]


@dataclass(frozen=True)
class FinalResults:
    overall: Prize
    cards: list[Card]
    classes: list[ClassResult]

    def prizes(self) -> list[Prize]:
        """Every prize that has a winner, in the order of the page: channels, classes, overall."""
        every = [card.prize for card in self.cards if card.prize] + [block.prize for block in self.classes] + [self.overall]
        return [prize for prize in every if prize.winners]


def _published_channels(document: dict[str, Any]) -> list[tuple[str, Promise, dict[str, Any]]]:
    """results-api.md: a channel nobody offers is left out of the payload, and so off the page."""
    return [(code, title, document["channels"][code]) for code, title in CHANNEL_TITLES.items() if code in document["channels"]]


def interim_cards(document: dict[str, Any]) -> list[Card]:
    """The four "Best on ..." cards of an interim publication, names in the publication's own random order."""
    return [
        Card(channel=code, title=title, average=score(data["average"]), names=shuffled(data["top3"], digest=document["digest"]))
        for code, title, data in _published_channels(document)
    ]


def class_slug(name: str, slugs: dict[str, str]) -> str:
    """The class's slug in the edition; a class renamed since the publication keeps the slug of its published name."""
    return slugs.get(name) or slugify(name) or "class"


def final_results(document: dict[str, Any], *, slugs: dict[str, str]) -> FinalResults:
    """A final publication as the page and the badges show it."""
    cards = [
        Card(
            channel=code,
            title=title,
            average=score(data["average"]),
            prize=Prize(kind="channel", key=code, title=title, winners=placings(data["winners"])),
        )
        for code, title, data in _published_channels(document)
    ]
    classes = [
        ClassResult(
            name=block["name"],
            prize=Prize(
                kind="class",
                key=class_slug(block["name"], slugs),
                title=gettext("Class winner: %(class)s") % {"class": block["name"]},
                winners=placings(block["winners"]),
            ),
            ranking=placings(block["ranking"]),
        )
        for block in document["classes"]
    ]
    overall = Prize(kind="overall", key="overall", title=_("Overall winner"), winners=placings(document["overall"]["winners"]))
    return FinalResults(overall=overall, cards=cards, classes=classes)


def cached_html(*, page: str, publication: Publication, extra: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    """The rendered results of a publication, cached per publication and language.

    The key holds the publication's pk, digest and the one it corrects, the
    active language and whatever else the caller's HTML depends on (`extra`):
    a new publication has a new key and shows at once. Only what is the same for
    every reader goes in: no user, no CSRF token.
    """
    parts = (PAGE_CACHE_VERSION, page, publication.pk, publication.digest, publication.supersedes_id, get_language(), *extra)
    key = "public-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, PAGE_CACHE_SECONDS)
    # Our own templates' output, autoescaped when it was rendered; the cache is ours (a Redis with a password, and one
    # who can write to it could already run code through its pickles).
    return mark_safe(html)  # nosec B308 B703
