"""Server-rendered SVG charts: text labels, no script, readable on paper (STYLE.md: Pages).

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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 40, 52  # margins: the y axis labels, the month labels
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
    return date_format(month, "M Y" if with_year else "M")


def month_chart(*, title: str, bars: Sequence[Bar], reference: Decimal | None = None, reference_label: str = "") -> SafeString:
    """A bar per month with its score written above it, a 0-100 axis, and a dashed line for a reference (the field average).

    Returns inline SVG markup; every piece of text in it is escaped.
    """
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(bars), 1)
    bar_width = min(MAX_BAR, slot * 0.6)
    with_year = len({bar.month.year for bar in bars}) > 1
    description = "; ".join(
        f"{_month_label(bar.month, with_year=True)}: {number_format(bar.value, 1) if bar.value is not None else '-'}"
        for bar in bars
    )

    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT, WIDTH - RIGHT, _y(tick), _y(tick), LEFT - 6, _y(tick) + 4, number_format(tick, 0)) for tick in range(0, 101, 25)),
    )
    columns = []
    for index, bar in enumerate(bars):
        middle = LEFT + slot * index + slot / 2
        month = format_html(
            '<text class="month" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="count" x="{}" y="{}" text-anchor="middle">{}</text>',
            round(middle, 1),
            HEIGHT - BOTTOM + 18,
            _month_label(bar.month, with_year=with_year),
            round(middle, 1),
            HEIGHT - BOTTOM + 36,
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
                number_format(bar.value, 1),
                month,
            )
        )
    line = ""
    if reference is not None:
        # The legend sits above the plot, so it never covers a bar's value.
        line = format_html(
            '<line class="reference" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<line class="reference" x1="{}" x2="{}" y1="14" y2="14"/>'
            '<text class="reference-label" x="{}" y="18" text-anchor="end">{}</text>',
            LEFT,
            WIDTH - RIGHT,
            _y(reference),
            _y(reference),
            WIDTH - RIGHT - 28,
            WIDTH - RIGHT,
            WIDTH - RIGHT - 34,
            f"{reference_label}: {number_format(reference, 1)}",
        )
    empty = ""
    if not bars:
        empty = format_html(
            '<text class="empty" x="{}" y="{}" text-anchor="middle">{}</text>', WIDTH / 2, HEIGHT / 2, _("No contacts yet.")
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title><desc>{}</desc>{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        title,
        description,
        grid,
        mark_safe("".join(columns)),  # each piece built by format_html above
        line,
        empty,
    )


# Standalone files carry their own styles: an <img> or a download cannot see the page's CSS.
STANDALONE_STYLE = (
    "<style>text{font-family:system-ui,sans-serif;font-size:12px;fill:#1b1f24}"
    ".grid{stroke:#d5dbe1}.bar{fill:#0b5cad}.value{font-weight:700}.count{fill:#4a5560;font-size:11px}"
    ".reference{stroke:#b3261e;stroke-dasharray:6 4;stroke-width:1.5}.reference-label{fill:#b3261e}</style>"
)


def standalone(svg: SafeString) -> str:
    """The chart as an SVG file of its own (the chart URL, an image in a report)."""
    head, _, tail = str(svg).partition(">")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}>{STANDALONE_STYLE}{tail}'
