"""Reads of standings and of what the results are computed from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, Count, Q, Sum
from django.db.models.functions import Cast

from award.models import Channel, Edition, Participant
from channels_app.models import Contact
from scoring import rules
from scoring.models import ChannelStanding, OverallStanding
from scoring.results import ChannelResult, ChannelTally, EditionResults, Entrant, OverallResult


def edition_entrants(*, edition: Edition) -> list[Entrant]:
    participants = Participant.objects.filter(edition=edition).select_related("award_class").with_channels()
    return [Entrant(p.id, p.name, p.award_class.name, tuple(p.channels)) for p in participants]


def edition_class_names(*, edition: Edition) -> list[str]:
    return list(edition.classes.values_list("name", flat=True))


def edition_tallies(*, edition: Edition) -> dict[tuple[int, str], ChannelTally]:
    """Counts and sums of the counted contacts per participant and channel, in one GROUP BY."""
    answered = Q(answered=True)
    # Sum over the raw integer column: exact on SQLite and PostgreSQL alike
    # (PostgreSQL's SUM(bigint) is numeric, hence the cast back).
    units = Cast(Sum(Cast("score", BigIntegerField())), BigIntegerField())
    answered_units = Cast(Sum(Cast("score", BigIntegerField()), filter=answered), BigIntegerField())
    rows = (
        Contact.objects.counted()
        .filter(edition=edition)
        .values("participant_id", "channel")
        .annotate(
            contacts=Count("id"),
            units=units,
            answered_contacts=Count("id", filter=answered),
            answered_units=answered_units,
            bot_contacts=Count("id", filter=answered & Q(handled_by__in=rules.BOT_HANDLERS)),
        )
        .order_by()
    )
    return {
        (row["participant_id"], row["channel"]): ChannelTally(
            contacts=row["contacts"],
            units=int(row["units"] or 0),
            answered_contacts=row["answered_contacts"],
            answered_units=int(row["answered_units"] or 0),
            bot_contacts=row["bot_contacts"],
        )
        for row in rows
    }


def edition_results(*, edition: Edition) -> EditionResults:
    """The results as the standings tables hold them (what publications freeze)."""
    results = EditionResults(
        year=edition.year,
        classes=edition_class_names(edition=edition),
        entrants={entrant.id: entrant for entrant in edition_entrants(edition=edition)},
    )
    for standing in ChannelStanding.objects.filter(edition=edition):
        score = rules.ChannelScore(
            contacts=standing.contacts,
            unanswered=standing.unanswered,
            total=standing.total,
            answered=standing.answered,
            bot_share=standing.bot_share,
            qualified=standing.qualified,
        )
        results.channels[(standing.participant_id, standing.channel)] = ChannelResult(
            standing.participant_id, standing.channel, score, standing.rank
        )
    for overall_standing in OverallStanding.objects.filter(edition=edition):
        overall_score = rules.OverallScore(
            contacts=overall_standing.contacts, overall=overall_standing.overall, qualified=overall_standing.qualified
        )
        results.overall[overall_standing.participant_id] = OverallResult(
            overall_standing.participant_id, overall_score, overall_standing.class_rank, overall_standing.edition_rank
        )
    return results


# The organisers' overview of an edition: live standings (never for judges, companies or the public) ----------


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
