"""Questionnaires, contacts and their answers, and judges' conflicts of interest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from award.fields import ScoreField
from award.models import Channel, Edition, Participant
from channels_app.rules import MAX_AREA, MAX_KEY, MAX_REF, MAX_TEXT
from scoring.rules import BOT_CHANNELS


class HandledBy(models.TextChoices):
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Chatbot")
    BOT_TO_AGENT = "bot_to_agent", _("Chatbot, then agent")


class Question(models.Model):
    """One item of a channel's questionnaire in an edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions", verbose_name=_("edition"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    key = models.SlugField(_("key"), max_length=MAX_KEY)
    text = models.CharField(_("text"), max_length=MAX_TEXT)
    area = models.CharField(_("performance area"), max_length=MAX_AREA)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    counts = models.BooleanField(
        _("counts"), default=True, help_text=_("Off for customer-experience questions that are recorded but never scored.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "channel", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "channel", "key"], name="question_key_unique_in_channel"),
            models.CheckConstraint(condition=Q(max_points__gte=1), name="question_max_points_positive"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="question_channel_known"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}.{self.key}"


class ContactStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ContactQuerySet(models.QuerySet["Contact"]):
    def counted(self) -> ContactQuerySet:
        """scoring.md §1: submitted and not voided."""
        return self.filter(status=ContactStatus.SUBMITTED, voided=False)


class Contact(models.Model):
    """One anonymous test contact made by a judge, with its stored score."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("edition"))
    ref = models.CharField(_("reference"), max_length=MAX_REF, help_text=_("Unique within the edition."))
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("participant"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("judge")
    )
    happened_at = models.DateTimeField(_("happened at"))
    answered = models.BooleanField(_("answered"))
    wait_seconds = models.PositiveIntegerField(_("wait (seconds)"), null=True, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=16, choices=HandledBy.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ContactStatus.choices, default=ContactStatus.DRAFT)
    voided = models.BooleanField(_("voided"), default=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    # scoring.md §1, rounded to 4 decimals when the contact is saved; 0 when unanswered.
    score = ScoreField(_("score"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["edition", "ref"], name="contact_ref_unique_in_edition"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="contact_channel_known"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="contact_score_in_range"),
            models.CheckConstraint(condition=Q(answered=True) | Q(score=0), name="contact_unanswered_scores_zero"),
            models.CheckConstraint(condition=Q(voided=False) | ~Q(void_reason=""), name="contact_void_has_reason"),
            # scoring.md: handled_by is always `agent` outside the chatbot channels.
            models.CheckConstraint(
                condition=Q(handled_by__in=["", HandledBy.AGENT]) | Q(channel__in=BOT_CHANNELS), name="contact_bot_only_in_chat"
            ),
        ]
        # The admin's changelist filters on these and orders by -happened_at, -id (100,000 contacts a year and more).
        indexes = [
            models.Index(fields=["edition", "participant", "channel"]),
            models.Index(fields=["edition", "status", "voided"]),
            models.Index(fields=["judge", "happened_at"]),
            models.Index(fields=["-happened_at", "-id"], name="contact_newest_first"),
            models.Index(fields=["edition", "-happened_at"], name="contact_edition_newest"),
            models.Index(fields=["channel", "-happened_at"], name="contact_channel_newest"),
            models.Index(fields=["status", "voided", "answered"], name="contact_state"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def counted(self) -> bool:
        return self.status == ContactStatus.SUBMITTED and not self.voided


class Answer(models.Model):
    """Points given to one question of a contact; points None is N/A."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    points = models.PositiveSmallIntegerField(_("points"), null=True, blank=True)
    # The question's maximum, copied so the database itself keeps points in range;
    # channels_app.questionnaire.question_upsert keeps it in step with the question.
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["contact", "question"], name="answer_unique_per_question"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | (Q(points__gte=0) & Q(points__lte=models.F("max_points"))),
                name="answer_points_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}/{self.question_id}: {self.points}"


class JudgeConflict(models.Model):
    """A judge's declared conflict of interest with a participant: no contacts for it."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("judge")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("participant")
    )
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["judge", "participant"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.judge} ≠ {self.participant}"
