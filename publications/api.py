"""The public results API of docs/results-api.md: published results only, no login."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from publications.models import PublicationKind
from publications.payload import published_at_text
from publications.selectors import edition_publications, publication_document, publication_latest, published_editions


class EditionListView(APIView):
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"year": edition.year, "name": edition.name, "interim": edition.has_interim, "final": edition.has_final}
                for edition in published_editions()
            ]
        )


class ResultsView(APIView):
    kind: str = PublicationKind.INTERIM

    def get(self, request: Request, year: int) -> Response:
        publication = publication_latest(year=year, kind=self.kind, with_payload=True)
        if publication is None:
            # results-api.md: 404 with a JSON body before the first publication of the kind.
            if self.kind == PublicationKind.FINAL:
                message = _("No final results of %(year)s have been published.") % {"year": year}
            else:
                message = _("No interim results of %(year)s have been published.") % {"year": year}
            return Response({"detail": message, "year": year, "kind": self.kind}, status=404)
        return Response(publication_document(publication))


class PublicationListView(APIView):
    def get(self, request: Request, year: int) -> Response:
        rows = [
            {"kind": p.kind, "published_at": published_at_text(p.published_at), "digest": p.digest}
            for p in edition_publications(year=year)
        ]
        if not rows:
            return Response({"detail": _("Nothing of %(year)s has been published.") % {"year": year}, "year": year}, status=404)
        return Response(rows)


class NotFoundView(APIView):
    """Any other address under the API: a JSON 404, like the rest of the API."""

    def get(self, request: Request, path: str = "") -> Response:
        return Response({"detail": _("There is nothing at this address of the API.")}, status=404)
