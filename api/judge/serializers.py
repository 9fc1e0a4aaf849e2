"""What the judges' API reads and writes: the questionnaire, the work list and contacts, validated and shaped here; the
rules of a contact are contact_clean's alone (channels_app.services), never a serializer's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.judge.contacts import stored_answers
from award.models import Channel, Edition, Participant
from channels_app.models import Contact, ContactStatus, HandledBy, PlannedContact

NO_EDITION = _("There is no edition of %(year)s.")
STATES = [(ContactStatus.DRAFT, _("Drafts")), (ContactStatus.SUBMITTED, _("Submitted")), ("voided", _("Voided"))]


class RefusalSerializer(serializers.Serializer[Any]):
    """A request refused as a whole: a 409 (the contact can no longer be changed) or a 422 (an Idempotency-Key reused)."""

    detail = serializers.CharField()


# The questionnaire ------------------------------------------------------------------------------


class QuestionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    text = serializers.CharField()
    area = serializers.CharField(help_text=_("The performance area the question belongs to."))
    max_points = serializers.IntegerField()
    counts = serializers.BooleanField(help_text=_("False: a customer-experience question, recorded but never scored."))
    position = serializers.IntegerField()
    scored_by_wait = serializers.BooleanField(
        help_text=_("True: its points come from the wait by the edition's bands; leave it out of a contact's answers.")
    )


class WaitSerializer(serializers.Serializer[Any]):
    limit_seconds = serializers.IntegerField(
        allow_null=True, help_text=_("A wait longer than this counts as unanswered; null: no limit in seconds.")
    )
    limit_working_days = serializers.IntegerField(
        allow_null=True, help_text=_("For e-mail: the reply must come within this many working days; null: none.")
    )
    bands = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text=_("[[seconds, points], ...], the seconds rising: a wait up to a band's seconds earns its points."),
    )
    question_key = serializers.CharField(
        allow_null=True, help_text=_("The key of the question the bands score from the wait; null: the judge scores it.")
    )


class QuestionnaireSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    questions = QuestionSerializer(many=True)
    wait = WaitSerializer()


# The work list ----------------------------------------------------------------------------------


class ParticipantRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlannedSerializer(serializers.ModelSerializer[PlannedContact]):
    participant = ParticipantRefSerializer()
    contact = serializers.IntegerField(
        source="contact_id", allow_null=True, help_text=_("The contact that did it; null: not done.")
    )

    class Meta:
        model = PlannedContact
        fields = ["id", "participant", "channel", "attempt", "planned_at", "contact"]
        read_only_fields = fields


UNCHOSEN_HELP = _("The keys of the questions with neither points nor N/A chosen yet: a draft's, until it is submitted.")


class DraftSerializer(serializers.ModelSerializer[Contact]):
    participant = ParticipantRefSerializer()
    unchosen = serializers.ListField(child=serializers.CharField(), help_text=UNCHOSEN_HELP)

    class Meta:
        model = Contact
        fields = ["id", "ref", "participant", "channel", "happened_at", "unchosen", "updated_at"]
        read_only_fields = fields


class WorkSerializer(serializers.Serializer[Any]):
    """channels_app.selectors.JudgeWork: the judge's part of the current edition's plan."""

    year = serializers.IntegerField(source="edition.year")
    week_start = serializers.DateField(help_text=_("The Monday of this week: `due` is this week's."))
    due = PlannedSerializer(many=True, help_text=_("First tries planned this week, not done."))
    overdue = PlannedSerializer(many=True, help_text=_("First tries planned before this week, not done."))
    second_tries = PlannedSerializer(many=True, help_text=_("Second tries of unanswered calls and chats, not done."))
    done = PlannedSerializer(many=True, help_text=_("The latest done, newest first."))
    drafts = DraftSerializer(many=True, help_text=_("Contacts saved as drafts: they count nowhere until submitted."))
    done_count = serializers.IntegerField()
    planned_count = serializers.IntegerField(help_text=_("First tries in the plan."))


# Contacts ---------------------------------------------------------------------------------------

ANSWERS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
    "description": "Question key -> points, null for N/A; a question not chosen yet is missing (see `unchosen`).",
}


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its UTC offset: a time without one would mean another moment on a phone in another zone."""

    default_error_messages = {"offset": _("give the time with its offset from UTC, such as 2021-02-01T10:15:00+01:00")}

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None  # out of range: the field's own message says so
            if parsed is not None and parsed.tzinfo is None:
                self.fail("offset")
        return super().to_internal_value(value)


class ContactWriteSerializer(serializers.Serializer[Any]):
    """A contact as a judge sends it; contact_clean then checks it as it checks the site's form and the import."""

    participant = serializers.PrimaryKeyRelatedField(
        queryset=Participant.objects.select_related("edition").prefetch_related("offered_channels"),
        help_text=_("The participant's id; a new contact belongs to the participant's edition."),
    )
    year = serializers.IntegerField(
        required=False, write_only=True, help_text=_("Optional: the edition's year, refused when it is not the contact's.")
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    happened_at = OffsetDateTimeField(help_text=_("When the contact was made: ISO 8601 with its UTC offset."))
    answered = serializers.BooleanField()
    wait_seconds = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The wait in seconds; null when unknown or not answered.")
    )
    handled_by = serializers.ChoiceField(
        choices=HandledBy.choices,
        required=False,
        allow_blank=True,
        help_text=_("Outside chat and Messenger an answered contact is handled by an agent: empty means agent there."),
    )
    comment = serializers.CharField(required=False, allow_blank=True)
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        required=False,
        help_text=_("Question key -> points, null for N/A; a key missing is not chosen yet (a draft only)."),
    )
    status = serializers.ChoiceField(choices=ContactStatus.choices, required=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Only for an organiser who is also a judge, after the final publication: why the contact changes."),
    )


class ContactSerializer(serializers.ModelSerializer[Contact]):
    """A judge's own contact; `answers` needs the context's `questions`, {(edition id, channel): [question keys]}."""

    year = serializers.IntegerField(source="edition.year")
    participant = serializers.IntegerField(source="participant_id")
    participant_name = serializers.CharField(source="participant.name")
    # Declared: a read-only model field loses allow_blank, and the schema would then refuse an unanswered contact's "".
    handled_by = serializers.ChoiceField(choices=HandledBy.choices, allow_blank=True, read_only=True)
    answers = serializers.SerializerMethodField()
    score = serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        coerce_to_string=True,
        help_text=_("The stored score, 0 to 100 with four decimals; 0 for a draft not yet complete."),
    )
    unchosen = serializers.ListField(child=serializers.CharField(), help_text=UNCHOSEN_HELP)
    void_reason = serializers.CharField(source="void_reason_text")

    class Meta:
        model = Contact
        fields = [
            "id",
            "ref",
            "year",
            "participant",
            "participant_name",
            "channel",
            "happened_at",
            "answered",
            "wait_seconds",
            "handled_by",
            "comment",
            "answers",
            "status",
            "score",
            "unchosen",
            "voided",
            "void_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ANSWERS_SCHEMA)
    def get_answers(self, contact: Contact) -> dict[str, int | None]:
        keys = self.context["questions"].get((contact.edition_id, contact.channel), [])
        return stored_answers(contact, keys)


class ContactFilterSerializer(serializers.Serializer[Any]):
    """The list's filters; a value outside them is a 400 naming it."""

    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    state = serializers.ChoiceField(choices=STATES, required=False)
    year = serializers.IntegerField(required=False, min_value=1, max_value=9999, help_text=_("An edition's year."))

    def validate_year(self, year: int) -> int:
        if not Edition.objects.filter(year=year).exists():
            raise serializers.ValidationError(NO_EDITION % {"year": year})
        return year
