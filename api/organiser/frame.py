"""/api/v1/organiser/: the year's frame, editions, classes and participants, through award.services as the admin writes it.

Every write is the service's, with the API as its source in the history; a rule it refuses is a 400 naming the
request's field. A POST creates: an edition, class or participant of that year or name already there is refused
(the services' upserts would change it instead, which is a PATCH).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.organiser.base import ID, TAGS, YEAR, OrganiserView, created, edition_of, found, refused
from api.organiser.serializers import AwardClassSerializer, EditionChangeSerializer, EditionSerializer, ParticipantSerializer
from audit.models import Source
from award.models import AwardClass, Edition, Participant, ParticipantQuerySet
from award.services import (
    Invalid,
    class_check,
    class_ensure,
    class_remove,
    class_rename,
    edition_check,
    edition_upsert,
    participant_check,
    participant_remove,
    participant_rename,
    participant_upsert,
)
from award.signals import edition_opened

WHOLE = api_settings.NON_FIELD_ERRORS_KEY  # a refusal of a DELETE names no field of a request
EDITABLE = ("name", "starts_on", "ends_on", "min_contacts_per_channel", "publish_rankings")
EDITION_EXAMPLE = {
    "year": 2021,
    "name": "Customer Service Award 2021",
    "starts_on": "2021-01-15",
    "ends_on": "2021-04-12",
    "min_contacts_per_channel": 3,
    "publish_rankings": True,
    "data_version": 42,
    "final_published_at": None,
}
CLASS_EXAMPLE = {"id": 3, "edition": 2021, "name": "Broadband", "slug": "broadband", "participants": 2}
PARTICIPANT_EXAMPLE = {
    "id": 7,
    "edition": 2021,
    "name": "Sognenett",
    "class": 3,
    "class_name": "Broadband",
    "channels": ["phone", "email", "chat"],
}


def classes() -> QuerySet[AwardClass]:
    return AwardClass.objects.select_related("edition").annotate(participant_count=Count("participants")).order_by("name", "pk")


def participants() -> ParticipantQuerySet:
    return Participant.objects.select_related("edition", "award_class").with_channels().order_by("name", "pk")


# Editions ----------------------------------------------------------------------------------


class EditionListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_editions_list",
        summary="Every edition",
        description="Every edition, newest year first, published or not.",
        responses={200: EditionSerializer(many=True)},
        examples=[OpenApiExample("One edition", value=EDITION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return self.paginated(Edition.objects.order_by("-year"), EditionSerializer)

    @extend_schema(
        operation_id="organiser_editions_create",
        summary="Open an edition",
        description=(
            "A new edition, with the award's waiting-time limits as the admin gives one. Its year must be new; the "
            "dates must be in order. Its classes, participants and questions are added next."
        ),
        request=EditionSerializer,
        responses={201: EditionSerializer},
        examples=[
            OpenApiExample(
                "The 2022 edition",
                value={"year": 2022, "name": "Customer Service Award 2022", "starts_on": "2022-01-14", "ends_on": "2022-04-11"},
                request_only=True,
            ),
            OpenApiExample("Opened", value=EDITION_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Refused",
                value={"ends_on": ["must not be before the start (2022-01-14)"]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        given = EditionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        year, publish_rankings = values.pop("year"), values.pop("publish_rankings")
        edition_check(year=year, **values)  # the year's limits first: no lookup of a year no column can hold
        if Edition.objects.filter(year=year).exists():
            raise exceptions.ValidationError({"year": [_("There already is an edition of %(year)s.") % {"year": year}]})
        with transaction.atomic():  # opened with its waiting-time limits, or not at all
            edition, _changed = edition_upsert(
                year=year, publish_rankings=publish_rankings, user=self.user(), source=Source.API, **values
            )
            edition_opened.send(sender=Edition, edition=edition)
        return created(request, EditionSerializer(edition_of(year)).data, "edition", year=year)


class EditionDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_editions_retrieve",
        summary="One edition",
        parameters=[YEAR],
        description="The edition of the year, with its data version (what the standings must catch up with).",
        responses={200: EditionSerializer},
        examples=[OpenApiExample("An edition", value=EDITION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        return Response(EditionSerializer(edition_of(year)).data)

    @extend_schema(
        operation_id="organiser_editions_update",
        summary="Change an edition",
        parameters=[YEAR],
        description=(
            "Any of its fields but the year. Dates that would leave counted contacts outside the edition are refused "
            "(void them first); a new minimum of contacts rescores the edition."
        ),
        request=EditionChangeSerializer,
        responses={200: EditionSerializer},
        examples=[
            OpenApiExample("A new end", value={"ends_on": "2021-04-30"}, request_only=True),
            OpenApiExample("Changed", value=EDITION_EXAMPLE | {"ends_on": "2021-04-30"}, response_only=True),
        ],
        tags=TAGS,
    )
    def patch(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = EditionChangeSerializer(edition, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values = {name: given.validated_data.get(name, getattr(edition, name)) for name in EDITABLE}
        edition_upsert(year=edition.year, user=self.user(), source=Source.API, **values)
        return Response(EditionSerializer(edition_of(year)).data)  # read again: the data version may have moved


# Classes -----------------------------------------------------------------------------------


class ClassListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_classes_list",
        summary="The classes of an edition",
        parameters=[YEAR],
        description="In name order, each with its number of participants.",
        responses={200: AwardClassSerializer(many=True)},
        examples=[OpenApiExample("A class", value=CLASS_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        return self.paginated(classes().filter(edition=edition_of(year)), AwardClassSerializer)

    @extend_schema(
        operation_id="organiser_classes_create",
        summary="Add a class",
        parameters=[YEAR],
        description="A class (an industry) of the edition; its name is new in the edition.",
        request=AwardClassSerializer,
        responses={201: AwardClassSerializer},
        examples=[
            OpenApiExample("Banks", value={"name": "Bank"}, request_only=True),
            OpenApiExample(
                "Added", value=CLASS_EXAMPLE | {"name": "Bank", "slug": "bank", "participants": 0}, response_only=True
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = AwardClassSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        name = given.validated_data["name"]
        class_check(edition=edition, name=name)  # a class of that name is refused, never returned as if made
        award_class, _created = class_ensure(edition=edition, name=name, user=self.user(), source=Source.API)
        return created(request, AwardClassSerializer(found(classes(), award_class.pk)).data, "class", pk=award_class.pk)


class ClassDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_classes_retrieve",
        summary="One class",
        parameters=[ID],
        description="A class with its edition's year and its number of participants.",
        responses={200: AwardClassSerializer},
        examples=[OpenApiExample("A class", value=CLASS_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(AwardClassSerializer(found(classes(), pk)).data)

    @extend_schema(
        operation_id="organiser_classes_rename",
        summary="Rename a class",
        parameters=[ID],
        description="A new name, new in the edition; the slug stays, so nothing that points at the class breaks.",
        request=AwardClassSerializer,
        responses={200: AwardClassSerializer},
        examples=[
            OpenApiExample("A new name", value={"name": "Broadband and TV"}, request_only=True),
            OpenApiExample("Renamed", value=CLASS_EXAMPLE | {"name": "Broadband and TV"}, response_only=True),
        ],
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        award_class = found(classes(), pk)
        given = AwardClassSerializer(award_class, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        if "name" in given.validated_data:
            class_rename(award_class=award_class, name=given.validated_data["name"], user=self.user(), source=Source.API)
        return Response(AwardClassSerializer(found(classes(), pk)).data)

    @extend_schema(
        operation_id="organiser_classes_destroy",
        summary="Remove a class",
        parameters=[ID],
        description="Only a class with nobody in it: move or remove its participants first.",
        responses={204: None},
        examples=[
            OpenApiExample("Not empty", value={"non_field_errors": ["Broadband still has participants"]}, status_codes=["400"])
        ],
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        award_class = found(AwardClass.objects.all(), pk)
        try:
            class_remove(award_class=award_class, user=self.user(), source=Source.API)
        except Invalid as invalid:
            raise refused(invalid, {"classes": WHOLE}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# Participants ----------------------------------------------------------------------------------


class ParticipantListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_participants_list",
        summary="The participants of an edition",
        parameters=[YEAR],
        description="In name order, each with its class and the channels it offers.",
        responses={200: ParticipantSerializer(many=True)},
        examples=[OpenApiExample("A participant", value=PARTICIPANT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        return self.paginated(participants().filter(edition=edition_of(year)), ParticipantSerializer)

    @extend_schema(
        operation_id="organiser_participants_create",
        summary="Enrol a participant",
        parameters=[YEAR],
        description="A company in one of the edition's classes, with the channels it offers; its name is new in the edition.",
        request=ParticipantSerializer,
        responses={201: ParticipantSerializer},
        examples=[
            OpenApiExample(
                "A broadband company",
                value={"name": "Sognenett", "class": 3, "channels": ["phone", "email", "chat"]},
                request_only=True,
            ),
            OpenApiExample("Enrolled", value=PARTICIPANT_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Refused",
                value={"name": ["2021 already has a participant named Sognenett"]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = ParticipantSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        user = self.user()
        try:
            # A participant of that name is refused, never changed as participant_upsert would.
            participant_check(
                edition=edition, name=values["name"], award_class=values["award_class"], channels=values["channels"]
            )
            participant, _outcome = participant_upsert(edition=edition, user=user, source=Source.API, **values)
        except Invalid as invalid:
            raise refused(invalid, {"award_class": "class"}) from None
        data = ParticipantSerializer(found(participants(), participant.pk)).data
        return created(request, data, "participant", pk=participant.pk)


class ParticipantDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_participants_retrieve",
        summary="One participant",
        parameters=[ID],
        description="A participant with its edition's year, its class and the channels it offers.",
        responses={200: ParticipantSerializer},
        examples=[OpenApiExample("A participant", value=PARTICIPANT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ParticipantSerializer(found(participants(), pk)).data)

    @extend_schema(
        operation_id="organiser_participants_update",
        summary="Change a participant",
        parameters=[ID],
        description=(
            "A new name (publications made before keep the old one), another class of its edition, or other channels. "
            "A channel with counted contacts cannot be dropped: void them first."
        ),
        request=ParticipantSerializer,
        responses={200: ParticipantSerializer},
        examples=[
            OpenApiExample("Chat too", value={"channels": ["phone", "email", "chat"]}, request_only=True),
            OpenApiExample("Changed", value=PARTICIPANT_EXAMPLE, response_only=True),
        ],
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        participant = found(participants(), pk)
        given = ParticipantSerializer(participant, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values: dict[str, Any] = {
            "name": participant.name,
            "award_class": participant.award_class,
            "channels": participant.channels,
        } | dict(given.validated_data)
        user = self.user()
        try:
            participant_check(edition=participant.edition, participant=participant, **values)
            with transaction.atomic():  # the admin's two steps, as one change
                participant_rename(participant=participant, name=values["name"], user=user, source=Source.API)
                participant_upsert(edition=participant.edition, user=user, source=Source.API, **values)
        except Invalid as invalid:
            raise refused(invalid, {"award_class": "class"}) from None
        return Response(ParticipantSerializer(found(participants(), pk)).data)

    @extend_schema(
        operation_id="organiser_participants_destroy",
        summary="Withdraw a participant",
        parameters=[ID],
        description="Only a participant without contacts: one with contacts stays, since its contacts are evidence.",
        responses={204: None},
        examples=[
            OpenApiExample(
                "Has contacts", value={"non_field_errors": ["Sixt has contacts and cannot be removed"]}, status_codes=["400"]
            )
        ],
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        participant = found(Participant.objects.all(), pk)
        try:
            participant_remove(participant=participant, user=self.user(), source=Source.API)
        except Invalid as invalid:
            raise refused(invalid, {"name": WHOLE}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
