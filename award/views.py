"""Public pages: read publications only, never live standings."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from award.selectors import latest_publication, publication_document, published_editions

CARD_TITLES = {
    "phone": _("Best on phone"),
    "email": _("Best on e-mail"),
    "chat": _("Best on chat"),
    "messenger": _("Best on Messenger"),
}


def shuffled(names: list[str], *, digest: str) -> list[str]:
    """scoring.md §6: a random order fixed for the publication, derived from it, not from the request."""
    return sorted(names, key=lambda name: hashlib.sha256(f"{digest}\n{name}".encode()).hexdigest())


def _cards(document: dict[str, Any]) -> list[dict[str, Any]]:
    cards = []
    for channel, title in CARD_TITLES.items():
        data = document["channels"].get(channel)
        if data is None:
            continue
        average = data.get("average")
        cards.append(
            {
                "channel": channel,
                "title": title,
                "names": shuffled(data.get("top3", []), digest=document["digest"]),
                "winners": [w | {"score": Decimal(w["score"])} for w in data.get("winners", [])],
                "average": Decimal(average) if average is not None else None,
            }
        )
    return cards


def home(request: HttpRequest) -> HttpResponse:
    """The newest edition's latest publication: final if there is one, else interim."""
    edition = published_editions().first()
    context: dict[str, Any] = {"edition": edition}
    if edition is not None:
        publication = latest_publication(year=edition.year, kind="final" if edition.has_final else "interim")
        document = publication_document(publication)
        context |= {"publication": publication, "document": document, "cards": _cards(document)}
    return render(request, "award/home.html", context)
