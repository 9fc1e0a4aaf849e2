"""The judges' endpoints: the questionnaire of an edition and channel, their work list, and their own contacts, over the
selectors and the one service (contact_record) the judges' pages use; another judge's contact is not found (404)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.idempotency import HEADER, idempotent
from api.judge import examples
from api.judge.contacts import (
    Refused,
    check_open,
    check_year,
    contact_input,
    contact_save,
    flat_errors,
    question_keys,
    wait_scored_key,
    with_answers,
)
from api.judge.serializers import (
    ContactFilterSerializer,
    ContactSerializer,
    ContactWriteSerializer,
    QuestionnaireSerializer,
    RefusalSerializer,
    WorkSerializer,
)
from api.pagination import NewestFirst
from api.permissions import IsJudge, TokenScopes
from award.models import CHANNEL_ORDER, Channel, Edition
from award.selectors import current_edition
from channels_app.models import Contact, ContactStatus
from channels_app.selectors import edition_questionnaire, edition_wait_rules, judge_contacts, judge_work
from channels_app.services import closed_message, contacts_locked_for

TAGS = ["judge"]
YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="The edition's year.")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The contact's id.")
CHANNEL = OpenApiParameter("channel", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(CHANNEL_ORDER))
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional, 1 to 255 printable characters, kept 24 hours. The same key with the same body answers what the "
        "first request got (with Idempotent-Replayed: true) and creates nothing; with another body, 422. A refused "
        "request (400) keeps nothing: correct it and send it again with the same key."
    ),
)
CLOSED = OpenApiResponse(RefusalSerializer, description="The final results are published, or the contact is voided.")
CONTACT_RULES = (
    "The body is checked by contact_clean, the check of the site's contact form and of the import, and refused "
    "(400) with each field named as the request names it: answers.<key> for a question, participant for a conflict "
    "of interest. `answers` maps a question key to points or null (N/A); a key missing is not chosen yet, which a "
    "draft may leave and a submitted contact may not (never counted as N/A). The question the wait scores "
    "(questionnaire: `scored_by_wait`) gets its points from the wait by the edition's bands: leave it out, or send "
    "the bands' points. Outside chat and Messenger an empty `handled_by` of an answered contact is an agent. After "
    "the edition's final publication a judge's change is refused with 409, as is any change of a voided contact."
)


def _judge(request: Request) -> User:
    return cast(User, request.user)  # IsAuthenticated and IsJudge let only a user through


def _contact_answer(contacts: list[Contact]) -> ContactSerializer:
    return ContactSerializer(contacts, many=True, context={"questions": question_keys(c.edition_id for c in contacts)})


def _one(contact: Contact, **kwargs: Any) -> ContactSerializer:
    return ContactSerializer(contact, context={"questions": question_keys([contact.edition_id])}, **kwargs)


class JudgeView(APIView):
    """Judges only: an organiser or a company user gets 403, nobody logged in 401."""

    permission_classes = [IsAuthenticated, TokenScopes, IsJudge]  # the defaults, and the role


class QuestionnaireView(JudgeView):
    @extend_schema(
        operation_id="judge_questionnaire",
        summary="The questionnaire of an edition and channel",
        description=(
            "The channel's questions in order, and its waiting-time rule: the limit past which a contact counts as "
            "unanswered (seconds, or working days for e-mail) and the bands that score the waiting-time question from "
            "the wait. 404 for an edition, a channel or a questionnaire that does not exist."
        ),
        parameters=[YEAR, CHANNEL],
        responses={200: QuestionnaireSerializer},
        examples=[examples.QUESTIONNAIRE],
        tags=TAGS,
    )
    def get(self, request: Request, year: int, channel: str) -> Response:
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise exceptions.NotFound(_("There is no edition of %(year)s.") % {"year": year})
        if channel not in CHANNEL_ORDER:
            raise exceptions.NotFound(
                _("There is no channel “%(channel)s”: the channels are %(choices)s.")
                % {"channel": channel, "choices": ", ".join(CHANNEL_ORDER)}
            )
        questions = edition_questionnaire(edition=edition).get(channel)
        if not questions:
            raise exceptions.NotFound(
                _("%(edition)s has no questionnaire for %(channel)s.") % {"edition": edition, "channel": Channel(channel).label}
            )
        rule = edition_wait_rules(edition=edition).get(channel)
        scored = wait_scored_key(rule, questions)
        answer = {
            "year": edition.year,
            "channel": channel,
            "questions": [
                {
                    "key": q.key,
                    "text": q.text,
                    "area": q.area,
                    "max_points": q.max_points,
                    "counts": q.counts,
                    "position": q.position,
                    "scored_by_wait": q.key == scored,
                }
                for q in questions
            ],
            "wait": {
                "limit_seconds": rule.limit_seconds if rule else None,
                "limit_working_days": rule.limit_working_days if rule else None,
                "bands": rule.bands if rule else [],
                "question_key": scored or None,
            },
        }
        return Response(QuestionnaireSerializer(answer).data)


class WorkView(JudgeView):
    @extend_schema(
        operation_id="judge_work",
        summary="Your work list",
        description=(
            "Your part of the current edition's plan, as the site's “My work” shows it: first tries due this week, "
            "overdue ones, second tries of unanswered calls and chats, the latest done, your drafts, and the counts. "
            "404 when there is no edition yet."
        ),
        responses={200: WorkSerializer},
        examples=[examples.WORK],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        edition = current_edition()
        if edition is None:
            raise exceptions.NotFound(_("There is no edition to work on yet."))
        work = judge_work(judge=_judge(request), edition=edition, today=timezone.localdate())
        return Response(WorkSerializer(work).data)


class JudgeGenericView(GenericAPIView[Contact]):
    permission_classes = JudgeView.permission_classes

    def own(self, pk: int) -> Contact:
        """One of the caller's contacts; another judge's is not found, never forbidden (that would say it exists)."""
        contact = with_answers(Contact.objects.filter(judge=_judge(self.request), pk=pk)).first()
        if contact is None:
            raise exceptions.NotFound()
        return contact

    def written(self, request: Request, *, contact: Contact | None, partial: bool, values: dict[str, Any]) -> Contact:
        """Record what the request says through contact_record, and read the contact back as the API shows it."""
        edition = contact.edition if contact is not None else values["participant"].edition
        check_year(values, edition, new=contact is None)
        judge = _judge(request)
        if contact is None and contacts_locked_for(edition=edition, user=judge):
            raise Refused(closed_message(edition))
        questionnaire, wait_rules = edition_questionnaire(edition=edition), edition_wait_rules(edition=edition)
        data = contact_input(
            values=values, judge=judge, contact=contact, partial=partial, questionnaire=questionnaire, wait_rules=wait_rules
        )
        saved = contact_save(
            edition=edition,
            data=data,
            ref=contact.ref if contact is not None else "",
            user=judge,
            questionnaire=questionnaire,
            wait_rules=wait_rules,
            sent=values.get("answers", {}).keys(),
            reason=values.get("reason", ""),
        )
        return self.own(saved.pk)


def _body(request: Request, *, partial: bool = False) -> dict[str, Any]:
    given = ContactWriteSerializer(data=request.data, partial=partial)
    if not given.is_valid():
        raise exceptions.ValidationError(flat_errors(given.errors))
    return dict(given.validated_data)


class ContactListView(JudgeGenericView):
    pagination_class = NewestFirst
    serializer_class = ContactSerializer

    @extend_schema(
        operation_id="judge_contacts_list",
        summary="Your contacts",
        description=(
            "Your own contacts of every edition, newest first, by cursor (`next` and `previous` are the pages' "
            "addresses): by channel, by state (draft, submitted or voided) and by edition year. A filter value that "
            "is not one is a 400 naming it."
        ),
        parameters=[ContactFilterSerializer],
        responses={200: ContactSerializer(many=True)},
        examples=[examples.CONTACT],
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        filters = ContactFilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise exceptions.ValidationError(flat_errors(filters.errors))
        wanted = filters.validated_data
        edition = Edition.objects.get(year=wanted["year"]) if "year" in wanted else None
        contacts = judge_contacts(
            judge=_judge(request), edition=edition, channel=wanted.get("channel", ""), state=wanted.get("state", "")
        )
        page = self.paginate_queryset(with_answers(contacts))
        return self.get_paginated_response(_contact_answer(list(page or [])).data)

    @extend_schema(
        operation_id="judge_contacts_create",
        summary="Log a contact",
        description=(
            "A new contact of yours, in the participant's edition (a `year` given must be it). Submitted unless "
            "`status` is draft. "
            + CONTACT_RULES
            + " A conflict of interest you declared with the participant is a 400 naming participant. Send an "
            "Idempotency-Key so that a retry over a bad connection never logs the contact twice."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ContactWriteSerializer,
        responses={
            201: ContactSerializer,
            409: CLOSED,
            422: OpenApiResponse(RefusalSerializer, description="The Idempotency-Key was used for another request."),
        },
        examples=[examples.CONTACT_NEW, examples.CONTACT],
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        def create() -> Response:
            contact = self.written(request, contact=None, partial=False, values=_body(request))
            return Response(_one(contact).data, status=status.HTTP_201_CREATED)

        answer = idempotent(request, create)
        if answer.status_code == status.HTTP_201_CREATED:  # a replayed answer too: the contact it made
            answer["Location"] = request.build_absolute_uri(reverse("api:judge:contact", args=[answer.data["id"]]))
        return answer


class ContactDetailView(JudgeGenericView):
    serializer_class = ContactSerializer

    @extend_schema(
        operation_id="judge_contact",
        summary="One of your contacts",
        description="Another judge's contact is not found (404).",
        parameters=[ID],
        responses={200: ContactSerializer},
        examples=[examples.CONTACT],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_one(self.own(pk)).data)

    @extend_schema(
        operation_id="judge_contact_replace",
        summary="Change one of your contacts (whole)",
        description=(
            "The body replaces the contact: a question missing from `answers` is not chosen yet, a field left out is "
            "empty; `status` left out keeps the contact's. " + CONTACT_RULES
        ),
        parameters=[ID],
        request=ContactWriteSerializer,
        responses={200: ContactSerializer, 409: CLOSED},
        examples=[examples.CONTACT_NEW, examples.CONTACT],
        tags=TAGS,
    )
    def put(self, request: Request, pk: int) -> Response:
        contact = self.own(pk)
        check_open(contact=contact, user=_judge(request))
        return Response(_one(self.written(request, contact=contact, partial=False, values=_body(request))).data)

    @extend_schema(
        operation_id="judge_contact_update",
        summary="Change part of one of your contacts",
        description=(
            "Only the fields sent change; `answers` are merged key by key into the stored ones. While the contact "
            "stays answered it keeps its wait, handler and answers; made unanswered, it has none (send them and they "
            "are refused). " + CONTACT_RULES
        ),
        parameters=[ID],
        request=ContactWriteSerializer(partial=True),
        responses={200: ContactSerializer, 409: CLOSED},
        examples=[examples.CONTACT_PATCH, examples.CONTACT],
        tags=TAGS,
    )
    def patch(self, request: Request, pk: int) -> Response:
        contact = self.own(pk)
        check_open(contact=contact, user=_judge(request))
        values = _body(request, partial=True)
        return Response(_one(self.written(request, contact=contact, partial=True, values=values)).data)


class ContactSubmitView(JudgeGenericView):
    serializer_class = ContactSerializer

    @extend_schema(
        operation_id="judge_contact_submit",
        summary="Submit a draft",
        description=(
            "The contact as stored, submitted: every check of a submitted contact applies, so a question not chosen "
            "yet is refused (answers.<key>), never counted as N/A. Submitting a submitted contact changes nothing. "
            "No body."
        ),
        parameters=[ID],
        request=None,
        responses={200: ContactSerializer, 409: CLOSED},
        examples=[examples.CONTACT],
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = self.own(pk)
        check_open(contact=contact, user=_judge(request))
        values = {"status": ContactStatus.SUBMITTED}
        return Response(_one(self.written(request, contact=contact, partial=True, values=values)).data)
