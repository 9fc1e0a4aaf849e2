"""What a company reads through the API: the dashboard's own dataclasses (dashboard.selectors, dashboard.contacts) as JSON.

Scores are strings rounded exactly as the page rounds them: the page's `{{ value|score }}` is scoring.rules.score_text
and the API's `Score` is scoring.rules.published, and both round with scoring.rules.one_decimal (half-up to one
decimal); the API writes a point, the page the reader's separator. Nothing here can name a judge: the dataclasses and
the contacts' query hold none. An average's count is given where the page gives it, and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from award.models import Channel, Participant
from channels_app.models import HandledBy
from channels_app.selectors import AnswerLine
from dashboard.contacts import ContactLine
from dashboard.selectors import Average, ChannelBlock, Dashboard
from scoring.rules import HIDDEN_FEW, HIDDEN_OUTSIDERS, HIDDEN_UNPUBLISHED, published

HIDDEN_CHOICES = [
    (HIDDEN_FEW, _("fewer than three participants with a score in the latest published results")),
    (HIDDEN_OUTSIDERS, _("only one or two participants outside the class have a score: it would reveal theirs")),
    (HIDDEN_UNPUBLISHED, _("nothing published yet with averages")),
]


class Score(serializers.CharField):
    """A score as published: a string rounded half-up to one decimal, with a point ("80.7"); null when there is none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        # Never None here: DRF writes null itself for a missing value, so published() always has a score to round.
        return cast(str, published(Decimal(value)))


class CompanyParticipantSerializer(serializers.Serializer[Participant]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(source="edition.year", read_only=True, help_text=_("The edition's year."))

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # "class", as the published results name it; a word Python keeps for itself, so it is added here.
        fields["class"] = serializers.CharField(source="award_class.name", read_only=True, help_text=_("The class's name."))
        return fields


class CompanyAverageSerializer(serializers.Serializer[Average]):
    """An anonymous average as the latest publication froze it, or why it is hidden."""

    score = Score(source="value", help_text=_("Null while hidden."))
    participants = serializers.SerializerMethodField(
        help_text=_("How many participants it is over, as published; null where the page gives no count either.")
    )
    hidden = serializers.SerializerMethodField(help_text=_("Null when shown, else why not."))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_participants(self, average: Average) -> int | None:
        # The page names the count when the average is shown, or hidden for too few; never beside a class average hidden
        # for its outsiders (the class count would let one subtract), nor before anything is published.
        return None if average.hidden in (HIDDEN_OUTSIDERS, HIDDEN_UNPUBLISHED) else average.participants

    @extend_schema_field(serializers.ChoiceField(choices=HIDDEN_CHOICES, allow_null=True))
    def get_hidden(self, average: Average) -> str | None:
        return average.hidden or None


class CompanyAreaSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(read_only=True)
    own = Score(help_text=_("Per cent of the points possible, live."))
    field = Score(help_text=_("All participants, as published; null while hidden."))


class CompanyHandlerSerializer(serializers.Serializer[Any]):
    handler = serializers.ChoiceField(choices=[("agent", _("Agent")), ("bot", _("Chatbot"))], read_only=True)
    contacts = serializers.IntegerField(read_only=True)
    score = Score()
    passed_to_agent = serializers.IntegerField(read_only=True, help_text=_("Begun by a chatbot, passed on to an agent."))


class CompanyMonthSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(read_only=True, help_text=_("The month's first day."))
    contacts = serializers.IntegerField(read_only=True)
    score = Score(help_text=_("Mean of the month's contacts, unanswered as 0."))


class CompanyRankSerializer(serializers.Serializer[Any]):
    """A rank read from the final publication, never from live standings."""

    rank = serializers.IntegerField(read_only=True)
    of = serializers.IntegerField(read_only=True, help_text=_("How many are ranked."))
    score = Score()


class CompanyChannelSerializer(serializers.Serializer[ChannelBlock]):
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    contacts = serializers.IntegerField(read_only=True, help_text=_("Counted contacts."))
    unanswered = serializers.IntegerField(read_only=True)
    minimum = serializers.IntegerField(read_only=True, help_text=_("Counted contacts needed to qualify."))
    missing = serializers.IntegerField(read_only=True, help_text=_("Contacts still needed to reach the minimum."))
    qualified = serializers.BooleanField(read_only=True)
    score = Score(source="total", help_text=_("All contacts, unanswered as 0."))
    answered_score = Score(source="answered", help_text=_("Answered contacts only."))
    field_average = CompanyAverageSerializer(read_only=True)
    class_average = CompanyAverageSerializer(read_only=True)
    areas = CompanyAreaSerializer(many=True, read_only=True)
    handlers = CompanyHandlerSerializer(many=True, read_only=True, help_text=_("Chat and Messenger only: agent against chatbot."))
    months = CompanyMonthSerializer(many=True, read_only=True)
    rank = CompanyRankSerializer(
        read_only=True, allow_null=True, help_text=_("In the final results; null before them or unranked.")
    )


class CompanyDashboardSerializer(serializers.Serializer[Dashboard]):
    participant = CompanyParticipantSerializer(read_only=True)
    score = Score(source="overall", help_text=_("The overall score, live."))
    contacts = serializers.IntegerField(source="overall_contacts", read_only=True)
    qualified = serializers.BooleanField(read_only=True)
    minimum = serializers.IntegerField(read_only=True, help_text=_("Counted contacts needed in every channel."))
    averages_published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The publication the averages are from; null while they are hidden.")
    )
    final_published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The final results the ranks are from; null before them.")
    )
    edition_rank = CompanyRankSerializer(read_only=True, allow_null=True)
    class_rank = CompanyRankSerializer(read_only=True, allow_null=True)
    channels = CompanyChannelSerializer(many=True, read_only=True)


class CompanyAnswerSerializer(serializers.Serializer[AnswerLine]):
    question = serializers.CharField(source="question.key", read_only=True, help_text=_("The question's key."))
    text = serializers.CharField(source="question.text", read_only=True)
    area = serializers.CharField(source="question.area", read_only=True)
    counts = serializers.BooleanField(source="question.counts", read_only=True, help_text=_("False: recorded, never scored."))
    points = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("Null: not applicable."))
    max_points = serializers.IntegerField(source="question.max_points", read_only=True)


class CompanyContactSerializer(serializers.Serializer[ContactLine]):
    """A counted contact as the dashboard lists it: never its judge."""

    ref = serializers.CharField(source="contact.ref", read_only=True)
    happened_at = serializers.DateTimeField(source="contact.happened_at", read_only=True)
    channel = serializers.ChoiceField(source="contact.channel", choices=Channel.choices, read_only=True)
    answered = serializers.BooleanField(source="contact.answered", read_only=True)
    wait_seconds = serializers.IntegerField(source="contact.wait_seconds", read_only=True, allow_null=True)
    handled_by = serializers.SerializerMethodField()
    score = Score(source="contact.score", help_text=_("Unanswered: 0."))
    comment = serializers.CharField(source="contact.comment", read_only=True)
    answers = CompanyAnswerSerializer(
        many=True, read_only=True, help_text=_("Every question of its channel; none when unanswered.")
    )

    @extend_schema_field(serializers.ChoiceField(choices=HandledBy.choices, allow_null=True))
    def get_handled_by(self, line: ContactLine) -> str | None:
        return line.contact.handled_by or None
