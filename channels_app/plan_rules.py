"""The contact plan's arithmetic, as the award's published method has it: pure, no models, no database.

- A participant gets `total` contacts (25 by default) over the test period.
- At most three channels are tested, in this order: phone, then e-mail, then chat or Messenger; a participant that
  offers both chat and Messenger is tested on chat only.
- The contacts go to the tested channels by a distribution key (a share per channel); a channel the participant does
  not offer gives its share to the others by the same key, so every participant still gets `total`.
- The contacts of one participant are spread evenly over the test period's working days and the testing window.

The plan service (to come with the plan's models) calls these; the shares and the window are an edition's settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from fractions import Fraction

CHANNEL_ORDER = ("phone", "email", "chat", "messenger")
DEFAULT_CONTACTS = 25
# Shares, not counts: phone 10 of 25, e-mail 8, chat or Messenger 7 (the edition may set its own).
DEFAULT_KEY = {"phone": 10, "email": 8, "chat": 7, "messenger": 7}
DEFAULT_WINDOW = (time(9, 0), time(15, 0))  # weekdays, 09:00 to 15:00
DEFAULT_MAX_JUDGE_SHARE = 40  # percent of one participant's contacts that one judge may make


def tested_channels(offered: Sequence[str]) -> list[str]:
    """The channels a participant is tested on: phone, e-mail, then chat, or Messenger when it has no chat."""
    tested = [channel for channel in ("phone", "email") if channel in offered]
    if "chat" in offered:
        tested.append("chat")
    elif "messenger" in offered:
        tested.append("messenger")
    return tested


def channel_counts(
    offered: Sequence[str], *, total: int = DEFAULT_CONTACTS, key: Mapping[str, int] = DEFAULT_KEY
) -> dict[str, int]:
    """How many of the participant's `total` contacts each tested channel gets, summing to `total` exactly.

    Each channel's exact share is total x its key / the keys of the tested channels; the whole parts are given
    first, then the contacts left over one each to the largest fractions (ties in channel order). A channel whose
    key is 0 gets none; when every tested channel's key is 0, none gets any.
    """
    tested = tested_channels(offered)
    weights = {channel: key.get(channel, 0) for channel in tested}
    weight = sum(weights.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(tested, 0)
    exact = {channel: Fraction(total * w, weight) for channel, w in weights.items()}
    counts = {channel: int(share) for channel, share in exact.items()}
    left = total - sum(counts.values())
    by_fraction = sorted(tested, key=lambda channel: (-(exact[channel] - counts[channel]), CHANNEL_ORDER.index(channel)))
    for channel in by_fraction[:left]:
        counts[channel] += 1
    return counts


def working_days(starts_on: date, ends_on: date, *, closed: Sequence[date] = ()) -> list[date]:
    """The weekdays from starts_on to ends_on (both included), less the days given as closed (public holidays)."""
    days, day, shut = [], starts_on, set(closed)
    while day <= ends_on:
        if day.weekday() < 5 and day not in shut:
            days.append(day)
        day += timedelta(days=1)
    return days


def spread(count: int, days: Sequence[date], *, window: tuple[time, time] = DEFAULT_WINDOW, offset: int = 0) -> list[datetime]:
    """`count` moments spread evenly over the days and inside the window (naive, in the edition's local time).

    Contact i goes to the day at the middle of its equal part of the period, so the gaps between two contacts
    differ by at most one day; its time of day walks through the window (a golden-ratio step from `offset`, which
    differs per participant) so that one participant is not always called at the same hour. Deterministic.
    """
    if count <= 0 or not days:
        return []
    start, end = (datetime.combine(date.min, moment) for moment in window)
    minutes = int((end - start).total_seconds() // 60)
    if minutes <= 0:
        raise ValueError("the testing window must end after it starts")
    moments = []
    for i in range(count):
        day = days[(2 * i + 1) * len(days) // (2 * count)]
        step = Fraction((offset + i) * 618_034, 1_000_000) % 1  # the golden ratio's fraction: evenly spread, never repeating
        at = start + timedelta(minutes=int(step * minutes))
        moments.append(datetime.combine(day, at.time()))
    return moments
