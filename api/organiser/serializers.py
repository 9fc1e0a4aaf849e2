"""The shapes of the year's frame and the field work as organisers read and write them.

They check types only: every rule (a name's limits, a duplicate, dates in order, a question's limits, a class of
another edition) is the service's, which the views call, so it is written once for the admin, the import and the API.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from award.models import AwardClass, Channel, Edition, Participant
from award.roles import JUDGES
from channels_app.models import JudgeConflict, PlannedContact, Question

POSITIONS = 32767  # a question's position is a small integer column


S = TypeVar("S", bound=type[serializers.BaseSerializer[Any]])


def organiser_component(serializer: S) -> S:
    """The schema's component of the serializer, named as the organisers' (another role's API has a Question too)."""
    name = serializer.__name__.removesuffix("Serializer")
    return extend_schema_serializer(component_name=f"Organiser{name}")(serializer)


def id_of(queryset: Any) -> serializers.PrimaryKeyRelatedField[Any]:
    """An object by its id (one too large for any column is no object: Django finds none, never overflows)."""
    return serializers.PrimaryKeyRelatedField(queryset=queryset)


# The enum drf-spectacular makes of every `channel` choice (a list of them named otherwise would make another).
@extend_schema_field({"$ref": "#/components/schemas/ChannelEnum"})
class ChannelName(serializers.CharField):
    """A channel's code. Checked by the service (an unknown one is named in its refusal), listed in the schema."""


@organiser_component
class EditionSerializer(serializers.Serializer[Edition]):
    year = serializers.IntegerField(help_text=_("The edition's year: its key, which never changes."))
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    min_contacts_per_channel = serializers.IntegerField(default=3)
    publish_rankings = serializers.BooleanField(
        default=True, help_text=_("Show each class's full ranking on the final results page.")
    )
    data_version = serializers.IntegerField(read_only=True, help_text=_("Goes up with every change that can move a score."))
    final_published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Set by the first final publication: contacts are locked from then on.")
    )


@organiser_component
class EditionChangeSerializer(EditionSerializer):
    """What a PATCH may change: everything but the year."""

    year = serializers.IntegerField(read_only=True)


@organiser_component
class AwardClassSerializer(serializers.Serializer[AwardClass]):
    id = serializers.IntegerField(read_only=True)
    edition = serializers.IntegerField(source="edition.year", read_only=True, help_text=_("The edition's year."))
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    slug = serializers.CharField(read_only=True, help_text=_("Made from the first name; it stays when the class is renamed."))
    participants = serializers.IntegerField(source="participant_count", read_only=True)


@organiser_component
class ParticipantSerializer(serializers.Serializer[Participant]):
    id = serializers.IntegerField(read_only=True)
    edition = serializers.IntegerField(source="edition.year", read_only=True, help_text=_("The edition's year."))
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    award_class = id_of(AwardClass.objects.all())
    class_name = serializers.CharField(source="award_class.name", read_only=True)
    channels = serializers.ListField(child=ChannelName(), default=list, help_text=_("The channels it offers and is tested on."))

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """The class is `class` in the request and the answer, as in participants.csv (a word Python keeps for itself)."""
        fields = super().get_fields()
        fields["award_class"].source = "award_class"
        return {("class" if name == "award_class" else name): field for name, field in fields.items()}


@organiser_component
class QuestionSerializer(serializers.Serializer[Question]):
    id = serializers.IntegerField(read_only=True)
    edition = serializers.IntegerField(source="edition.year", read_only=True, help_text=_("The edition's year."))
    channel = serializers.ChoiceField(choices=Channel.choices)
    key = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=_("Its column in contacts.csv is <channel>.<key>.")
    )
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    area = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=_("The performance area."))
    max_points = serializers.IntegerField()
    counts = serializers.BooleanField(
        default=True, help_text=_("Off for customer-experience questions that are recorded but never scored.")
    )
    position = serializers.IntegerField(min_value=0, max_value=POSITIONS, default=0)


@organiser_component
class QuestionChangeSerializer(QuestionSerializer):
    """What a PATCH may change: a question's channel and key are its name in every contact, and never change."""

    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    key = serializers.CharField(read_only=True)


@organiser_component
class ConflictSerializer(serializers.Serializer[JudgeConflict]):
    id = serializers.IntegerField(read_only=True)
    judge = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(groups__name=JUDGES), help_text=_("The judge's username.")
    )
    participant = id_of(Participant.objects.all())
    participant_name = serializers.CharField(source="participant.name", read_only=True)
    reason = serializers.CharField(allow_blank=True, default="")
    declared_at = serializers.DateTimeField(read_only=True)
    counted_contacts = serializers.IntegerField(
        source="counted",
        read_only=True,
        help_text=_("Counted contacts the judge made with the participant before declaring it: each one to review."),
    )


@organiser_component
class PlannedContactSerializer(serializers.Serializer[PlannedContact]):
    id = serializers.IntegerField(read_only=True)
    participant = serializers.IntegerField(source="participant_id", read_only=True)
    participant_name = serializers.CharField(source="participant.name", read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    judge = serializers.CharField(
        source="judge.username", read_only=True, allow_null=True, help_text=_("null: no judge may take it.")
    )
    planned_at = serializers.DateTimeField(read_only=True)
    attempt = serializers.IntegerField(read_only=True, help_text=_("2: the second try of an unanswered call or chat."))
    contact = serializers.IntegerField(source="contact_id", read_only=True, allow_null=True)
    done = serializers.BooleanField(read_only=True)


@organiser_component
class PlanSummarySerializer(serializers.Serializer[Any]):
    """channels_app.planning.PlanSummary: what making the plan did."""

    planned = serializers.IntegerField(help_text=_("Entries in the plan, first tries."))
    done = serializers.IntegerField()
    created = serializers.IntegerField()
    removed = serializers.IntegerField()
    moved = serializers.IntegerField(help_text=_("Pending entries given another judge or time."))
    unassigned = serializers.IntegerField(help_text=_("Pending entries no judge may take."))
    second_tries = serializers.IntegerField()
