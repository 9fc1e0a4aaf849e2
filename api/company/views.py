"""/api/v1/company/: a company user's own participants, each one's dashboard and its contacts, read through the selectors
the dashboard pages call, so the API shows what the page shows and nothing more (docs/architecture.md: never another
participant's data, never a judge's identity).

A participant the caller is not a member of is a 404, whether it exists or not, as on the pages; a judge or an
organiser is refused with 403 by IsCompanyUser before any participant is looked for.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.company.serializers import CompanyContactSerializer, CompanyDashboardSerializer, CompanyParticipantSerializer
from api.pagination import NewestFirst, Pages
from api.permissions import IsCompanyUser, TokenScopes
from award.models import Participant
from dashboard.contacts import contact_lines, participant_questions, shown_contacts
from dashboard.selectors import member_participant, member_participants_query, participant_dashboard

COMPANY = [IsAuthenticated, TokenScopes, IsCompanyUser]
PARTICIPANT_ID = OpenApiParameter(
    "participant_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="One of your participants (GET /participants/)."
)


def own_participant(request: Request, participant_id: int) -> Participant:
    """The caller's participant, through the dashboard's own check of memberships; anyone else's is a 404."""
    participant = member_participant(user=request.user, participant_id=participant_id)
    if participant is None:
        raise exceptions.NotFound()
    return participant


# Examples of one row of a list: the schema puts it in a page of the list's pagination itself.
PARTICIPANT_EXAMPLE = {"id": 17, "name": "Sognenett", "year": 2021, "class": "Broadband"}


class ParticipantList(generics.ListAPIView[Participant]):
    permission_classes = COMPANY
    serializer_class = CompanyParticipantSerializer
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Participant]:
        return member_participants_query(user=self.request.user)

    @extend_schema(
        operation_id="company_participants_list",
        summary="Your participants",
        description="The participants your account reads the dashboard of, newest edition first: one a year, as a rule.",
        examples=[OpenApiExample("One participant", value=PARTICIPANT_EXAMPLE, response_only=True)],
        tags=["company"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


AVERAGE_EXAMPLE = {"score": "73.3", "participants": 5, "hidden": None}
DASHBOARD_EXAMPLE = {
    "participant": PARTICIPANT_EXAMPLE,
    "score": "80.7",
    "contacts": 10,
    "qualified": True,
    "minimum": 3,
    "averages_published_at": "2021-03-15T13:00:00+01:00",
    "final_published_at": None,
    "edition_rank": None,
    "class_rank": None,
    "channels": [
        {
            "channel": "phone",
            "contacts": 4,
            "unanswered": 1,
            "minimum": 3,
            "missing": 0,
            "qualified": True,
            "score": "66.7",
            "answered_score": "88.9",
            "field_average": AVERAGE_EXAMPLE,
            "class_average": {"score": None, "participants": 2, "hidden": "few"},
            "areas": [{"area": "Solution", "own": "90.0", "field": "90.8"}],
            "handlers": [],
            "months": [{"month": "2021-02-01", "contacts": 4, "score": "66.7"}],
            "rank": None,
        }
    ],
}


class ParticipantDashboard(APIView):
    permission_classes = COMPANY

    @extend_schema(
        operation_id="company_dashboard",
        summary="Your participant's dashboard",
        description=(
            "The numbers the dashboard page shows, rounded as it rounds them (half-up to one decimal, as strings): "
            "your own scores and counts live; the anonymous averages of all participants and of your class as the "
            "latest publication froze them, hidden (with why) while fewer than three participants are behind one, or "
            "while the class leaves only one or two outside it; ranks only from the final results. Never a judge."
        ),
        parameters=[PARTICIPANT_ID],
        responses={200: CompanyDashboardSerializer},
        examples=[OpenApiExample("Interim results published", value=DASHBOARD_EXAMPLE, response_only=True)],
        tags=["company"],
    )
    def get(self, request: Request, participant_id: int) -> Response:
        participant = own_participant(request, participant_id)
        dashboard = participant_dashboard(participant=participant, with_contacts=False)  # the contacts have their own list
        return Response(CompanyDashboardSerializer(dashboard).data)


CONTACT_EXAMPLE = {
    "ref": "P002",
    "happened_at": "2021-02-02T10:15:00+01:00",
    "channel": "phone",
    "answered": True,
    "wait_seconds": 150,
    "handled_by": "agent",
    "score": "86.7",
    "comment": "No name given",
    "answers": [
        {
            "question": "wait",
            "text": "How long did you wait?",
            "area": "Answer and waiting time",
            "counts": True,
            "points": 3,
            "max_points": 5,
        },
        {
            "question": "greeting",
            "text": "Did they greet you by name?",
            "area": "The agent",
            "counts": True,
            "points": None,
            "max_points": 5,
        },
    ],
}


class ParticipantContacts(APIView):
    permission_classes = COMPANY
    pagination_class = NewestFirst  # read by the schema too: the cursor, the page size and the envelope

    @extend_schema(
        operation_id="company_contacts_list",
        summary="Your participant's contacts",
        description=(
            "Every counted contact (submitted, not voided, in a channel it offers), newest recorded first, with every "
            "question of its channel and the points given: what the dashboard lists. Drafts and voided contacts never "
            "show, nor does any judge. Follow `next` for the following page."
        ),
        parameters=[PARTICIPANT_ID],
        responses={200: CompanyContactSerializer(many=True)},
        examples=[OpenApiExample("A phone contact", value=CONTACT_EXAMPLE, response_only=True)],
        tags=["company"],
    )
    def get(self, request: Request, participant_id: int) -> Response:
        participant = own_participant(request, participant_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(shown_contacts(participant), request, view=self) or []
        lines = contact_lines(page, participant_questions(participant=participant))  # and their answers: one query a page
        return paginator.get_paginated_response(serializers.ListSerializer(lines, child=CompanyContactSerializer()).data)
