"""The public results API of docs/results-api.md: published results only, no login, no throttle (public data, cached,
and meant to be served through a proxy or CDN)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from publications.api_schema import EDITIONS, FINAL, FINAL_EXAMPLE, INTERIM, INTERIM_EXAMPLE, NOT_PUBLISHED, PUBLICATIONS
from publications.cache import last_modified
from publications.models import PublicationKind
from publications.payload import published_at_text
from publications.selectors import edition_publications, publication_document, publication_latest, published_editions


class PublicView(APIView):
    """Open to everyone: no login is read, none is needed, nothing is counted."""

    authentication_classes: Any = ()
    permission_classes: Any = (AllowAny,)
    throttle_classes: Any = ()


class EditionListView(PublicView):
    @extend_schema(
        operation_id="editions_list",
        summary="Editions with published results",
        description="Editions with at least one publication, newest year first.",
        responses={200: EDITIONS},
        examples=[
            OpenApiExample(
                "One edition", value=[{"year": 2021, "name": "Customer Service Award 2021", "interim": True, "final": False}]
            )
        ],
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"year": edition.year, "name": edition.name, "interim": edition.has_interim, "final": edition.has_final}
                for edition in published_editions()
            ]
        )


class ResultsView(PublicView):
    kind: str = PublicationKind.INTERIM

    @extend_schema(
        operation_id="results_interim",
        summary="The latest interim results",
        description="Each channel's top 3 in name order (never revealing an order), with the field's average so far.",
        responses={200: INTERIM, 404: NOT_PUBLISHED},
        examples=[INTERIM_EXAMPLE],
        tags=["public"],
    )
    def get(self, request: Request, year: int) -> Response:
        publication = publication_latest(year=year, kind=self.kind, with_payload=True)
        if publication is None:
            # results-api.md: 404 with a JSON body before the first publication of the kind.
            if self.kind == PublicationKind.FINAL:
                message = _("No final results of %(year)s have been published.") % {"year": year}
            else:
                message = _("No interim results of %(year)s have been published.") % {"year": year}
            return Response({"detail": message, "year": year, "kind": self.kind}, status=404)
        return last_modified(Response(publication_document(publication)), publication.published_at)


class FinalResultsView(ResultsView):
    kind = PublicationKind.FINAL

    @extend_schema(
        operation_id="results_final",
        summary="The latest final results",
        description="Winners and rankings overall, per channel and per class.",
        responses={200: FINAL, 404: NOT_PUBLISHED},
        examples=[FINAL_EXAMPLE],
        tags=["public"],
    )
    def get(self, request: Request, year: int) -> Response:
        return super().get(request, year)


class PublicationListView(PublicView):
    @extend_schema(
        operation_id="publications_list",
        summary="Every publication of an edition",
        description="Oldest first, each with its digest (sha256 of its canonical JSON).",
        responses={200: PUBLICATIONS, 404: NOT_PUBLISHED},
        examples=[
            OpenApiExample(
                "An interim and a final publication",
                response_only=True,
                value=[
                    {"kind": "interim", "published_at": "2021-03-01T12:00:00+00:00", "digest": "sha256:" + "9f2c" * 16},
                    {"kind": "final", "published_at": "2021-05-20T18:00:00+00:00", "digest": "sha256:" + "0a1b" * 16},
                ],
            )
        ],
        tags=["public"],
    )
    def get(self, request: Request, year: int) -> Response:
        publications = edition_publications(year=year)
        if not publications:
            return Response({"detail": _("Nothing of %(year)s has been published.") % {"year": year}, "year": year}, status=404)
        rows = [{"kind": p.kind, "published_at": published_at_text(p.published_at), "digest": p.digest} for p in publications]
        return last_modified(Response(rows), max(p.published_at for p in publications))


@extend_schema(exclude=True)
class NotFoundView(PublicView):
    """Any other address under the API: a JSON 404, like the rest of the API."""

    def get(self, request: Request, path: str = "") -> Response:
        return Response({"detail": _("There is nothing at this address of the API.")}, status=404)

    post = put = patch = delete = get  # whatever the method: nothing is here
