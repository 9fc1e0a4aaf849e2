"""Reads of editions, publications and roles for the public pages, the API and the organisers' admin."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from award.models import Channel, Edition, Membership, Participant, Publication, PublicationKind
from award.roles import JUDGES, ORGANISERS
from scoring.models import ChannelStanding, OverallStanding


def published_editions() -> QuerySet[Edition]:
    """Editions with at least one publication, newest year first, flagged per kind."""
    of_kind = {kind: Publication.objects.filter(edition=OuterRef("pk"), kind=kind) for kind in PublicationKind.values}
    return (
        Edition.objects.annotate(has_interim=Exists(of_kind["interim"]), has_final=Exists(of_kind["final"]))
        .filter(Exists(Publication.objects.filter(edition=OuterRef("pk"))))
        .order_by("-year")
    )


def latest_publication(*, year: int, kind: str) -> Publication | None:
    return (
        Publication.objects.filter(edition__year=year, kind=kind)
        .select_related("edition")
        .order_by("-published_at", "-pk")
        .first()
    )


def publication_document(publication: Publication) -> dict[str, Any]:
    """results-api.md: the payload with its digest. Publications never change, so cache by digest."""
    key = f"publication-document:{publication.pk}:{publication.digest}"
    document = cache.get(key)
    if document is None:
        document = json.loads(publication.payload) | {"digest": publication.digest}
        cache.set(key, document, timeout=None)
    return document


def edition_publications(*, year: int) -> QuerySet[Publication]:
    return Publication.objects.filter(edition__year=year).order_by("published_at", "pk")


# Roles ------------------------------------------------------------------


class UserRole(models.TextChoices):
    """DESIGN.md's roles table, as an account's groups and staff flag give them."""

    ORGANISER = "organiser", _("Organiser")
    JUDGE = "judge", _("Judge")
    COMPANY = "company", _("Company user (no admin access)")


def user_role(user: Any) -> str:
    """The role of an account: its role group, else organiser for a superuser, else company user."""
    names = set(user.groups.filter(name__in=[ORGANISERS, JUDGES]).values_list("name", flat=True))
    if ORGANISERS in names:
        return UserRole.ORGANISER
    if JUDGES in names:
        return UserRole.JUDGE
    return UserRole.ORGANISER if user.is_superuser else UserRole.COMPANY


def user_is_organiser(user: Any) -> bool:
    """Organisers do everything in the admin (DESIGN.md); superusers count as organisers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ORGANISERS).exists()


def users_with_roles(users: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate in_organisers, in_judges and has_membership without a query per account."""
    in_group = {name: Exists(Group.objects.filter(user=OuterRef("pk"), name=name)) for name in (ORGANISERS, JUDGES)}
    return users.annotate(
        in_organisers=in_group[ORGANISERS],
        in_judges=in_group[JUDGES],
        has_membership=Exists(Membership.objects.filter(user=OuterRef("pk"))),
    )


# The organiser's overview of an edition -------------------------------------


@dataclass(frozen=True)
class ChannelLine:
    """One participant in one channel it offers, as the standings hold it."""

    channel: str
    label: str
    contacts: int  # counted: submitted, not voided
    minimum: int
    qualified: bool
    total: Decimal | None
    rank: int | None

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.contacts)


@dataclass(frozen=True)
class ParticipantLine:
    participant_id: int
    name: str
    cells: list[ChannelLine | None]  # one per channel of the edition's table; None where not offered
    contacts: int
    overall: Decimal | None
    qualified: bool
    class_rank: int | None
    edition_rank: int | None
    offers_none: bool


@dataclass(frozen=True)
class ClassBlock:
    name: str
    participants: list[ParticipantLine]

    @property
    def ranked(self) -> int:
        return sum(1 for line in self.participants if line.class_rank is not None)


@dataclass(frozen=True)
class EditionOverview:
    edition: Edition
    channels: list[tuple[str, str]]  # (code, label) of every channel some participant offers
    classes: list[ClassBlock]

    @property
    def participants(self) -> int:
        return sum(len(block.participants) for block in self.classes)

    @property
    def ranked(self) -> int:
        return sum(block.ranked for block in self.classes)


def edition_overview(*, edition: Edition) -> EditionOverview:
    """Every participant by class, each channel it offers against the minimum, and its live ranks.

    Reads the standings as they are (bring them current first); a fixed number
    of queries however many participants and contacts there are.
    """
    minimum = edition.min_contacts_per_channel
    participants = list(
        Participant.objects.filter(edition=edition).select_related("award_class").with_channels().order_by("name", "pk")
    )
    channel_standings = {(s.participant_id, s.channel): s for s in ChannelStanding.objects.filter(edition=edition)}
    overall_standings = {s.participant_id: s for s in OverallStanding.objects.filter(edition=edition)}
    offered = {channel for participant in participants for channel in participant.channels}
    channels = [(channel.value, str(channel.label)) for channel in Channel if channel.value in offered]

    lines_by_class: dict[str, list[ParticipantLine]] = {name: [] for name in edition.classes.values_list("name", flat=True)}
    for participant in participants:
        cells: list[ChannelLine | None] = []
        for channel, label in channels:
            if channel not in participant.channels:
                cells.append(None)
                continue
            standing = channel_standings.get((participant.pk, channel))
            cells.append(
                ChannelLine(
                    channel=channel,
                    label=label,
                    contacts=standing.contacts if standing else 0,
                    minimum=minimum,
                    qualified=bool(standing and standing.qualified),
                    total=standing.total if standing else None,
                    rank=standing.rank if standing else None,
                )
            )
        overall = overall_standings.get(participant.pk)
        lines_by_class.setdefault(participant.award_class.name, []).append(
            ParticipantLine(
                participant_id=participant.pk,
                name=participant.name,
                cells=cells,
                contacts=overall.contacts if overall else 0,
                overall=overall.overall if overall else None,
                qualified=bool(overall and overall.qualified),
                class_rank=overall.class_rank if overall else None,
                edition_rank=overall.edition_rank if overall else None,
                offers_none=not participant.channels,
            )
        )
    classes = [ClassBlock(name, lines) for name, lines in sorted(lines_by_class.items(), key=lambda item: item[0].casefold())]
    return EditionOverview(edition=edition, channels=channels, classes=classes)


# The public pages -------------------------------------------------------------

# The pages read a payload through publication_document (cached by digest), so the
# row lookups that run on every request leave the big text columns in the database.
_PUBLIC_DEFERRED = ("payload", "inputs", "supersedes__payload", "supersedes__inputs")


def public_publications() -> QuerySet[Publication]:
    """Publications with their edition and the one each corrects, in one query, without payloads or inputs."""
    return Publication.objects.select_related("edition", "supersedes").defer(*_PUBLIC_DEFERRED)


def newest_publication() -> Publication | None:
    """The home page's publication: the newest edition's latest final, else its latest interim (one query)."""
    final_first = models.Case(models.When(kind=PublicationKind.FINAL, then=models.Value(0)), default=models.Value(1))
    return public_publications().order_by("-edition__year", final_first, "-published_at", "-pk").first()


def public_latest_publication(*, year: int, kind: str) -> Publication | None:
    """latest_publication for a page: the same row, without the payload until the page cache misses."""
    return public_publications().filter(edition__year=year, kind=kind).order_by("-published_at", "-pk").first()


def public_edition_publications(*, year: int) -> list[Publication]:
    """Every publication of an edition, oldest first, with its edition and the one it corrects (one query)."""
    return list(public_publications().filter(edition__year=year).order_by("published_at", "pk"))


def class_slugs(*, year: int) -> dict[str, str]:
    """Class name -> slug of an edition, for the addresses of the class badges (one query)."""
    from award.models import AwardClass  # here, so that the module's imports above stay as they were

    return dict(AwardClass.objects.filter(edition__year=year).values_list("name", "slug"))
