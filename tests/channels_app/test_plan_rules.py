"""The contact plan's arithmetic: the distribution key, its redistribution, and even spreading (pure rules)."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

import pytest

from channels_app import plan_rules
from channels_app.plan_rules import DEFAULT_KEY, channel_counts, spread, working_days


@pytest.mark.parametrize(
    ("offered", "tested"),
    [
        (["phone", "email", "chat", "messenger"], ["phone", "email", "chat"]),  # chat, not Messenger, when both
        (["messenger", "phone"], ["phone", "messenger"]),
        (["email"], ["email"]),
        ([], []),
    ],
)
def test_at_most_three_channels_phone_first(offered: list[str], tested: list[str]) -> None:
    assert plan_rules.tested_channels(offered) == tested  # by the module: pytest would collect test* names


@pytest.mark.parametrize(
    ("offered", "counts"),
    [
        (["phone", "email", "chat"], {"phone": 10, "email": 8, "chat": 7}),  # the key itself
        (["phone", "email", "chat", "messenger"], {"phone": 10, "email": 8, "chat": 7}),
        # No e-mail: its 8 go to phone and chat by the key, 10:7 -> 14.7 and 10.3 -> 15 and 10.
        (["phone", "chat"], {"phone": 15, "chat": 10}),
        (["phone", "email"], {"phone": 14, "email": 11}),  # 13.9 and 11.1
        (["email", "messenger"], {"email": 13, "messenger": 12}),  # 13.3 and 11.7
        (["phone"], {"phone": 25}),
        ([], {}),
    ],
)
def test_the_key_and_its_redistribution_always_give_the_whole_25(offered: list[str], counts: dict[str, int]) -> None:
    assert channel_counts(offered) == counts
    assert sum(counts.values()) == (25 if offered else 0)


def test_leftovers_go_to_the_largest_fractions_then_in_channel_order() -> None:
    even = {"phone": 1, "email": 1, "chat": 1, "messenger": 1}
    assert channel_counts(["phone", "email", "chat"], total=25, key=even) == {"phone": 9, "email": 8, "chat": 8}
    assert channel_counts(["phone", "email", "chat"], total=2, key=even) == {"phone": 1, "email": 1, "chat": 0}
    assert channel_counts(["phone", "chat"], total=7, key={**DEFAULT_KEY, "chat": 0}) == {"phone": 7, "chat": 0}
    assert channel_counts(["phone"], total=0) == {"phone": 0}


def test_working_days_are_weekdays_less_the_closed_ones() -> None:
    days = working_days(date(2021, 3, 29), date(2021, 4, 6), closed=[date(2021, 4, 1), date(2021, 4, 2), date(2021, 4, 5)])
    assert days == [date(2021, 3, 29), date(2021, 3, 30), date(2021, 3, 31), date(2021, 4, 6)]


def test_spreading_is_even_inside_the_window_and_the_same_every_time() -> None:
    days = working_days(date(2021, 1, 18), date(2021, 4, 30))  # 75 weekdays
    moments = spread(25, days, offset=3)

    assert moments == spread(25, days, offset=3)
    assert len(moments) == 25 and len({moment.date() for moment in moments}) == 25
    gaps = [(b.date() - a.date()).days for a, b in itertools.pairwise(moments)]
    assert max(gaps) - min(gaps) <= 3  # three weekdays apart, give or take the weekend between them
    assert all(moment.weekday() < 5 and time(9, 0) <= moment.time() < time(15, 0) for moment in moments)
    assert moments[0].date() == days[1] and moments[-1].date() == days[-2]  # the middle of the first and last parts
    assert len({moment.hour for moment in moments}) == 6  # every hour of the window, not always the same one


def test_more_contacts_than_days_share_days_evenly() -> None:
    days = [date(2021, 3, 1) + timedelta(days=n) for n in range(5)]
    per_day = [moment.date() for moment in spread(12, days)]
    assert sorted({day: per_day.count(day) for day in days}.values()) == [2, 2, 2, 3, 3]


def test_a_window_that_does_not_open_is_refused() -> None:
    with pytest.raises(ValueError):
        spread(3, [date(2021, 3, 1)], window=(time(15, 0), time(9, 0)))
