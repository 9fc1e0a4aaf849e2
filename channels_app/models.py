"""Questionnaires, contacts and their answers, judges' conflicts of interest, and the admin's import jobs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Source
from award.fields import ScoreField
from award.models import Channel, Edition, Participant
from channels_app.plan_rules import DEFAULT_CONTACTS, DEFAULT_KEY, DEFAULT_MAX_JUDGE_SHARE, DEFAULT_WINDOW
from channels_app.rules import IMPORT_VOID_REASON, MAX_AREA, MAX_KEY, MAX_REF, MAX_TEXT
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
    # scoring.md §1, rounded to 4 decimals when the contact is saved; 0 when unanswered (and for a draft not yet complete).
    score = ScoreField(_("score"))
    # Its answers as a publication freezes them (publications.inputs): [[question id, points], ...] by question id, as
    # canonical JSON, written with the answers (answers_frozen) so that publishing never joins millions of answers.
    answers_frozen = models.TextField(_("answers as published"), default="[]", editable=False)
    unchosen = models.JSONField(
        _("questions not answered yet"),
        default=list,
        blank=True,
        help_text=_("A draft's questions with neither points nor N/A chosen: it cannot be submitted until there are none."),
    )
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
            # A participant's contacts oldest first, a page at a time (the company dashboard's list).
            models.Index(fields=["participant", "happened_at", "id"], name="contact_participant_oldest"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def counted(self) -> bool:
        return self.status == ContactStatus.SUBMITTED and not self.voided

    @property
    def void_reason_text(self) -> str:
        """The reason for voiding as the reader reads it: the import's own reason translated, a person's as written."""
        return gettext(IMPORT_VOID_REASON) if self.void_reason == IMPORT_VOID_REASON else self.void_reason


def answers_frozen(points: Iterable[tuple[int, int | None]]) -> str:
    """A contact's answers (question id, points or None for N/A) as Contact.answers_frozen holds them."""
    return "[" + ",".join(f"[{question},{'null' if given is None else given}]" for question, given in sorted(points)) + "]"


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


class ImportJobState(models.TextChoices):
    """uploaded → checking → checked | refused; checked → confirmed → importing → done | failed (any step may fail)."""

    UPLOADED = "uploaded", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    REFUSED = "refused", _("Refused")
    CONFIRMED = "confirmed", _("Waiting to be imported")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING_STATES = (ImportJobState.UPLOADED, ImportJobState.CHECKING, ImportJobState.CONFIRMED, ImportJobState.IMPORTING)


def import_file_path(job: ImportJob, filename: str) -> str:
    """Where an uploaded file is kept (private storage): a random name, since the uploader's is only a label."""
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.csv"


class ImportJob(models.Model):
    """A contacts.csv uploaded in the admin: its file, the check's report, the confirmation and the import's report.

    The file stays in the default storage (MEDIA_ROOT, served by no URL) so that a
    worker can read it and the job can be looked at later; the reports are
    ImportSummary.as_json() or BundleError.as_json() (channels_app.bundle.format).
    """

    file = models.FileField(_("file"), upload_to=import_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255, help_text=_("As it was uploaded."))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("edition"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    uploaded_by_name = models.CharField(
        _("uploaded by (username)"), max_length=150, help_text=_("Kept if the account is deleted.")
    )
    reason = models.TextField(_("reason for the changes"), blank=True)
    # The way in it came through (the admin's upload page, or the API): the imported contacts' history says so.
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ADMIN)
    language = models.CharField(
        _("language"),
        max_length=16,
        default=settings.LANGUAGE_CODE,
        help_text=_("The uploader's: the reports are in it."),
    )
    state = models.CharField(_("state"), max_length=16, choices=ImportJobState.choices, default=ImportJobState.UPLOADED)
    # Written when a step starts and ends; while the import runs inside its transaction, the cache has the progress.
    bytes_done = models.PositiveBigIntegerField(_("bytes done"), default=0)
    bytes_total = models.PositiveBigIntegerField(_("bytes in all"), default=0)
    check_report = models.JSONField(_("check's report"), null=True, blank=True)
    import_report = models.JSONField(_("import's report"), null=True, blank=True)
    # The last report's counts, small enough for the list of jobs: new, changed, unchanged; or bad_rows, problems, omitted.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True, help_text=_("Why the job failed, for the developers."))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("step started at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportJobState.values), name="import_job_state_known"),
        ]
        indexes = [models.Index(fields=["state", "started_at"], name="import_job_state")]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition_id}, {self.state})"

    @property
    def running(self) -> bool:
        """Whether a task is still to come or under way (the status page polls until it is not)."""
        return self.state in RUNNING_STATES

    @property
    def changes_anything(self) -> bool:
        """Whether the check found contacts to create or change (only then is there something to confirm)."""
        counts: dict[str, Any] = self.counts or {}
        return bool(counts.get("new") or counts.get("changed"))


def default_plan_key() -> dict[str, int]:
    return dict(DEFAULT_KEY)


class PlanSettings(models.Model):
    """How an edition's contacts are planned: contacts per participant, the distribution key, the testing window."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="plan_settings", verbose_name=_("edition"))
    contacts_per_participant = models.PositiveSmallIntegerField(_("contacts per participant"), default=DEFAULT_CONTACTS)
    key = models.JSONField(
        _("distribution key"),
        default=default_plan_key,
        help_text=_("A share per channel; a channel a participant does not offer gives its share to the others."),
    )
    window_opens = models.TimeField(_("testing window opens"), default=DEFAULT_WINDOW[0])
    window_closes = models.TimeField(_("testing window closes"), default=DEFAULT_WINDOW[1])
    max_judge_share = models.PositiveSmallIntegerField(
        _("most of one participant's contacts for one judge (%)"), default=DEFAULT_MAX_JUDGE_SHARE
    )
    closed_days = models.JSONField(
        _("days without testing"),
        default=list,
        blank=True,
        help_text=_("Public holidays and other days off, as YYYY-MM-DD: nothing is planned on them."),
    )

    class Meta:
        verbose_name = _("plan settings")
        verbose_name_plural = _("plan settings")
        constraints = [
            models.CheckConstraint(condition=Q(max_judge_share__gte=1, max_judge_share__lte=100), name="plan_share_percent"),
            models.CheckConstraint(condition=Q(window_closes__gt=F("window_opens")), name="plan_window_opens_first"),
        ]

    def __str__(self) -> str:
        return str(self.edition)


class PlannedContact(models.Model):
    """One contact of the plan: who tests whom, in which channel and when; done once a contact is linked to it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="planned_contacts", verbose_name=_("edition"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="planned_contacts", verbose_name=_("participant")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_contacts",
        verbose_name=_("judge"),
    )
    planned_at = models.DateTimeField(_("planned at"))
    attempt = models.PositiveSmallIntegerField(
        _("try"), default=1, help_text=_("2: the second try of an unanswered call or chat.")
    )
    contact = models.OneToOneField(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_entry", verbose_name=_("contact")
    )

    class Meta:
        ordering = ["planned_at", "pk"]
        verbose_name = _("planned contact")
        verbose_name_plural = _("planned contacts")
        constraints = [
            models.CheckConstraint(condition=Q(attempt__in=[1, 2]), name="planned_contact_try_1_or_2"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="planned_contact_channel_known"),
        ]
        indexes = [models.Index(fields=["edition", "judge", "planned_at"]), models.Index(fields=["edition", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant} · {self.channel} · {self.planned_at:%Y-%m-%d %H:%M}"

    @property
    def done(self) -> bool:
        return self.contact_id is not None


class JudgeCapacity(models.Model):
    """How many contacts a judge can make in a week of an edition; a judge without one has no limit."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="judge_capacities", verbose_name=_("edition"))
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("judge")
    )
    per_week = models.PositiveSmallIntegerField(_("contacts a week"))

    class Meta:
        verbose_name = _("judge's capacity")
        verbose_name_plural = _("judges' capacities")
        constraints = [models.UniqueConstraint(fields=["edition", "judge"], name="capacity_once_per_judge")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.per_week}"


# The award's limits (Kundeserviceprisen's method): phone and chat 5 minutes, Messenger 30 minutes, e-mail 3 working
# days. A new edition starts with them (channels_app.services.wait_rules_default); an imported one has its own data.
DEFAULT_WAIT_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "phone": (5 * 60, None),
    "email": (None, 3),
    "chat": (5 * 60, None),
    "messenger": (30 * 60, None),
}


class WaitRule(models.Model):
    """A channel's waiting time in an edition: the limit past which a contact counts as unanswered, and the optional
    bands that score its waiting-time question from the wait (docs/waiting-time.md)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="wait_rules", verbose_name=_("edition"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    limit_seconds = models.PositiveIntegerField(
        _("limit (seconds)"), null=True, blank=True, help_text=_("Longer than this, the contact counts as unanswered.")
    )
    limit_working_days = models.PositiveSmallIntegerField(
        _("limit (working days)"), null=True, blank=True, help_text=_("For e-mail: the reply must come within this.")
    )
    question_key = models.CharField(
        _("waiting-time question"),
        max_length=MAX_KEY,
        blank=True,
        help_text=_(
            "The key of the channel's waiting-time question in its questionnaire, scored by the bands; "
            "empty: the judge scores it."
        ),
    )
    bands = models.JSONField(
        _("points bands"),
        default=list,
        blank=True,
        help_text=_("[[seconds, points], ...], the seconds rising: a wait up to a band's seconds earns its points."),
    )

    class Meta:
        verbose_name = _("waiting-time rule")
        verbose_name_plural = _("waiting-time rules")
        ordering = ["edition", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "channel"], name="wait_rule_once_per_channel"),
            models.CheckConstraint(
                condition=Q(limit_seconds__isnull=True) | Q(limit_working_days__isnull=True), name="wait_rule_one_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.get_channel_display()}"


class OpeningHours(models.Model):
    """When a participant can be tested, where it differs from the plan's testing window (a shop that opens at 10)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("participant")
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_hours_open_first")]

    def __str__(self) -> str:
        return f"{self.participant}: {self.opens:%H:%M}-{self.closes:%H:%M}"
