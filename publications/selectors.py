"""Reads of publications for the public pages, the API, the dashboard and the organisers.

Every lookup of a publication row leaves its payload in the database unless asked,
and nothing here reads its frozen inputs (PublishedInputs, which can be hundreds of
megabytes) but their participants; `publication_document` reads the payload once
and caches it by digest, since a publication never changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.cache import cache
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from award.models import Edition
from publications.models import Publication, PublicationKind, PublicationQuerySet, PublishedAverages, PublishedInputs
from scoring.averages import FieldSums

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

_UNREAD = ("supersedes__payload",)


def _publications(*, with_payload: bool = False) -> PublicationQuerySet:
    """With their edition and the one each corrects, in one query, without payloads (unless asked)."""
    unread = _UNREAD if with_payload else ("payload", *_UNREAD)
    return Publication.objects.select_related("edition", "supersedes").defer(*unread)


def publication_latest(*, year: int, kind: str | None = None, with_payload: bool = False) -> Publication | None:
    """The edition's latest publication, of `kind` when given: the one way to ask for "the latest publication".

    Pages leave the payload in the database (they cache what they render from it); the API reads it at once.
    """
    publications = _publications(with_payload=with_payload).filter(edition__year=year)
    if kind is not None:
        publications = publications.filter(kind=kind)
    return publications.newest_first().first()


def publication_newest() -> Publication | None:
    """The home page's publication: the newest edition's latest final, else its latest interim (one query)."""
    final_first = models.Case(models.When(kind=PublicationKind.FINAL, then=models.Value(0)), default=models.Value(1))
    return _publications().order_by("-edition__year", final_first, "-published_at", "-pk").first()


def edition_publications(*, year: int) -> list[Publication]:
    """Every publication of an edition, oldest first, with its edition and the one it corrects (one query)."""
    return list(_publications().filter(edition__year=year).order_by("published_at", "pk"))


class PublishedKinds(TypedDict):
    """What published_editions annotates each edition with."""

    has_interim: bool
    has_final: bool


def published_editions() -> QuerySet[WithAnnotations[Edition, PublishedKinds]]:
    """Editions with at least one publication, newest year first, flagged per kind (has_interim, has_final)."""
    of_kind = {kind: Publication.objects.filter(edition=OuterRef("pk"), kind=kind) for kind in PublicationKind.values}
    return (
        Edition.objects.annotate(has_interim=Exists(of_kind["interim"]), has_final=Exists(of_kind["final"]))
        .filter(Exists(Publication.objects.filter(edition=OuterRef("pk"))))
        .order_by("-year")
    )


def publication_document(publication: Publication) -> dict[str, Any]:
    """docs/results-api.md: the payload with its digest. Publications never change, so it is cached by digest."""
    key = f"publication-document:{publication.pk}:{publication.digest}"
    document = cache.get(key)
    if document is None:
        document = json.loads(publication.payload) | {"digest": publication.digest}
        cache.set(key, document, timeout=None)
    return document


def published_entrants(publication: Publication) -> dict[int, tuple[str, str]]:
    """participant id -> (name, class name) as frozen with the publication's inputs, cached: publications never change.

    One small query (the participants alone, never the contacts); empty for a publication made before inputs were kept.
    """
    key = f"publication-entrants:{publication.pk}:{publication.digest}"
    found = cache.get(key)
    if found is None:
        rows = PublishedInputs.objects.filter(publication_id=publication.pk).values_list("participants", flat=True).first()
        # publications.inputs.edition_inputs: participants are [id, name, class name, channels].
        found = {row[0]: (row[1], row[2]) for row in rows or []}
        cache.set(key, found, timeout=None)
    return found


@dataclass(frozen=True)
class LatestAverages:
    """The sums behind the dashboard's averages, as frozen with the edition's latest publication (of either kind)."""

    published_at: datetime | None  # when that publication was made; None before any
    sums: FieldSums | None  # None before any publication, and for one made before the averages were frozen with it


def published_averages_latest(*, year: int) -> LatestAverages:
    """The latest publication's frozen averages (PublishedAverages), in two small queries."""
    publication = publication_latest(year=year)
    if publication is None:
        return LatestAverages(published_at=None, sums=None)
    found = PublishedAverages.objects.filter(publication_id=publication.pk).values_list("sums", flat=True).first()
    return LatestAverages(published_at=publication.published_at, sums=None if found is None else FieldSums.from_json(found))
