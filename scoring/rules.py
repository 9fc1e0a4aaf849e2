"""The scoring rules of docs/scoring.md as pure functions of plain values; importable by every app.

No ORM here (Django only to localise a score for reading): these functions are
the reference that the database path (scoring.services) is checked against, and
they are what verify_publication uses to recompute a publication from the raw
answers.

Every score is kept exact. A 4-decimal score is a Decimal in the API of this
module and an integer number of ten-thousandths ("units") inside it, so means
and roundings never go through binary floating point.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, TypeVar

from django.utils.formats import number_format  # localisation only: no ORM here

CHANNELS = ("phone", "email", "chat", "messenger")
# scoring.md: a chatbot may answer only in these channels; elsewhere handled_by is always `agent`.
BOT_CHANNELS = ("chat", "messenger")
BOT_HANDLERS = frozenset({"bot", "bot_to_agent"})
UNITS = 10_000  # ten-thousandths of a percentage point: 4 decimals
FOUR_PLACES = Decimal("0.0001")
ONE_PLACE = Decimal("0.1")

_Key = TypeVar("_Key", bound=Hashable)


class NoCountedAnswer(ValueError):
    """scoring.md §1: an answered contact needs at least one counted question answered."""


class AnswerValue(NamedTuple):
    """One answer as the score sees it (a named tuple: an import builds millions of them)."""

    points: int | None  # None is N/A
    max_points: int
    counts: bool


@dataclass(frozen=True)
class ContactValue:
    score: Decimal
    answered: bool
    handled_by: str = "agent"


@dataclass(frozen=True)
class ChannelScore:
    contacts: int
    unanswered: int
    total: Decimal | None
    answered: Decimal | None
    bot_share: Decimal | None  # percent of answered contacts, chat and messenger only
    qualified: bool


@dataclass(frozen=True)
class OverallScore:
    contacts: int
    overall: Decimal | None
    qualified: bool


def divide_half_up(numerator: int, denominator: int) -> int:
    """Integer quotient rounded half-up, for numerator >= 0 and denominator > 0."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("divide_half_up needs numerator >= 0 and denominator > 0")
    return (2 * numerator + denominator) // (2 * denominator)


def to_units(score: Decimal) -> int:
    units = Decimal(score) * UNITS
    if units != units.to_integral_value():
        raise ValueError(f"{score} has more than 4 decimals")
    return int(units)


def from_units(units: int) -> Decimal:
    return (Decimal(units) / UNITS).quantize(FOUR_PLACES)


def round4(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def contact_score(*, answered: bool, answers: Iterable[AnswerValue]) -> Decimal:
    """scoring.md §1, for a counted contact."""
    if not answered:
        return from_units(0)  # §1: an unanswered contact scores 0
    points = possible = 0
    for answer in answers:
        if answer.counts and answer.points is not None:
            points += answer.points
            possible += answer.max_points
    if possible == 0:
        raise NoCountedAnswer("an answered contact needs at least one counted question answered")
    return from_units(divide_half_up(100 * UNITS * points, possible))


def mean(scores: Sequence[Decimal]) -> Decimal | None:
    """Mean of 4-decimal scores, rounded half-up to 4 decimals; None for no scores."""
    if not scores:
        return None
    return mean_of_units(sum(to_units(score) for score in scores), len(scores))


def mean_of_units(total_units: int, count: int) -> Decimal | None:
    """The mean that the database path computes from SUM(units) and COUNT(*)."""
    if count == 0:
        return None
    return from_units(divide_half_up(total_units, count))


def channel_score(contacts: Sequence[ContactValue], *, min_contacts: int) -> ChannelScore:
    """scoring.md §2, over the counted contacts of one participant in one channel."""
    answered = [contact for contact in contacts if contact.answered]
    bots = sum(1 for contact in answered if contact.handled_by in BOT_HANDLERS)
    return ChannelScore(
        contacts=len(contacts),
        unanswered=len(contacts) - len(answered),
        total=mean([contact.score for contact in contacts]),
        answered=mean([contact.score for contact in answered]),
        bot_share=share(bots, len(answered)),
        qualified=len(contacts) >= min_contacts,
    )


def share(part: int, whole: int) -> Decimal | None:
    """part/whole as a percentage rounded half-up to 4 decimals."""
    if whole == 0:
        return None
    return from_units(divide_half_up(100 * UNITS * part, whole))


def overall_score(channels: Mapping[str, Sequence[ContactValue]], *, offered: Iterable[str], min_contacts: int) -> OverallScore:
    """scoring.md §3: every counted contact weighs the same, across the offered channels."""
    offered = list(offered)
    if not offered:
        return OverallScore(contacts=0, overall=None, qualified=False)
    scores = [contact.score for channel in offered for contact in channels.get(channel, ())]
    qualified = all(len(channels.get(channel, ())) >= min_contacts for channel in offered)
    return OverallScore(contacts=len(scores), overall=mean(scores), qualified=qualified)


def competition_ranks(scores: Mapping[_Key, Decimal]) -> dict[_Key, int]:
    """scoring.md §4: standard competition ranking, highest score first (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_position.setdefault(score, position)
    return {key: first_position[score] for key, score in scores.items()}


def field_average(totals: Sequence[Decimal]) -> Decimal | None:
    """scoring.md §5: mean of the channel totals of everyone with a counted contact there."""
    return mean(totals)


def one_decimal(score: Decimal | None) -> Decimal | None:
    """scoring.md §6: a score as it is published, rounded half-up to 1 decimal."""
    if score is None:
        return None
    return Decimal(score).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def published(score: Decimal | None) -> str | None:
    """scoring.md §6: a published score as the API writes it, rounded half-up to 1 decimal, with a point ("82.0")."""
    rounded = one_decimal(score)
    return None if rounded is None else str(rounded)


def score_text(score: Decimal | None) -> str:
    """A score as people read it: rounded half-up to 1 decimal, with the reader's decimal separator (82,0 or 82.0).

    The one formatting of a score for pages, admin messages and the history; "—" when there is none.
    """
    rounded = one_decimal(score)
    return "—" if rounded is None else number_format(rounded, decimal_pos=1)


# The averages a company sees (docs/architecture.md: never another participant's data) -------------------

# An average is shown only when at least this many participants have a score in it: with
# fewer, a company could work out a competitor's score from its own and the average
# (2 x average - own).
AVERAGE_MIN_PARTICIPANTS = 3
HIDDEN_FEW = "few"  # fewer than AVERAGE_MIN_PARTICIPANTS have a score
HIDDEN_OUTSIDERS = "outsiders"  # field and class together would isolate the one or two outside the class
# Nothing published yet to take them from: the averages a company sees are those of the latest publication
# (scoring.averages), so that they move in published steps and never follow one competitor's new contact.
HIDDEN_UNPUBLISHED = "unpublished"


def field_average_hidden(participants: int) -> str:
    """Why the field average (or a share over the field) is hidden, "" when it may be shown."""
    return HIDDEN_FEW if participants < AVERAGE_MIN_PARTICIPANTS else ""


def class_average_hidden(*, class_participants: int, field_participants: int) -> str:
    """Why a class average is hidden beside the field average, "" when it may be shown.

    With one outsider beyond the class, their total is field_count x field - class_count x class
    (both counts are on the page): so the class average is hidden while one or two participants
    outside the class have a score. With three or more outsiders the subtraction gives only their
    sum, and with none the two averages are the same.
    """
    outsiders = field_participants - class_participants
    if class_participants < AVERAGE_MIN_PARTICIPANTS:
        return HIDDEN_FEW
    return HIDDEN_OUTSIDERS if 0 < outsiders < AVERAGE_MIN_PARTICIPANTS else ""


def name_key(name: str) -> str:
    """results-api.md: names sort by code point after casefold()."""
    return name.casefold()
