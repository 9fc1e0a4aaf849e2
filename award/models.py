"""Editions, classes, participants, memberships and publications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    # The order here is the order everywhere: phone first (DESIGN.md).
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    MESSENGER = "messenger", _("Messenger")


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    min_contacts_per_channel = models.PositiveSmallIntegerField(_("minimum contacts per channel"), default=3)
    publish_rankings = models.BooleanField(
        _("publish full class rankings"), default=True, help_text=_("Show each class's full ranking on the final results page.")
    )
    # Bumped in the same transaction as every write that changes scores;
    # scoring.ScoringState.scored_version says which version the standings reflect.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="edition_dates_in_order"),
            models.CheckConstraint(condition=Q(min_contacts_per_channel__gte=1), name="edition_min_contacts_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class AwardClass(models.Model):
    """A class (an industry) of one edition; every participant is in exactly one."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="classes", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)

    class Meta:
        ordering = ["edition", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="class_name_unique_in_edition"),
            models.UniqueConstraint(fields=["edition", "slug"], name="class_slug_unique_in_edition"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = slugify(self.name) or "class"
        super().save(*args, **kwargs)


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def with_channels(self) -> ParticipantQuerySet:
        return self.prefetch_related("offered_channels")


class Participant(models.Model):
    """A company enrolled in one edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="participants", verbose_name=_("edition"))
    award_class = models.ForeignKey(AwardClass, on_delete=models.PROTECT, related_name="participants", verbose_name=_("class"))
    name = models.CharField(_("name"), max_length=200)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="participant_name_unique_in_edition")]

    def __str__(self) -> str:
        return self.name

    @property
    def channels(self) -> list[str]:
        """The channels it offers, in channel order (uses the prefetch when there is one)."""
        codes = {offer.channel for offer in self.offered_channels.all()}
        return [channel for channel in Channel.values if channel in codes]


class ParticipantChannel(models.Model):
    """A channel a participant offers and is tested on."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="offered_channels")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("offered channel")
        verbose_name_plural = _("offered channels")
        constraints = [
            models.UniqueConstraint(fields=["participant", "channel"], name="participant_channel_unique"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="participant_channel_known"),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_channel_display()}"


class Membership(models.Model):
    """Links a company user to the participant whose dashboard they may read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "participant"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.participant}"


class PublicationKind(models.TextChoices):
    INTERIM = "interim", _("Interim")
    FINAL = "final", _("Final")


class ImmutableError(Exception):
    """A publication was about to be changed or deleted (scoring.md §6: never changed)."""


class PublicationQuerySet(models.QuerySet["Publication"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Publications are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Publications are immutable.")

    def latest_of(self, kind: str) -> Publication | None:
        return self.filter(kind=kind).order_by("-published_at", "-pk").first()


class Publication(models.Model):
    """A frozen snapshot of an edition's results: canonical JSON and its SHA-256."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="publications", verbose_name=_("edition"))
    kind = models.CharField(_("kind"), max_length=16, choices=PublicationKind.choices)
    published_at = models.DateTimeField(_("published at"))
    payload = models.TextField(_("payload"), help_text=_("Canonical JSON: keys sorted, UTF-8, no insignificant white space."))
    digest = models.CharField(_("digest"), max_length=80, db_index=True)
    data_version = models.PositiveBigIntegerField(_("data version"))
    # What the payload was computed from (scoring.reference.edition_inputs), as canonical JSON:
    # verify_publication recomputes the payload from it.
    inputs = models.TextField(
        _("inputs"), default="", help_text=_("The counted contacts and their answers when this was published.")
    )
    inputs_digest = models.CharField(_("digest of the inputs"), max_length=80, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", verbose_name=_("corrects")
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "published_at", "pk"]
        get_latest_by = "published_at"
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PublicationKind.values), name="publication_kind_known"),
            models.CheckConstraint(condition=Q(digest__startswith="sha256:"), name="publication_digest_sha256"),
        ]
        indexes = [models.Index(fields=["edition", "kind", "published_at"])]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.get_kind_display()} {self.published_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("Publications are immutable: make a correcting publication instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Publications are immutable.")


class ChangeRecord(models.Model):
    """One change of one object: who, when, from where, and each field from which value to which."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=16, choices=Action.choices)
    changes = models.JSONField(default=dict, help_text=_("{field: [old, new]}"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=32, help_text=_("admin, import, command, api"))
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
