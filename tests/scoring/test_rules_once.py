"""Rules written once in scoring.rules, tested without a database: the shown score, the chatbot channels, the averages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from award.models import Channel
from channels_app.models import Contact, HandledBy
from scoring import rules


@pytest.mark.parametrize(
    ("score", "en", "nb"),
    [
        (Decimal("81.3559"), "81.4", "81,4"),  # truncating would say 81,3 where the page says 81,4
        (Decimal("81.3500"), "81.4", "81,4"),  # half-up, not half-even
        (Decimal("81.2500"), "81.3", "81,3"),
        (Decimal("81.3499"), "81.3", "81,3"),
        (Decimal("0.0000"), "0.0", "0,0"),
        (Decimal("100.0000"), "100.0", "100,0"),
    ],
)
def test_a_score_reads_as_it_is_published_in_each_language(score: Decimal, en: str, nb: str) -> None:
    template = Template("{% load scores %}{{ value|score }}")
    for language, expected in (("en", en), ("nb", nb), ("sv", nb)):
        with translation.override(language):
            assert rules.score_text(score) == expected
            assert template.render(Context({"value": score})) == expected
    assert rules.published(score) == en  # the API's form: always a point
    assert rules.one_decimal(score) == Decimal(en)


def test_no_score_reads_as_a_dash() -> None:
    assert rules.score_text(None) == "—"
    assert Template("{% load scores %}{{ value|score }}").render(Context({"value": None})) == "—"
    assert rules.published(None) is None


def test_one_list_of_channels_and_of_the_channels_a_chatbot_answers() -> None:
    assert list(rules.CHANNELS) == Channel.values
    assert rules.BOT_CHANNELS == ("chat", "messenger")
    assert {HandledBy.BOT, HandledBy.BOT_TO_AGENT} == rules.BOT_HANDLERS
    # The database's own check is built from the same list.
    constraint = next(c for c in Contact._meta.constraints if c.name == "contact_bot_only_in_chat")
    assert ("channel__in", rules.BOT_CHANNELS) in constraint.condition.children  # type: ignore[attr-defined]


@pytest.mark.parametrize(("participants", "hidden"), [(0, "few"), (1, "few"), (2, "few"), (3, ""), (40, "")])
def test_a_field_average_needs_three_participants_with_a_score(participants: int, hidden: str) -> None:
    # With two, the other's total is 2 x average - own.
    assert rules.field_average_hidden(participants) == hidden


@pytest.mark.parametrize(
    ("in_class", "in_field", "hidden"),
    [
        (2, 10, "few"),  # two in the class: the other's is 2 x class average - own
        (3, 3, ""),  # nobody outside the class: both averages are the same number
        (3, 4, "outsiders"),  # one outsider: field x 4 - class x 3 is their total
        (3, 5, "outsiders"),  # two outsiders: their sum, and one of them knows their own
        (3, 6, ""),  # three outsiders: only their sum, no one's score
        (10, 12, "outsiders"),
        (10, 13, ""),
    ],
)
def test_a_class_average_never_isolates_a_competitor(in_class: int, in_field: int, hidden: str) -> None:
    assert rules.class_average_hidden(class_participants=in_class, field_participants=in_field) == hidden


def test_what_the_class_rule_prevents() -> None:
    """The arithmetic the rule exists for: one outsider's total from the two averages and their counts."""
    class_totals, outsider = [Decimal(70), Decimal(80), Decimal(90)], Decimal(55)
    class_average = rules.mean(class_totals)
    field_average = rules.mean([*class_totals, outsider])
    assert class_average is not None and field_average is not None
    assert 4 * field_average - 3 * class_average == outsider
    assert rules.class_average_hidden(class_participants=3, field_participants=4) == rules.HIDDEN_OUTSIDERS
