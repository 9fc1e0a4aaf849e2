"""Who may open what in the judges' part of the admin: contacts, questionnaires, conflicts, upload, standings.

Every URL of these models, for each persona of docs/architecture.md. The organisers' own pages
(editions, classes, participants, memberships, publications, users) have their
matrix in test_admin_organiser.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import Source
from award.models import Edition, Participant
from channels_app.models import Contact, JudgeConflict, Question
from scoring.models import ChannelStanding, OverallStanding
from tests.conftest import ClientAs, record

PERSONAS = ["organiser", "judge", "other_judge", "company_user", "anonymous"]
OK, FORBIDDEN, AWAY = 200, 403, 302  # AWAY: the admin sends a judge away from an object that is not theirs


@pytest.fixture
def world(mini: Edition, organiser: Any, judge: Any, other_judge: Any, company_user: Any) -> dict[str, Any]:
    """The mini edition with one contact and one conflict of `judge`, a question and the standings."""
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    contact = record(mini, ref="J001", participant=sixt, channel="phone", judge=judge, answered=False, source=Source.COMMAND)
    conflict = JudgeConflict.objects.create(judge=judge, participant=Participant.objects.get(edition=mini, name="Tussa"))
    return {
        "edition": mini,
        "contact": contact,
        "conflict": conflict,
        "question": Question.objects.get(edition=mini, channel="phone", key="solution"),
        "unused_question": Question.objects.create(
            edition=mini, channel="phone", key="unused", text="Unused", area="Løsning", max_points=5, position=99
        ),
        "channel_standing": ChannelStanding.objects.filter(participant=sixt).first(),
        "overall_standing": OverallStanding.objects.get(participant=sixt),
    }


def matrix(w: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    """(url, {persona: status}) for organiser, judge (owner of the contact and conflict) and other_judge."""
    c, q, k, e = w["contact"].pk, w["question"].pk, w["conflict"].pk, w["edition"].pk
    every_judge = {"organiser": OK, "judge": OK, "other_judge": OK}
    organisers_only = {"organiser": OK, "judge": FORBIDDEN, "other_judge": FORBIDDEN}
    owner = {"organiser": OK, "judge": OK, "other_judge": AWAY}
    nobody = {"organiser": FORBIDDEN, "judge": FORBIDDEN, "other_judge": FORBIDDEN}
    no_scoring = {"organiser": OK, "judge": 404, "other_judge": 404}  # the admin hides an app with nothing to see
    return [
        ("/admin/", every_judge),
        ("/admin/channels_app/", every_judge),
        ("/admin/channels_app/contact/", every_judge),
        ("/admin/channels_app/contact/add/", every_judge),
        (f"/admin/channels_app/contact/add/?edition={e}&channel=phone", every_judge),
        (f"/admin/channels_app/contact/participants/?edition={e}&channel=phone&term=S", every_judge),
        (f"/admin/channels_app/contact/{c}/change/", owner),
        (f"/admin/channels_app/contact/{c}/history/", owner),
        (f"/admin/channels_app/contact/{c}/delete/", nobody),
        ("/admin/channels_app/contact/upload/", organisers_only),
        ("/admin/channels_app/question/", every_judge),
        (f"/admin/channels_app/question/{q}/change/", every_judge),  # judges read the questionnaire
        (f"/admin/channels_app/question/{q}/history/", every_judge),
        ("/admin/channels_app/question/add/", organisers_only),
        (f"/admin/channels_app/question/{q}/delete/", nobody),  # it has answers: the questionnaire keeps it
        (f"/admin/channels_app/question/{w['unused_question'].pk}/delete/", organisers_only),
        ("/admin/channels_app/judgeconflict/", every_judge),
        ("/admin/channels_app/judgeconflict/add/", every_judge),  # a judge declares their own
        (f"/admin/channels_app/judgeconflict/{k}/change/", owner),
        (f"/admin/channels_app/judgeconflict/{k}/history/", owner),
        (f"/admin/channels_app/judgeconflict/{k}/delete/", organisers_only),  # withdrawn by an organiser
        ("/admin/scoring/", no_scoring),
        ("/admin/scoring/channelstanding/", organisers_only),
        (f"/admin/scoring/channelstanding/{w['channel_standing'].pk}/change/", organisers_only),
        ("/admin/scoring/overallstanding/", organisers_only),
        (f"/admin/scoring/overallstanding/{w['overall_standing'].pk}/change/", organisers_only),
        ("/admin/scoring/scoringstate/", organisers_only),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world: dict[str, Any], persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    got, wanted = {}, {}
    for url, expected in matrix(world):
        response = client.get(url)
        got[url] = response.status_code
        if persona in expected:
            wanted[url] = expected[persona]
        else:
            # Company users and the public never get into the admin: to the login page.
            wanted[url] = AWAY
            assert response["Location"].startswith("/admin/login/?next="), url
    assert got == wanted


@pytest.mark.parametrize("persona", ["other_judge", "company_user", "anonymous"])
def test_nobody_but_the_owner_or_an_organiser_changes_a_contact(world: dict[str, Any], persona: str, client_as: ClientAs) -> None:
    contact = world["contact"]
    data = {"participant": contact.participant_id, "happened_at_0": "2021-03-01", "happened_at_1": "10:00", "comment": "x"}
    client_as(persona).post(f"/admin/channels_app/contact/{contact.pk}/change/", data)
    client_as(persona).post(
        "/admin/channels_app/contact/",
        {"action": "void_contacts", "_selected_action": [contact.pk], "void_reason": "no", "apply": "1"},
    )

    after = Contact.objects.get(pk=contact.pk)
    assert (after.comment, after.voided, after.updated_at) == (contact.comment, False, contact.updated_at)


def test_other_judges_never_see_the_contact_in_any_list(
    world: dict[str, Any], judge: Any, other_judge: Any, client_as: ClientAs
) -> None:
    owner = client_as("judge")
    assert ">J001<" in owner.get("/admin/channels_app/contact/", {"q": "J001"}).content.decode()
    client = client_as("other_judge")
    listing = client.get("/admin/channels_app/contact/", {"q": "J001"})
    conflicts = client.get("/admin/channels_app/judgeconflict/")

    assert list(listing.context["cl"].result_list) == []
    assert list(conflicts.context["cl"].result_list) == []
    assert ">J001<" not in listing.content.decode()
