"""The pure scoring rules of docs/scoring.md, without a database."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from scoring import rules
from scoring.results import ChannelTally, Entrant, channel_score_from_tally, compute_results

D = Decimal

# The worked example's phone questionnaire: wait, greeting, solution (counted), feeling (not counted).
MAXIMA = [(5, True), (5, True), (10, True), (5, False)]


def answers(*points: int | None) -> list[rules.AnswerValue]:
    return [rules.AnswerValue(p, m, c) for p, (m, c) in zip(points, MAXIMA, strict=True)]


def test_worked_example_contact_scores() -> None:
    assert rules.contact_score(answered=True, answers=answers(5, 4, 7, 5)) == D("80.0000")
    assert rules.contact_score(answered=True, answers=answers(3, None, 10, 1)) == D("86.6667")
    assert rules.contact_score(answered=False, answers=answers(None, None, None, None)) == D("0.0000")


def test_worked_example_channel_score() -> None:
    contacts = [
        rules.ContactValue(D("80.0000"), True),
        rules.ContactValue(D("86.6667"), True),
        rules.ContactValue(D("0.0000"), False),
    ]
    score = rules.channel_score(contacts, min_contacts=3)
    assert score.contacts == 3
    assert score.unanswered == 1
    assert score.total == D("55.5556")
    # (80 + 86.6667) / 2 = 83.33335 rounds half-up to 83.3334, not to the even 83.3333.
    assert score.answered == D("83.3334")
    assert score.qualified is True
    assert rules.channel_score(contacts[:2], min_contacts=3).qualified is False


def test_non_counting_question_never_scores() -> None:
    # feeling = 0 or 5 makes no difference.
    assert rules.contact_score(answered=True, answers=answers(5, 5, 10, 0)) == D("100.0000")
    assert rules.contact_score(answered=True, answers=answers(5, 5, 10, 5)) == D("100.0000")


def test_answered_contact_without_counted_answer_is_rejected() -> None:
    with pytest.raises(rules.NoCountedAnswer):
        rules.contact_score(answered=True, answers=answers(None, None, None, 4))


@pytest.mark.parametrize(
    ("points", "possible", "expected"),
    [(2, 3, "66.6667"), (1, 3, "33.3333"), (1, 8, "12.5000"), (1, 16, "6.2500"), (1, 32, "3.1250"), (1, 64, "1.5625")],
)
def test_contact_score_rounds_half_up_to_four_decimals(points: int, possible: int, expected: str) -> None:
    value = rules.contact_score(answered=True, answers=[rules.AnswerValue(points, possible, True)])
    assert value == D(expected)


def test_half_up_at_the_fifth_decimal() -> None:
    assert rules.mean([D("0.0001"), D("0.0000")]) == D("0.0001")  # 0.00005 -> 0.0001
    assert rules.mean([D("0.0003"), D("0.0000")]) == D("0.0002")  # 0.00015 -> 0.0002
    assert rules.mean([D("66.6667"), D("66.6666")]) == D("66.6667")  # 66.66665 -> 66.6667


def test_competition_ranking_shares_and_skips() -> None:
    ranks = rules.competition_ranks({"a": D("90"), "b": D("80"), "c": D("80"), "d": D("70")})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert rules.competition_ranks({}) == {}


def test_published_rounds_half_up_to_one_decimal() -> None:
    assert rules.published(D("82.0499")) == "82.0"
    assert rules.published(D("82.0500")) == "82.1"
    assert rules.published(D("66.6667")) == "66.7"
    assert rules.published(D("100.0000")) == "100.0"
    assert rules.published(None) is None


def test_names_sort_by_casefold_code_points() -> None:
    names = ["tussa", "Sognenett", "Ærlig AS", "eidsiva", "Øst"]
    assert sorted(names, key=rules.name_key) == ["eidsiva", "Sognenett", "tussa", "Ærlig AS", "Øst"]


def test_tally_path_agrees_with_the_list_rules_on_random_data() -> None:
    """The database path sums and counts; the rules take lists. Both must give the same numbers."""
    rng = random.Random(20211)
    for _ in range(300):
        contacts = []
        tally = ChannelTally()
        for _ in range(rng.randint(0, 12)):
            answered = rng.random() > 0.2
            score = rules.from_units(rng.randint(0, 1_000_000)) if answered else D("0.0000")
            handled_by = rng.choice(["agent", "bot", "bot_to_agent"]) if answered else ""
            contacts.append(rules.ContactValue(score, answered, handled_by))
            tally = tally.add(score=score, answered=answered, handled_by=handled_by)
        assert channel_score_from_tally(tally, channel="chat", min_contacts=3) == rules.channel_score(contacts, min_contacts=3)


def test_overall_weighs_every_contact_and_needs_every_channel_qualified() -> None:
    phone = [rules.ContactValue(D("90"), True)] * 3
    chat = [rules.ContactValue(D("60"), True)] * 2
    overall = rules.overall_score({"phone": phone, "chat": chat}, offered=["phone", "chat"], min_contacts=3)
    assert overall.overall == D("78.0000")  # (3 x 90 + 2 x 60) / 5, not the mean of channel means (75)
    assert overall.qualified is False
    assert rules.overall_score({}, offered=[], min_contacts=3).overall is None


def test_compute_results_ranks_only_qualified_and_classes_separately() -> None:
    entrants = [
        Entrant(1, "A", "Bank", ("phone",)),
        Entrant(2, "B", "Bank", ("phone",)),
        Entrant(3, "C", "Insurance", ("phone",)),
        Entrant(4, "D", "Insurance", ("phone",)),  # too few contacts: not ranked
        Entrant(5, "E", "Insurance", ()),  # no channel: no overall score
    ]

    def tally(*scores: str) -> ChannelTally:
        result = ChannelTally()
        for score in scores:
            result = result.add(score=D(score), answered=True, handled_by="agent")
        return result

    results = compute_results(
        year=2021,
        classes=["Bank", "Insurance"],
        entrants=entrants,
        tallies={
            (1, "phone"): tally("90", "90", "90"),
            (2, "phone"): tally("80", "80", "80"),
            (3, "phone"): tally("90", "90", "90"),
            (4, "phone"): tally("100", "100"),
        },
        min_contacts=3,
    )
    assert {i: results.channels[(i, "phone")].rank for i in (1, 2, 3, 4)} == {1: 1, 2: 3, 3: 1, 4: None}
    assert {i: results.overall[i].class_rank for i in (1, 2, 3, 4, 5)} == {1: 1, 2: 2, 3: 1, 4: None, 5: None}
    assert results.overall[5].score.overall is None
    assert results.overall[4].score.qualified is False
