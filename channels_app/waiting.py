"""Waiting time as the award measures it (docs/waiting-time.md): the limit past which a contact counts as unanswered,
the bands that score a channel's waiting-time question from the wait, and waits written as people read a clock.

Pure functions of plain values: contact_clean, the forms and the demo generator use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Bands = Sequence[Sequence[int]]  # ((up to seconds, points), ...), the limits rising

CLOCK = re.compile(r"^\s*(\d+)(?::(\d+))?(?::(\d+))?\s*$")


def parse_wait(text: str) -> int | None:
    """Seconds from "270", "4:30" or "1:04:30"; None for an empty field; ValueError otherwise."""
    if not text.strip():
        return None
    match = CLOCK.match(text)
    if match is None:
        raise ValueError(text)
    parts = [int(part) for part in match.groups() if part is not None]
    if any(part >= 60 for part in parts[1:]):
        raise ValueError(text)
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def clock_text(seconds: int | None) -> str:
    """A wait as m:ss, or h:mm:ss from an hour on: what parse_wait reads back."""
    if seconds is None:
        return ""
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def band_points(bands: Bands, wait_seconds: int) -> int:
    """The points of the first band the wait fits in (up to and including its limit); past the last band, 0."""
    return next((points for limit, points in bands if wait_seconds <= limit), 0)


def working_deadline(sent: datetime, days: int, closed: Iterable[date] = ()) -> datetime:
    """The same clock time on the `days`-th working day after `sent` (weekdays, less the closed days)."""
    shut = set(closed)
    day = sent.date()
    left = days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in shut:
            left -= 1
    return sent + timedelta(days=(day - sent.date()).days)


def past_limit(*, wait_seconds: int, happened_at: datetime, limit_seconds: int | None, limit_working_days: int | None) -> bool:
    """Whether a wait goes past the channel's limit (a local `happened_at` for working days)."""
    if limit_seconds is not None and wait_seconds > limit_seconds:
        return True
    if limit_working_days is not None:
        return happened_at + timedelta(seconds=wait_seconds) > working_deadline(happened_at, limit_working_days)
    return False


def limit_text(*, limit_seconds: int | None, limit_working_days: int | None) -> str:
    if limit_working_days is not None:
        return ngettext("%(n)s working day", "%(n)s working days", limit_working_days) % {"n": limit_working_days}
    if limit_seconds is not None:
        return clock_text(limit_seconds)
    return ""


def bands_text(bands: Bands) -> str:
    """ "up to 0:30 5 points, up to 1:00 4 points, …, longer 0 points"."""
    parts = [
        ngettext("up to %(wait)s %(n)s point", "up to %(wait)s %(n)s points", points) % {"wait": clock_text(limit), "n": points}
        for limit, points in bands
    ]
    return ", ".join([*parts, _("longer 0 points")])


def bands_errors(bands: object, *, max_points: int | None) -> list[str]:
    """What is wrong with a list of bands: pairs of whole numbers, the limits rising, points within the question's."""
    if not isinstance(bands, list | tuple) or not all(
        isinstance(band, list | tuple) and len(band) == 2 and all(type(value) is int for value in band) for band in bands
    ):
        return [_("give the bands as pairs of whole numbers: [[seconds, points], ...]")]
    errors = []
    limits = [band[0] for band in bands]
    if any(limit <= 0 for limit in limits) or limits != sorted(set(limits)):
        errors.append(_("the bands' waits must be positive and rise from band to band"))
    if max_points is not None and any(not 0 <= band[1] <= max_points for band in bands):
        errors.append(_("each band's points must be from 0 to %(max)s, the question's maximum") % {"max": max_points})
    return errors


def bands_lines(bands: Bands) -> str:
    """Bands as an organiser writes them: one a line, the longest wait as a clock and its points ("1:00 5")."""
    return "\n".join(f"{clock_text(limit)} {points}" for limit, points in bands)


def parse_bands(text: str) -> list[list[int]]:
    """[[seconds, points], ...] from lines such as "1:00 5"; ValueError naming the first line that does not read."""
    bands = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        try:
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValueError(line)
            seconds = parse_wait(parts[0])
        except ValueError:
            raise ValueError(_("line %(n)s: write the longest wait and its points, such as “1:00 5”") % {"n": number}) from None
        bands.append([seconds or 0, int(parts[1])])
    return bands
