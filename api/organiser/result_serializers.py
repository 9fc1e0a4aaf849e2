"""The shapes of the live standings, the scoring's status, publishing and the import jobs as organisers read them.

Live standings and previews are the organisers' alone (docs/architecture.md): nothing here is published.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.organiser.serializers import ChannelName, organiser_component
from award.models import Channel
from channels_app.models import ImportJobState
from publications.api_schema import FINAL, INTERIM
from publications.models import Publication, PublicationKind


def _unpublished(document: dict[str, Any]) -> dict[str, Any]:
    """A published document's schema less its digest: what would be published has none yet."""
    properties = {name: value for name, value in document["properties"].items() if name != "digest"}
    return {**document, "properties": properties, "required": [name for name in document["required"] if name != "digest"]}


def score() -> serializers.DecimalField:
    """A stored score: 4 decimals, 0 to 100, as a string ("80.0000"); null before it has any contact."""
    return serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)


@organiser_component
class ChannelStandingSerializer(serializers.Serializer[Any]):
    """scoring.selectors.ChannelLine."""

    channel = serializers.ChoiceField(choices=Channel.choices)
    contacts = serializers.IntegerField(help_text=_("Counted contacts: submitted, not voided."))
    minimum = serializers.IntegerField()
    missing = serializers.IntegerField(help_text=_("How many more it needs to reach the minimum."))
    qualified = serializers.BooleanField()
    total = score()
    rank = serializers.IntegerField(allow_null=True)


@organiser_component
class StandingSerializer(serializers.Serializer[Any]):
    """scoring.selectors.ParticipantLine: one participant across the channels it offers."""

    id = serializers.IntegerField(source="participant_id")
    name = serializers.CharField()
    contacts = serializers.IntegerField()
    overall = score()
    qualified = serializers.BooleanField()
    class_rank = serializers.IntegerField(allow_null=True)
    edition_rank = serializers.IntegerField(allow_null=True)
    offers_none = serializers.BooleanField(help_text=_("Offers no channel: it can be neither scored nor ranked."))
    channels = serializers.SerializerMethodField()

    @extend_schema_field(ChannelStandingSerializer(many=True))
    def get_channels(self, line: Any) -> Any:
        return ChannelStandingSerializer([cell for cell in line.cells if cell is not None], many=True).data


@organiser_component
class ClassStandingsSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    ranked = serializers.IntegerField()
    participants = StandingSerializer(many=True)


@organiser_component
class ScoringStatusSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    data_version = serializers.IntegerField(help_text=_("Goes up with every change that can move a score."))
    scored_version = serializers.IntegerField(help_text=_("The data version the standings reflect; -1: never scored."))
    current = serializers.BooleanField(help_text=_("Whether the standings reflect the data as it is."))
    rescored_at = serializers.DateTimeField(allow_null=True)
    runs = serializers.IntegerField(help_text=_("Rescorings run so far."))


@organiser_component
class StandingsSerializer(ScoringStatusSerializer):
    """scoring.selectors.EditionOverview, with the scoring's status it was read at."""

    channels = serializers.ListField(child=ChannelName(), help_text=_("Every channel some participant offers."))
    classes = ClassStandingsSerializer(many=True)


@extend_schema_field({"oneOf": [_unpublished(INTERIM), _unpublished(FINAL)]})
class PayloadField(serializers.JSONField):
    """A payload of docs/results-api.md, as publications.payload builds it."""


@organiser_component
class PreviewSerializer(serializers.Serializer[Any]):
    """publications.services.PublicationPreview."""

    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    fingerprint = serializers.CharField(help_text=_("Give it back to publish exactly these results."))
    latest_id = serializers.IntegerField(
        allow_null=True, help_text=_("The latest publication of the kind, which a correction would supersede.")
    )
    data_version = serializers.IntegerField()
    drafts = serializers.IntegerField(help_text=_("How many drafts these results leave out: they count once submitted."))
    caught_up = serializers.IntegerField(help_text=_("How many data versions the standings were brought up to date by."))
    payload = PayloadField()


@organiser_component
class PublishSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    fingerprint = serializers.CharField(help_text=_("The preview's, of the results reviewed."))
    latest_id = serializers.IntegerField(allow_null=True, help_text=_("The preview's: null when there was none."))
    correct_latest = serializers.BooleanField(
        default=False, help_text=_("This publication corrects the latest publication of this kind")
    )
    correction_reason = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)


@organiser_component
class PublicationSerializer(serializers.Serializer[Publication]):
    id = serializers.IntegerField()
    year = serializers.IntegerField(source="edition.year")
    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField()
    digest = serializers.CharField()
    data_version = serializers.IntegerField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    correction_reason = serializers.CharField()


@organiser_component
class ProgressSerializer(serializers.Serializer[Any]):
    """channels_app.import_jobs.Progress."""

    done = serializers.IntegerField(help_text=_("Bytes of the file read by the step under way."))
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


@organiser_component
class NewContactSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    ref = serializers.CharField()


@organiser_component
class ChangedContactSerializer(NewContactSerializer):
    changes = serializers.DictField(child=serializers.ListField(), help_text=_("{column: [old, new]}"))


@organiser_component
class ProblemSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(help_text=_("(row): the row as a whole."))
    reason = serializers.CharField()


@organiser_component
class ReportSerializer(serializers.Serializer[Any]):
    """The check's report (what the import would do) or the import's (what it did); `problems` when it was refused."""

    new_contacts = NewContactSerializer(many=True)
    changed_contacts = ChangedContactSerializer(many=True)
    new_judges = serializers.ListField(child=serializers.CharField(), help_text=_("Usernames it adds as judges."))
    problems = ProblemSerializer(many=True)
    omitted = serializers.IntegerField(help_text=_("Problems not listed, past the report's limit."))


@organiser_component
class ImportJobSerializer(serializers.Serializer[Any]):
    """An import job as channels_app.import_jobs keeps it (read from api.organiser.imports.job_document)."""

    id = serializers.IntegerField()
    year = serializers.IntegerField()
    name = serializers.CharField(help_text=_("As it was uploaded."))
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    state = serializers.ChoiceField(choices=ImportJobState.choices)
    state_label = serializers.CharField()
    running = serializers.BooleanField(help_text=_("Whether a step is still to come or under way: poll until it is not."))
    uploaded_by = serializers.CharField()
    reason = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()
    checked_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer()


@organiser_component
class ImportJobDetailSerializer(ImportJobSerializer):
    report = ReportSerializer(allow_null=True, help_text=_("null until the check has ended."))


@organiser_component
class UploadSerializer(serializers.Serializer[Any]):
    """A contacts.csv of docs/bundle-format.md, as multipart/form-data."""

    file = serializers.FileField(help_text=_("UTF-8, comma-separated, with a header row, as in the bundle format."))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Required once the edition's final results are published; kept in each changed contact's history."),
    )
