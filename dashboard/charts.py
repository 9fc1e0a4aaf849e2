"""Server-rendered SVG charts: text labels, no script, readable on paper.

Pure functions of plain values: the numbers come in already rounded
(scoring.rules) and leave localised (Django's number and date formats), so a
chart says exactly what the table beside it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.rules import score_text

WIDTH, HEIGHT = 640, 320
# Margins: the y axis labels, the legend, the month and count labels. Room enough for the labels
# at twice their size, as dashboard.css draws them on a narrow screen where the chart is scaled down.
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 64, 66
MAX_BAR = 72


@dataclass(frozen=True)
class Bar:
    month: date
    value: Decimal | None  # a score 0..100, already rounded to 1 decimal
    contacts: int


def _y(value: Decimal | float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - float(value) / 100), 1)


def _month_label(month: date, *, with_year: bool) -> str:
    # "N": the month's abbreviation in the reader's language ("M" is English in every language).
    return date_format(month, "N Y" if with_year else "N")


def month_chart(
    *, title: str, bars: Sequence[Bar], reference: Decimal | None = None, reference_label: str = "", key: str = "chart"
) -> SafeString:
    """A bar per month with its score written above it, a 0-100 axis, and a dashed line for a reference (the field average).

    Returns inline SVG markup; every piece of text in it is escaped. `key` makes
    the ids in it unique on a page (one chart per channel).
    """
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(bars), 1)
    bar_width = min(MAX_BAR, slot * 0.6)
    with_year = len({bar.month.year for bar in bars}) > 1
    description = "; ".join(f"{_month_label(bar.month, with_year=True)}: {score_text(bar.value)}" for bar in bars)

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="axis" x="{}" y="{}" text-anchor="end" dominant-baseline="central">{}</text>',
        ((LEFT, WIDTH - RIGHT, _y(tick), _y(tick), LEFT - 6, _y(tick), number_format(tick, 0)) for tick in range(0, 101, 25)),
    )
    columns = []
    for index, bar in enumerate(bars):
        middle = LEFT + slot * index + slot / 2
        month = format_html(
            '<text class="month" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="count" x="{}" y="{}" text-anchor="middle">{}</text>',
            round(middle, 1),
            HEIGHT - BOTTOM + 28,
            _month_label(bar.month, with_year=with_year),
            round(middle, 1),
            HEIGHT - BOTTOM + 56,
            ngettext("%(n)s contact", "%(n)s contacts", bar.contacts) % {"n": bar.contacts},
        )
        if bar.value is None:
            columns.append(month)
            continue
        top = _y(bar.value)
        columns.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>{}',
                round(middle - bar_width / 2, 1),
                top,
                round(bar_width, 1),
                round(_y(0) - top, 1),
                round(middle, 1),
                round(top - 6, 1),
                score_text(bar.value),
                month,
            )
        )
    line = ""
    if reference is not None:
        # The legend sits above the plot, so it never covers a bar's value.
        line = format_html(
            '<line class="reference" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<line class="reference" x1="{}" x2="{}" y1="22" y2="22"/>'
            '<text class="reference-label" x="{}" y="22" text-anchor="end" dominant-baseline="central">{}</text>',
            LEFT,
            WIDTH - RIGHT,
            _y(reference),
            _y(reference),
            WIDTH - RIGHT - 28,
            WIDTH - RIGHT,
            WIDTH - RIGHT - 34,
            f"{reference_label}: {score_text(reference)}",
        )
    empty = ""
    if not bars:
        empty = format_html(
            '<text class="empty" x="{}" y="{}" text-anchor="middle">{}</text>', WIDTH / 2, HEIGHT / 2, _("No contacts yet.")
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' aria-describedby="{}-desc">'
        '<title>{}</title><desc id="{}-desc">{}</desc>{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        key,
        title,
        key,
        description,
        grid,
        format_html_join("", "{}", ((column,) for column in columns)),  # each built by format_html: kept as it is
        line,
        empty,
    )


# Standalone files carry their own styles: an <img> or a download cannot see the page's CSS.
STANDALONE_STYLE = (
    "<style>text{font-family:system-ui,sans-serif;font-size:12px;fill:#1b1f24}"
    ".grid{stroke:#d5dbe1}.bar{fill:#0b5cad}.value{font-weight:700}.count{fill:#4a5560;font-size:11px}"
    ".reference{stroke:#b3261e;stroke-dasharray:6 4;stroke-width:1.5}.reference-label{fill:#b3261e}</style>"
)


# A viewer in dark mode would otherwise show the dark text on its own dark background.
STANDALONE_BACKGROUND = '<rect class="background" width="100%" height="100%" fill="#ffffff"/>'


def standalone(svg: SafeString) -> str:
    """The chart as an SVG file of its own (the chart URL, an image in a report): its own styles, a white background."""
    head, _, tail = str(svg).partition(">")
    title_and_desc, _, drawing = tail.partition("</desc>")
    # The background goes after <title> and <desc> and before the drawing, so it is painted under everything.
    body = f"{title_and_desc}</desc>{STANDALONE_BACKGROUND}{drawing}"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}>{STANDALONE_STYLE}{body}'
