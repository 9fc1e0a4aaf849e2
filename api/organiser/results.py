"""/api/v1/organiser/: the live standings, the scoring's status and a rescoring, and publishing, as the admin's overview
and publishing pages do them (scoring.admin, publications.admin): the same services, the same fingerprint."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.errors import field_errors
from api.organiser.base import ID, TAGS, YEAR, OrganiserView, Refused, created, edition_of, found, no_body
from api.organiser.result_serializers import (
    PreviewSerializer,
    PublicationSerializer,
    PublishSerializer,
    ScoringStatusSerializer,
    StandingsSerializer,
)
from api.schema import DETAIL
from award.enqueue import enqueue_on_commit
from award.models import Edition
from publications.forms import PublishForm
from publications.models import Publication, PublicationKind
from publications.services import PublicationError, PublicationOutdated, publication_confirm, publication_preview
from scoring.models import ScoringState
from scoring.selectors import edition_overview
from scoring.services import standings_refresh
from scoring.tasks import rescore_edition

STATUS_EXAMPLE = {
    "year": 2021,
    "data_version": 42,
    "scored_version": 42,
    "current": True,
    "rescored_at": "2021-03-01T12:00:03+01:00",
    "runs": 17,
}
PUBLICATION_EXAMPLE = {
    "id": 9,
    "year": 2021,
    "kind": "interim",
    "published_at": "2021-03-01T12:00:00+01:00",
    "published_by": "organiser",
    "digest": "sha256:" + "9f2c" * 16,
    "data_version": 42,
    "supersedes": None,
    "correction_reason": "",
}


def scoring_status(edition: Edition) -> dict[str, Any]:
    """Which data version the standings reflect against the edition's own (scoring.models.ScoringState)."""
    state = ScoringState.objects.filter(edition=edition).first()
    scored = state.scored_version if state is not None else -1
    return {
        "year": edition.year,
        "data_version": edition.data_version,
        "scored_version": scored,
        "current": scored >= edition.data_version,
        "rescored_at": state.rescored_at if state is not None else None,
        "runs": state.runs if state is not None else 0,
    }


class StandingsView(OrganiserView):
    @extend_schema(
        operation_id="organiser_standings_retrieve",
        summary="The live standings of an edition",
        parameters=[YEAR],
        description=(
            "Every participant by class: each channel it offers against the edition's minimum of contacts, its "
            "scores and its ranks as they stand now, brought up to date first (as the admin's overview is). For "
            "organisers only: nothing here is published. Scores are the stored ones, to 4 decimals."
        ),
        responses={200: StandingsSerializer},
        examples=[
            OpenApiExample(
                "Live",
                value=STATUS_EXAMPLE
                | {
                    "channels": ["phone", "chat"],
                    "classes": [
                        {
                            "name": "Car rental",
                            "ranked": 1,
                            "participants": [
                                {
                                    "id": 5,
                                    "name": "Sixt",
                                    "contacts": 7,
                                    "overall": "79.1667",
                                    "qualified": True,
                                    "class_rank": 1,
                                    "edition_rank": 3,
                                    "offers_none": False,
                                    "channels": [
                                        {
                                            "channel": "phone",
                                            "contacts": 4,
                                            "minimum": 3,
                                            "missing": 0,
                                            "qualified": True,
                                            "total": "93.1250",
                                            "rank": 1,
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        standings_refresh(edition=edition_of(year))
        edition = edition_of(year)
        overview = edition_overview(edition=edition)
        document = scoring_status(edition) | {
            "channels": [code for code, _label in overview.channels],
            "classes": [
                {"name": block.name, "ranked": block.ranked, "participants": block.participants} for block in overview.classes
            ],
        }
        return Response(StandingsSerializer(document).data)


class ScoringView(OrganiserView):
    @extend_schema(
        operation_id="organiser_scoring_retrieve",
        summary="Whether the standings are current",
        parameters=[YEAR],
        description=(
            "The edition's data version (it goes up with every change that can move a score) against the one its "
            "standings reflect. A rescoring runs after each such change and coalesces a burst of them."
        ),
        responses={200: ScoringStatusSerializer},
        examples=[OpenApiExample("Current", value=STATUS_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        return Response(ScoringStatusSerializer(scoring_status(edition_of(year))).data)


class RescoringView(OrganiserView):
    @extend_schema(
        operation_id="organiser_rescorings_create",
        summary="Start a rescoring",
        parameters=[YEAR],
        description=(
            "Enqueues a rescoring of the edition (it does nothing when the standings already reflect the data). "
            "Answers 202 with the status as it is now; follow Location to see the standings catch up. No body."
        ),
        request=None,
        responses={202: ScoringStatusSerializer},
        examples=[
            OpenApiExample(
                "Behind",
                value=STATUS_EXAMPLE | {"scored_version": 41, "current": False},
                response_only=True,
                status_codes=["202"],
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        no_body(request)
        enqueue_on_commit(rescore_edition, edition.pk)  # without a broker it runs here, at once
        location = request.build_absolute_uri(reverse("api:organiser:scoring", kwargs={"year": year}))
        data = ScoringStatusSerializer(scoring_status(edition_of(year))).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


# Publishing --------------------------------------------------------------------------------------


class PreviewView(OrganiserView):
    @extend_schema(
        operation_id="organiser_publications_preview",
        summary="Preview a publication",
        parameters=[
            YEAR,
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, enum=list(PublicationKind.values)),
        ],
        description=(
            "Exactly what publishing now would freeze (the standings brought up to date first), with its fingerprint "
            "and the latest publication of the kind: give both back to publish these results and nothing else. "
            "The admin's publishing page shows the same preview with the same fingerprint."
        ),
        responses={200: PreviewSerializer},
        examples=[
            OpenApiExample(
                "Interim",
                value={
                    "kind": "interim",
                    "fingerprint": "sha256:" + "51d0" * 16,
                    "latest_id": None,
                    "data_version": 42,
                    "drafts": 2,
                    "caught_up": 0,
                    "payload": {
                        "year": 2021,
                        "kind": "interim",
                        "published_at": "2021-03-01T11:00:00+00:00",
                        "channels": {
                            "phone": {"top3": ["Frende Forsikring", "Sixt", "Sognenett"], "average": "82.0", "participants": 5}
                        },
                    },
                },
                response_only=True,
            )
        ],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        kind = request.query_params.get("kind", "")
        if kind not in PublicationKind.values:
            raise exceptions.ValidationError(
                {"kind": [_("must be one of %(choices)s") % {"choices": ", ".join(PublicationKind.values)}]}
            )
        preview = publication_preview(edition=edition, kind=kind)
        document = {
            "kind": preview.kind,
            "fingerprint": preview.fingerprint,
            "latest_id": preview.latest.pk if preview.latest is not None else None,
            "data_version": preview.data_version,
            "drafts": preview.drafts,
            "caught_up": preview.caught_up,
            "payload": preview.payload,
        }
        return Response(PreviewSerializer(document).data)


class PublicationListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_publications_list",
        summary="The publications of an edition",
        parameters=[YEAR],
        description="Oldest first, each with its digest and the one it corrects, if any.",
        responses={200: PublicationSerializer(many=True)},
        examples=[OpenApiExample("A publication", value=PUBLICATION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        publications = Publication.objects.filter(edition=edition_of(year)).select_related("edition").order_by("pk")
        return self.paginated(publications, PublicationSerializer)

    @extend_schema(
        operation_id="organiser_publications_create",
        summary="Publish",
        parameters=[YEAR],
        description=(
            "Publishes the results reviewed in the preview, or nothing: when they changed since (or another "
            "publication of the kind was made), 409 and nothing is published; preview again. A correction names "
            "the latest publication of the kind and says why. The first final publication locks the contacts."
        ),
        request=PublishSerializer,
        responses={
            201: PublicationSerializer,
            409: OpenApiResponse(DETAIL, description="The results changed since the preview: nothing was published."),
        },
        examples=[
            OpenApiExample(
                "Interim results",
                value={"kind": "interim", "fingerprint": "sha256:" + "51d0" * 16, "latest_id": None},
                request_only=True,
            ),
            OpenApiExample("Published", value=PUBLICATION_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Outdated",
                value={"detail": "The results changed since you reviewed them."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = PublishSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        # The admin's confirmation form: its rules (a correction needs an earlier publication and a reason) once.
        form = PublishForm(
            {
                "fingerprint": values["fingerprint"],
                "latest": "" if values["latest_id"] is None else values["latest_id"],
                "correct_latest": values["correct_latest"],
                "correction_reason": values["correction_reason"],
            }
        )
        if not form.is_valid():
            errors = {name: [str(reason) for reason in reasons] for name, reasons in form.errors.items()}
            raise exceptions.ValidationError(field_errors(errors, renames={"latest": "latest_id"}))
        try:
            publication = publication_confirm(
                edition=edition,
                kind=values["kind"],
                fingerprint=form.cleaned_data["fingerprint"],
                latest_id=form.cleaned_data["latest"],
                user=self.user(),
                correct_latest=form.cleaned_data["correct_latest"],
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except PublicationOutdated as outdated:
            raise Refused(str(outdated)) from None
        except PublicationError as error:
            raise exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}) from None
        return created(request, PublicationSerializer(publication).data, "publication", pk=publication.pk)


class PublicationDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_publications_retrieve",
        summary="One publication",
        parameters=[ID],
        description="A publication as it was made; its results are the public API's (by year and kind).",
        responses={200: PublicationSerializer},
        examples=[OpenApiExample("A publication", value=PUBLICATION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PublicationSerializer(found(Publication.objects.select_related("edition"), pk)).data)
