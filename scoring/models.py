"""Standings: derived data, replaced wholesale by each rescoring of an edition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from award.fields import ScoreField
from award.models import Channel, Edition, Participant
from channels_app.models import Question


class ChannelStanding(models.Model):
    """scoring.md §2 and §4: one participant in one channel it offers."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="channel_standings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="channel_standings")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    contacts = models.PositiveIntegerField(_("contacts"))
    # The sum of the counted contacts' scores in ten-thousandths: the overall score is summed from it (scoring.md §3).
    units = models.BigIntegerField(_("sum of the contact scores (ten-thousandths)"), default=0)
    unanswered = models.PositiveIntegerField(_("unanswered"))
    total = ScoreField(_("total"), null=True)
    answered = ScoreField(_("answered only"), null=True)
    bot_share = ScoreField(_("share handled by a chatbot (%)"), null=True)
    qualified = models.BooleanField(_("qualified"))
    rank = models.PositiveIntegerField(_("rank"), null=True)

    class Meta:
        ordering = ["edition", "channel", "rank", "participant__name"]
        verbose_name = _("channel standing")
        verbose_name_plural = _("channel standings")
        constraints = [models.UniqueConstraint(fields=["participant", "channel"], name="channel_standing_unique")]
        indexes = [models.Index(fields=["edition", "channel", "rank"])]

    def __str__(self) -> str:
        return f"{self.participant} {self.channel}: {self.total}"


class OverallStanding(models.Model):
    """scoring.md §3 and §4: one participant across its channels."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="overall_standings")
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="overall_standing")
    contacts = models.PositiveIntegerField(_("contacts"))
    overall = ScoreField(_("overall"), null=True)
    qualified = models.BooleanField(_("qualified"))
    class_rank = models.PositiveIntegerField(_("rank in class"), null=True)
    edition_rank = models.PositiveIntegerField(_("rank in edition"), null=True)

    class Meta:
        ordering = ["edition", "edition_rank", "participant__name"]
        verbose_name = _("overall standing")
        verbose_name_plural = _("overall standings")
        indexes = [models.Index(fields=["edition", "edition_rank"])]

    def __str__(self) -> str:
        return f"{self.participant}: {self.overall}"


class ScoringState(models.Model):
    """Which data version of an edition its standings reflect; its row is the rescoring lock."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="scoring_state")
    scored_version = models.BigIntegerField(_("scored data version"), default=-1)
    rescored_at = models.DateTimeField(_("rescored at"), null=True)
    runs = models.PositiveBigIntegerField(_("rescorings run"), default=0)

    class Meta:
        verbose_name = _("scoring state")
        verbose_name_plural = _("scoring states")

    def __str__(self) -> str:
        return f"{self.edition.year}: version {self.scored_version}"


class QuestionPoints(models.Model):
    """scoring.md §1's points of one participant on one scored question, summed over its counted contacts.

    Derived data, kept current by the rescoring (scoring.points): the answers that are not N/A on questions that
    count, of contacts that are submitted and not voided. The field's share of each performance area
    (scoring.averages.field_sums) and the dashboard's own are read from here, never from the answers.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="question_points")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    given = models.BigIntegerField(_("points given"))
    possible = models.BigIntegerField(_("points possible"))
    answers = models.PositiveIntegerField(_("contacts that answered it"))

    class Meta:
        verbose_name = _("points per question")
        verbose_name_plural = _("points per question")
        constraints = [models.UniqueConstraint(fields=["participant", "question"], name="question_points_unique")]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.question_id}: {self.given} of {self.possible}"


class PointsBacklog(models.Model):
    """A participant whose QuestionPoints wait for the edition's next rescoring; no participant: the whole edition's.

    Written in the same transaction as the change it notes (award.services.edition_data_changed), one row a change,
    so a rescoring that clears the rows it read never clears one whose change it did not see.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        verbose_name = _("points waiting for a rescoring")
        verbose_name_plural = _("points waiting for a rescoring")

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.participant_id or 'all'}"
