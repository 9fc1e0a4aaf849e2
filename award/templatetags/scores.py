"""{% load scores %}: `{{ value|score }}` shows a score as it is published (scoring.rules.score_text)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from scoring.rules import score_text

register = template.Library()


@register.filter
def score(value: Decimal | str | None) -> str:
    """82.04 -> "82,0" in nb and sv, "82.0" in en; "—" for none."""
    if value is None or value == "":
        return score_text(None)
    return score_text(Decimal(value))
