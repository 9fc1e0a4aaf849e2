"""Reads of standings and of what the results are computed from."""

from __future__ import annotations

from django.db.models import BigIntegerField, Count, Q, Sum
from django.db.models.functions import Cast

from award.models import Edition, Participant
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
    for standing in OverallStanding.objects.filter(edition=edition):
        score = rules.OverallScore(contacts=standing.contacts, overall=standing.overall, qualified=standing.qualified)
        results.overall[standing.participant_id] = OverallResult(
            standing.participant_id, score, standing.class_rank, standing.edition_rank
        )
    return results
