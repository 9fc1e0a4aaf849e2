"""Publications: frozen, immutable snapshots of an edition's results (docs/scoring.md §6)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from award.models import Edition


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

    def newest_first(self) -> PublicationQuerySet:
        """Newest first: by moment of publishing, then by id (two in the same second)."""
        return self.order_by("-published_at", "-pk")


class Publication(models.Model):
    """A frozen snapshot of an edition's results: canonical JSON and its SHA-256."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="publications", verbose_name=_("edition"))
    kind = models.CharField(_("kind"), max_length=16, choices=PublicationKind.choices)
    published_at = models.DateTimeField(_("published at"))
    payload = models.TextField(_("payload"), help_text=_("Canonical JSON: keys sorted, UTF-8, no insignificant white space."))
    digest = models.CharField(_("digest"), max_length=80, db_index=True)
    data_version = models.PositiveBigIntegerField(_("data version"))
    # The sha256 of what the payload was computed from (publications.inputs.edition_inputs) as canonical JSON, which
    # PublishedInputs keeps: verify_publication recomputes the payload from it.
    inputs_digest = models.CharField(_("digest of the inputs"), max_length=80, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", verbose_name=_("corrects")
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    # The chain of the edition's publications: the link of the one before (empty for the first), and this one's link,
    # the sha256 of that with this publication's digests (publications.chain). Altering or removing a publication
    # breaks every link after it; the archive lists the links so that anyone can keep a copy.
    previous_link = models.CharField(_("link of the previous publication"), max_length=80, blank=True)
    link = models.CharField(_("link"), max_length=80, blank=True)
    # The publisher's username as it was, kept as text: deleting or renaming the account never touches this row.
    published_by = models.CharField(_("published by"), max_length=150, blank=True)

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

    @property
    def published_iso(self) -> str:
        """The publication time as the chain writes it (UTC, to the second)."""
        return self.published_at.astimezone(UTC).replace(microsecond=0).isoformat()


class PublishedAveragesQuerySet(models.QuerySet["PublishedAverages"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Published averages are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published averages are immutable.")


class PublishedAverages(models.Model):
    """The sums behind the averages companies see on their dashboards, frozen with a publication (scoring.averages).

    Made in the same transaction as its publication and, like it, never changed: the dashboard's field and class
    averages move only from one publication to the next.
    """

    publication = models.OneToOneField(
        Publication, primary_key=True, on_delete=models.PROTECT, related_name="averages", verbose_name=_("publication")
    )
    # scoring.averages.FieldSums.to_json: lists of channel codes, class ids, area names and integer sums.
    sums = models.JSONField(_("sums"))

    objects = PublishedAveragesQuerySet.as_manager()

    class Meta:
        verbose_name = _("published averages")
        verbose_name_plural = _("published averages")

    def __str__(self) -> str:
        return f"averages of {self.publication_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Published averages are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published averages are immutable.")


class PublishedInputsQuerySet(models.QuerySet["PublishedInputs"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Published inputs are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published inputs are immutable.")


class PublishedInputs(models.Model):
    """What a publication was computed from (publications.inputs), frozen with it and, like it, never changed.

    Kept apart from the publication so that nothing that shows it reads them: the contacts are hundreds of megabytes
    at a million contacts, the participants' names and ids, which pages need, a few kilobytes.
    """

    publication = models.OneToOneField(
        Publication, primary_key=True, on_delete=models.PROTECT, related_name="frozen_inputs", verbose_name=_("publication")
    )
    # The inputs' own participants: [id, name, class name, channels], by id (the names the results were published under).
    participants = models.JSONField(_("participants"))
    # The canonical JSON of the inputs compressed with zlib; its sha256 is the publication's inputs_digest.
    packed = models.BinaryField(_("the counted contacts and their answers (compressed)"))

    objects = PublishedInputsQuerySet.as_manager()

    class Meta:
        verbose_name = _("published inputs")
        verbose_name_plural = _("published inputs")

    def __str__(self) -> str:
        return f"inputs of {self.publication_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Published inputs are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published inputs are immutable.")
