"""A conflict declared over contacts already counted is flagged with those contacts, for the organisers to review."""

from __future__ import annotations

from typing import Any

from award.models import Edition, Participant
from channels_app.models import Contact
from tests.conftest import ClientAs


def test_declaring_a_conflict_over_counted_contacts_names_them_and_the_list_flags_it(
    judge1: Any, mini: Edition, client_as: ClientAs
) -> None:
    tussa = Participant.objects.get(edition=mini, name="Tussa")
    earlier = list(
        Contact.objects.counted()
        .filter(judge=judge1, participant=tussa)
        .order_by("happened_at", "pk")
        .values_list("ref", flat=True)
    )
    assert earlier  # the sample has some

    response = client_as("judge1").post(
        "/admin/channels_app/judgeconflict/add/", {"participant": tussa.pk, "reason": "My brother works there"}, follow=True
    )

    messages = [str(m) for m in response.context["messages"]]
    n = len(earlier)
    assert any(
        message.startswith(f"judge1 already has {n} counted contact{'s' if n > 1 else ''} with Tussa: {', '.join(earlier)}.")
        for message in messages
    ), messages
    listing = client_as("organiser").get("/admin/channels_app/judgeconflict/")
    row = listing.content.decode().split("My brother works there", 1)[1].split("</tr>", 1)[0]
    assert f"?judge={judge1.pk}&amp;participant={tussa.pk}" in row and f"<strong>{n}</strong>" in row
    judge_columns = [
        str(h["text"]) for h in client_as("judge1").get("/admin/channels_app/judgeconflict/").context["result_headers"]
    ]
    assert "counted contacts with it" not in judge_columns and "judge" not in judge_columns
