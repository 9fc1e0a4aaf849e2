"""{% load contact_list %}: `{% answer_rows line.answers %}`, the rows of a contact's answers table.

Built in Python rather than in the template language: a page lists fifty contacts of some 24 answers each, and the
engine's cost per variable and tag made these rows most of the page's time. A question's cells are the same under
every contact, so each is escaped once per page (in the render's own context) and only the points differ per row.
The markup is what the template wrote, every value escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from channels_app.models import Question
from channels_app.selectors import AnswerLine

register = template.Library()


def _cells(question: Question) -> tuple[str, str]:
    """The row's markup before the points and after them, escaped."""
    not_scored = "" if question.counts else format_html(' <span class="figure-note">({})</span>', _("not scored"))
    before = format_html(
        '<tr{}><td>{}{}</td><td class="area">{}</td><td class="num">',
        "" if question.counts else format_html(' class="{}"', "not-scored"),
        question.text,
        not_scored,
        question.area,
    )
    return str(before), str(format_html('</td><td class="num">{}</td></tr>', question.max_points))


@register.simple_tag(takes_context=True)
def answer_rows(context: template.Context, answers: Sequence[AnswerLine]) -> SafeString:
    """One row per question: its text (a customer-experience question marked as not scored), area, points or N/A, maximum."""
    render: Any = context.render_context  # this render's own store: gone when the page is written
    cells: dict[int, tuple[str, str]] = render.get("answer_cells")
    if cells is None:
        cells = render["answer_cells"] = {}
    not_applicable = escape(_("N/A"))
    rows = []
    for answer in answers:
        before, after = cells.get(answer.question.pk) or cells.setdefault(answer.question.pk, _cells(answer.question))
        # Points are whole numbers: as `{{ }}` writes them (no grouping below 1,000), with nothing to escape.
        rows.append(f"{before}{not_applicable if answer.points is None else int(answer.points)}{after}")
    return mark_safe("\n".join(rows))  # nosec B308 B703 # every piece escaped above: cells by format_html, N/A by escape
