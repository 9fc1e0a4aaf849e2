"""The mini sample's standings: scoring.md's worked example, a voided contact, the chatbot share."""

from __future__ import annotations

from award.models import Edition


def test_mini_worked_example_standings(mini: Edition) -> None:
    """The first four phone contacts of Sognenett are scoring.md's worked example plus one full marks."""
    from scoring.models import ChannelStanding

    phone = ChannelStanding.objects.get(participant__name="Sognenett", channel="phone")
    assert (phone.contacts, phone.unanswered, str(phone.total), str(phone.answered)) == (4, 1, "66.6667", "88.8889")
    frende = ChannelStanding.objects.get(participant__name="Frende Forsikring", channel="phone")
    assert frende.contacts == 3  # P303 is voided: it counts nowhere
    chat = ChannelStanding.objects.get(participant__name="Frende Forsikring", channel="chat")
    assert str(chat.bot_share) == "33.3333"
