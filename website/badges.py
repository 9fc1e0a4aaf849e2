"""Winner badges: an SVG per prize of a final publication, with the year, the prize and the winners.

Winners put the badge on their own sites, so it is self-contained: no font, image
or style from anywhere, text that stays text (readable, printable, selectable)
and a <title> for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from website.pages import FinalResults, Prize

WIDTH = 320
PADDING = 20
FIRST_WINNER_Y = 100
WINNER_LINE = 26
GLYPH_WIDTH = 0.56  # of the font size: a generous average for system sans-serif fonts


@dataclass(frozen=True)
class Line:
    """One line of text on a badge; `fit` is set when the text would overflow and must be squeezed to the badge."""

    text: str
    y: int
    size: int
    fit: int | None


def _line(text: str, *, y: int, size: int) -> Line:
    room = WIDTH - 2 * PADDING
    return Line(text=text, y=y, size=size, fit=room if len(text) * size * GLYPH_WIDTH > room else None)


def badge_height(winners: int) -> int:
    return FIRST_WINNER_Y + WINNER_LINE * max(winners, 1) - 2


def find_prize(results: FinalResults, *, kind: str, key: str) -> Prize | None:
    """The prize a badge address names, if the publication has it and it has a winner (else the badge is a 404)."""
    for prize in results.prizes():
        if prize.kind == kind and prize.key == key:
            return prize
    return None


def badge_label(prize: Prize, *, year: int) -> str:
    """The badge's text alternative: the award and year, the prize, the winners."""
    return gettext("Customer Service Award %(year)s, %(prize)s: %(winners)s") % {
        "year": year,
        "prize": prize.title,
        "winners": ", ".join(winner.name for winner in prize.winners),
    }


def badge_svg(prize: Prize, *, year: int, language: str) -> str:
    """The badge of one prize, in the active language."""
    heading = gettext("Customer Service Award %(year)s") % {"year": year}
    winners = [_line(winner.name, y=FIRST_WINNER_Y + i * WINNER_LINE, size=18) for i, winner in enumerate(prize.winners)]
    return render_to_string(
        "website/badge.svg",
        {
            "width": WIDTH,
            "height": badge_height(len(prize.winners)),
            "language": language,
            "label": badge_label(prize, year=year),
            "heading": _line(heading.upper(), y=36, size=13),
            "prize": _line(str(prize.title), y=66, size=21),
            "winners": winners,
            "padding": PADDING,
            "rule_end": WIDTH - PADDING,
        },
    )


def badge_src(prize: Prize, *, year: int, language: str) -> str:
    """The badge's address in one language: the URL names it, so the badge reads the same to every visitor of a site."""
    return f"{prize.badge_path(year)}?{urlencode({'lang': language})}"


def badge_snippet(prize: Prize, *, year: int, site: str, results_path: str, language: str) -> SafeString:
    """The HTML a winner copies onto their own site: the badge, linking to the results it comes from.

    The badge is in the language of the page the snippet was copied from, like its text alternative,
    whatever the language of the winner's own visitors' browsers.
    It is HTML (safe to insert as is); a page that shows it as code escapes it with force_escape.
    """
    return format_html(
        '<a href="{}{}"><img src="{}{}" alt="{}" width="{}" height="{}"></a>',
        site,
        results_path,
        site,
        badge_src(prize, year=year, language=language),
        badge_label(prize, year=year),
        WIDTH,
        badge_height(len(prize.winners)),
    )
