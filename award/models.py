"""The year's frame: editions, classes, participants, the channels they offer, and memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from award.rules import MAX_NAME


class Channel(models.TextChoices):
    # The order here is the order everywhere: phone first (docs/architecture.md).
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    MESSENGER = "messenger", _("Messenger")


CHANNEL_ORDER = tuple(Channel.values)  # computed once: an enum's .values is built anew on each use


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=MAX_NAME)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    min_contacts_per_channel = models.PositiveSmallIntegerField(_("minimum contacts per channel"), default=3)
    publish_rankings = models.BooleanField(
        _("publish full class rankings"), default=True, help_text=_("Show each class's full ranking on the final results page.")
    )
    # Bumped in the same transaction as every write that changes scores;
    # scoring.ScoringState.scored_version says which version the standings reflect.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)
    # Set, in the same transaction, by the edition's first final publication (publications.services):
    # from then on contacts are locked for everyone but organisers, who give a reason.
    final_published_at = models.DateTimeField(_("final results published at"), null=True, blank=True, editable=False)
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

    @property
    def is_final(self) -> bool:
        """Whether its final results are published (docs/architecture.md: then contacts are locked)."""
        return self.final_published_at is not None


class AwardClass(models.Model):
    """A class (an industry) of one edition; every participant is in exactly one."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="classes", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=MAX_NAME)
    slug = models.SlugField(_("slug"), max_length=MAX_NAME)

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
    name = models.CharField(_("name"), max_length=MAX_NAME)

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
        # The prefetch's list itself when there is one: .all() would build a new queryset on each call (an import checks
        # thousands of rows against the same participants).
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("offered_channels")
        offers = prefetched if prefetched is not None else self.offered_channels.all()
        codes = {offer.channel for offer in offers}
        return [channel for channel in CHANNEL_ORDER if channel in codes]


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


class ApiTokenScope(models.TextChoices):
    """What a personal API token may do (docs/api.md): read answers GET, HEAD and OPTIONS; write every other method."""

    READ = "read", _("read")
    WRITE = "write", _("write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired, of an active account."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A personal API token: its owner's rights, narrowed to its scopes, until it expires or is revoked.

    Only the SHA-256 of the secret is kept (award/accounts/tokens.py): the secret is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for, such as “Phone of judge Kari”."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("ends with"), max_length=8, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"
