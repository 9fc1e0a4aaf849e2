"""From per-channel tallies to ranked results; pure, no ORM.

Both ways of scoring an edition end here: the database path (scoring.services)
feeds it tallies made by GROUP BY over the stored contact scores, the
reference path (publications.inputs) feeds it tallies made contact by contact
from the raw answers. Publications (publications.payload) are built from its results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scoring import rules


@dataclass(frozen=True)
class Entrant:
    """A participant as the results see it."""

    id: int
    name: str
    class_name: str
    channels: tuple[str, ...]


@dataclass(frozen=True)
class ChannelTally:
    """Counts and sums over the counted contacts of one participant in one channel."""

    contacts: int = 0
    units: int = 0  # sum of contact scores, in ten-thousandths
    answered_contacts: int = 0
    answered_units: int = 0
    bot_contacts: int = 0  # answered and handled by a chatbot (with or without an agent after)

    def add(self, *, score: Decimal, answered: bool, handled_by: str) -> ChannelTally:
        units = rules.to_units(score)
        return ChannelTally(
            contacts=self.contacts + 1,
            units=self.units + units,
            answered_contacts=self.answered_contacts + answered,
            answered_units=self.answered_units + (units if answered else 0),
            bot_contacts=self.bot_contacts + (answered and handled_by in rules.BOT_HANDLERS),
        )


@dataclass(frozen=True)
class ChannelResult:
    entrant_id: int
    channel: str
    score: rules.ChannelScore
    rank: int | None


@dataclass(frozen=True)
class OverallResult:
    entrant_id: int
    score: rules.OverallScore
    class_rank: int | None
    edition_rank: int | None


@dataclass
class EditionResults:
    year: int
    classes: list[str]
    entrants: dict[int, Entrant]
    channels: dict[tuple[int, str], ChannelResult] = field(default_factory=dict)
    overall: dict[int, OverallResult] = field(default_factory=dict)

    def offered_channels(self) -> list[str]:
        """results-api.md: a channel that no participant offers is left out."""
        offered = {channel for entrant in self.entrants.values() for channel in entrant.channels}
        return [channel for channel in rules.CHANNELS if channel in offered]

    def in_channel(self, channel: str) -> list[ChannelResult]:
        return [result for (_, result_channel), result in self.channels.items() if result_channel == channel]


def channel_score_from_tally(tally: ChannelTally, *, channel: str, min_contacts: int) -> rules.ChannelScore:
    """scoring.md §2 from sums and counts; agrees with rules.channel_score on the same contacts."""
    return rules.ChannelScore(
        contacts=tally.contacts,
        unanswered=tally.contacts - tally.answered_contacts,
        total=rules.mean_of_units(tally.units, tally.contacts),
        answered=rules.mean_of_units(tally.answered_units, tally.answered_contacts),
        bot_share=rules.share(tally.bot_contacts, tally.answered_contacts) if channel in rules.BOT_CHANNELS else None,
        qualified=tally.contacts >= min_contacts,
    )


def compute_results(
    *,
    year: int,
    classes: Iterable[str],
    entrants: Iterable[Entrant],
    tallies: Mapping[tuple[int, str], ChannelTally],
    min_contacts: int,
) -> EditionResults:
    """scoring.md §2 to §4 for a whole edition."""
    results = EditionResults(year=year, classes=list(classes), entrants={entrant.id: entrant for entrant in entrants})
    for entrant in results.entrants.values():
        for channel in entrant.channels:
            score = channel_score_from_tally(
                tallies.get((entrant.id, channel), ChannelTally()), channel=channel, min_contacts=min_contacts
            )
            results.channels[(entrant.id, channel)] = ChannelResult(entrant.id, channel, score, rank=None)

    for channel in rules.CHANNELS:
        ranks = _ranks({r.entrant_id: r.score.total for r in results.in_channel(channel) if r.score.qualified})
        for entrant_id, rank in ranks.items():
            results.channels[(entrant_id, channel)] = _with(results.channels[(entrant_id, channel)], rank=rank)

    overall_scores: dict[int, rules.OverallScore] = {}
    for entrant in results.entrants.values():
        channel_tallies = [tallies.get((entrant.id, channel), ChannelTally()) for channel in entrant.channels]
        contacts = sum(tally.contacts for tally in channel_tallies)
        overall_scores[entrant.id] = rules.OverallScore(
            contacts=contacts,
            overall=rules.mean_of_units(sum(tally.units for tally in channel_tallies), contacts) if entrant.channels else None,
            # scoring.md §3: qualified when every offered channel is; no channel, no overall score.
            qualified=bool(entrant.channels) and all(results.channels[(entrant.id, c)].score.qualified for c in entrant.channels),
        )
    qualified = {entrant_id: score.overall for entrant_id, score in overall_scores.items() if score.qualified}
    edition_ranks = _ranks(qualified)
    class_ranks: dict[int, int] = {}
    for class_name in results.classes:
        class_ranks |= _ranks({i: s for i, s in qualified.items() if results.entrants[i].class_name == class_name})
    for entrant_id, overall_score in overall_scores.items():
        results.overall[entrant_id] = OverallResult(
            entrant_id, overall_score, class_ranks.get(entrant_id), edition_ranks.get(entrant_id)
        )
    return results


def _ranks(scores: Mapping[int, Decimal | None]) -> dict[int, int]:
    return rules.competition_ranks({key: score for key, score in scores.items() if score is not None})


def _with(result: ChannelResult, *, rank: int) -> ChannelResult:
    return ChannelResult(result.entrant_id, result.channel, result.score, rank)


def field_average(results: EditionResults, channel: str) -> Decimal | None:
    """scoring.md §5: everyone with at least one counted contact in the channel, qualified or not."""
    return rules.field_average(
        [r.score.total for r in results.in_channel(channel) if r.score.contacts > 0 and r.score.total is not None]
    )
