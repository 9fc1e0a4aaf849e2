"""/api/v1/organiser/: the field work's frame, the questionnaires, the judges' conflicts of interest and the contact
plan, through the services the admin and the commands use (channels_app.questionnaire, .services, .planning)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.organiser.base import ID, TAGS, YEAR, OrganiserView, created, edition_of, found, no_body, refused
from api.organiser.serializers import (
    ConflictSerializer,
    PlannedContactSerializer,
    PlanSummarySerializer,
    QuestionChangeSerializer,
    QuestionSerializer,
)
from api.pagination import ByPosition
from audit.models import Source
from award.models import Channel
from award.services import Invalid
from channels_app.models import JudgeConflict, PlannedContact, Question
from channels_app.planning import plan_edition
from channels_app.questionnaire import question_remove, question_upsert
from channels_app.selectors import conflicts_with_counted
from channels_app.services import conflict_declare, conflict_withdraw

QUESTION_FIELDS = ("text", "area", "max_points", "counts", "position")
CHANNEL = OpenApiParameter(
    "channel", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(Channel.values), description="Only this channel."
)
QUESTION_EXAMPLE = {
    "id": 12,
    "edition": 2021,
    "channel": "phone",
    "key": "greeting",
    "text": "Did the agent greet you and give their name?",
    "area": "The agent",
    "max_points": 5,
    "counts": True,
    "position": 1,
}
CONFLICT_EXAMPLE = {
    "id": 4,
    "judge": "judge1",
    "participant": 7,
    "participant_name": "Sognenett",
    "reason": "My sister works there",
    "declared_at": "2021-02-01T09:30:00+01:00",
    "counted_contacts": 0,
}
PLANNED_EXAMPLE = {
    "id": 301,
    "participant": 7,
    "participant_name": "Sognenett",
    "channel": "phone",
    "judge": "judge1",
    "planned_at": "2021-01-18T10:24:00+01:00",
    "attempt": 1,
    "contact": None,
    "done": False,
}


def channel_asked(request: Request) -> str:
    """The `channel` of the query string ('' for every channel); a value that is not a channel is a 400 naming it."""
    channel = request.query_params.get("channel", "")
    if channel and channel not in Channel.values:
        raise exceptions.ValidationError({"channel": [_("must be one of %(choices)s") % {"choices": ", ".join(Channel.values)}]})
    return channel


def questions() -> QuerySet[Question]:
    return Question.objects.select_related("edition").order_by("channel", "position", "pk")


def conflicts() -> QuerySet[JudgeConflict]:
    return conflicts_with_counted(JudgeConflict.objects.select_related("judge", "participant")).order_by(
        "participant__name", "judge__username", "pk"
    )


# Questions -------------------------------------------------------------------------------------


class QuestionListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_questions_list",
        summary="The questionnaires of an edition",
        parameters=[YEAR, CHANNEL],
        description="Every channel's questions, by channel and then in their order in the questionnaire.",
        responses={200: QuestionSerializer(many=True)},
        examples=[OpenApiExample("A question", value=QUESTION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        found_questions = questions().filter(edition=edition_of(year))
        if channel := channel_asked(request):
            found_questions = found_questions.filter(channel=channel)
        return self.paginated(found_questions, QuestionSerializer)

    @extend_schema(
        operation_id="organiser_questions_create",
        summary="Add a question",
        parameters=[YEAR],
        description="A question of one channel's questionnaire; its key is new in the channel.",
        request=QuestionSerializer,
        responses={201: QuestionSerializer},
        examples=[
            OpenApiExample(
                "A greeting",
                value={
                    "channel": "phone",
                    "key": "greeting",
                    "text": "Did the agent greet you and give their name?",
                    "area": "The agent",
                    "max_points": 5,
                    "position": 1,
                },
                request_only=True,
            ),
            OpenApiExample("Added", value=QUESTION_EXAMPLE, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Refused", value={"max_points": ["must be between 1 and 1000"]}, response_only=True, status_codes=["400"]
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = QuestionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        channel, key = values.pop("channel"), values.pop("key")
        if Question.objects.filter(edition=edition, channel=channel, key=key).exists():
            message = _("%(year)s already has a question %(key)s for %(channel)s")
            raise exceptions.ValidationError({"key": [message % {"year": year, "key": key, "channel": Channel(channel).label}]})
        question, _outcome = question_upsert(
            edition=edition, channel=channel, key=key, user=self.user(), source=Source.API, **values
        )
        return created(request, QuestionSerializer(found(questions(), question.pk)).data, "question", pk=question.pk)


class QuestionDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_questions_retrieve",
        summary="One question",
        parameters=[ID],
        description="A question with its edition's year and channel.",
        responses={200: QuestionSerializer},
        examples=[OpenApiExample("A question", value=QUESTION_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(QuestionSerializer(found(questions(), pk)).data)

    @extend_schema(
        operation_id="organiser_questions_update",
        summary="Change a question",
        parameters=[ID],
        description=(
            "Its text, area, maximum, whether it counts, or its position; never its channel or key. A new maximum or "
            "`counts` recomputes the scores of the contacts that answered it and rescores the edition; a maximum "
            "below points already given is refused."
        ),
        request=QuestionChangeSerializer,
        responses={200: QuestionSerializer},
        examples=[
            OpenApiExample("Worth more", value={"max_points": 10}, request_only=True),
            OpenApiExample("Changed", value=QUESTION_EXAMPLE | {"max_points": 10}, response_only=True),
        ],
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        question = found(questions(), pk)
        given = QuestionChangeSerializer(question, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values: dict[str, Any] = {name: given.validated_data.get(name, getattr(question, name)) for name in QUESTION_FIELDS}
        question_upsert(
            edition=question.edition, channel=question.channel, key=question.key, user=self.user(), source=Source.API, **values
        )
        return Response(QuestionSerializer(found(questions(), pk)).data)

    @extend_schema(
        operation_id="organiser_questions_destroy",
        summary="Remove a question",
        parameters=[ID],
        description="Only a question nobody has answered: one with answers stays in its questionnaire (they are evidence).",
        responses={204: None},
        examples=[
            OpenApiExample(
                "Answered", value={"non_field_errors": ["greeting has answers and cannot be removed"]}, status_codes=["400"]
            )
        ],
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        question = found(Question.objects.all(), pk)
        try:
            question_remove(question=question, user=self.user(), source=Source.API)
        except Invalid as invalid:
            raise refused(invalid, {"key": api_settings.NON_FIELD_ERRORS_KEY}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# Conflicts of interest --------------------------------------------------------------------------


class ConflictListView(OrganiserView):
    @extend_schema(
        operation_id="organiser_conflicts_list",
        summary="The judges' conflicts of interest in an edition",
        parameters=[YEAR],
        description=(
            "By participant, then judge. Each says how many counted contacts the judge made with the participant "
            "before declaring it: each one is to review (void it, or keep it with a reason)."
        ),
        responses={200: ConflictSerializer(many=True)},
        examples=[OpenApiExample("A conflict", value=CONFLICT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        return self.paginated(conflicts().filter(participant__edition=edition_of(year)), ConflictSerializer)

    @extend_schema(
        operation_id="organiser_conflicts_create",
        summary="Declare a judge's conflict of interest",
        parameters=[YEAR],
        description=(
            "From now on the judge can log no contact with the participant, and the plan gives the participant's "
            "contacts to other judges when it is made again. Declared once: declaring it again answers 200 with the "
            "conflict as it was declared."
        ),
        request=ConflictSerializer,
        responses={201: ConflictSerializer, 200: ConflictSerializer},
        examples=[
            OpenApiExample(
                "A sister", value={"judge": "judge1", "participant": 7, "reason": "My sister works there"}, request_only=True
            ),
            OpenApiExample("Declared", value=CONFLICT_EXAMPLE, response_only=True, status_codes=["201", "200"]),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        given = ConflictSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        judge: User = given.validated_data["judge"]
        participant = given.validated_data["participant"]
        if participant.edition_id != edition.pk:
            message = _("%(name)s is not a participant of %(edition)s") % {"name": participant.name, "edition": edition.year}
            raise exceptions.ValidationError({"participant": [message]})
        existing = JudgeConflict.objects.filter(judge=judge, participant=participant).first()
        if existing is not None:
            return Response(ConflictSerializer(found(conflicts(), existing.pk)).data)
        conflict = conflict_declare(
            judge=judge, participant=participant, reason=given.validated_data["reason"], user=self.user(), source=Source.API
        )
        return created(request, ConflictSerializer(found(conflicts(), conflict.pk)).data, "conflict", pk=conflict.pk)


class ConflictDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_conflicts_retrieve",
        summary="One conflict of interest",
        parameters=[ID],
        description="Declared once and never changed; an organiser may withdraw it.",
        responses={200: ConflictSerializer},
        examples=[OpenApiExample("A conflict", value=CONFLICT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ConflictSerializer(found(conflicts(), pk)).data)

    @extend_schema(
        operation_id="organiser_conflicts_destroy",
        summary="Withdraw a conflict of interest",
        parameters=[ID],
        description="The judge may log contacts with the participant again.",
        responses={204: None},
        examples=[OpenApiExample("Not found", value={"detail": "Not found."}, status_codes=["404"])],
        tags=TAGS,
    )
    def delete(self, request: Request, pk: int) -> Response:
        conflict_withdraw(conflict=found(JudgeConflict.objects.all(), pk), user=self.user(), source=Source.API)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The contact plan ----------------------------------------------------------------------------------


class PlanView(OrganiserView):
    pagination_class = ByPosition

    @extend_schema(
        operation_id="organiser_plan_list",
        summary="The contact plan of an edition",
        parameters=[
            YEAR,
            CHANNEL,
            OpenApiParameter("judge", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Only this judge's (a username)."),
        ],
        description=(
            "Who tests whom, in which channel and when, in the order the entries were made; `contact` is the contact "
            "that did it. Cut by a cursor: follow `next` until it is null."
        ),
        responses={200: PlannedContactSerializer(many=True)},
        examples=[OpenApiExample("A planned contact", value=PLANNED_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        entries = PlannedContact.objects.filter(edition=edition_of(year)).select_related("participant", "judge")
        if channel := channel_asked(request):
            entries = entries.filter(channel=channel)
        if judge := request.query_params.get("judge", ""):
            entries = entries.filter(judge__username=judge)
        return self.paginated(entries, PlannedContactSerializer)

    @extend_schema(
        operation_id="organiser_plan_make",
        summary="Make the contact plan, or make it again",
        parameters=[YEAR],
        description=(
            "As `manage.py plan YEAR` does (docs/planning.md): the first time, every participant's contacts spread "
            "over its channels and the edition's working days, each given a judge; made again after changes, it "
            "keeps what is done and what is still allowed, and moves as little as possible. No body."
        ),
        request=None,
        responses={200: PlanSummarySerializer},
        examples=[
            OpenApiExample(
                "Made",
                value={"planned": 125, "done": 35, "created": 127, "removed": 0, "moved": 0, "unassigned": 0, "second_tries": 2},
                response_only=True,
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        no_body(request)
        return Response(PlanSummarySerializer(plan_edition(edition=edition)).data)
