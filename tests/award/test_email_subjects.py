"""The subjects of the invitation and password e-mails are one line of plain text, whatever the names in them hold."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from award.models import Membership, Participant
from tests.conftest import ClientAs
from tests.factories import UserFactory


@pytest.fixture
def invited(participant_a: Participant) -> Membership:
    """A company account as an organiser makes it: no usable password yet, an e-mail address, a membership."""
    user = UserFactory.create(username="kari", email="kari@company-a.example")
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(user=user, participant=participant_a)


def test_an_invitation_subject_is_plain_text_not_html(organiser: Any, invited: Membership, client_as: ClientAs) -> None:
    Participant.objects.filter(pk=invited.participant_id).update(name="Line2 & Co <Kundeservice>")
    edition = invited.participant.edition

    response = client_as("organiser").post(
        "/admin/award/membership/", {"action": "send_invitation", "_selected_action": [invited.pk]}, follow=True
    )

    assert "Invitation sent to kari@company-a.example." in [str(m) for m in response.context["messages"]]
    assert [m.subject for m in mail.outbox] == [f"Your access to the results of Line2 & Co <Kundeservice> in {edition.name}"]


def test_a_line_break_in_a_stored_name_gives_a_one_line_subject_on_the_public_reset_page(invited: Membership) -> None:
    """Older data, stored before the rules refused line breaks: the public page answers, and the e-mail goes out."""
    Participant.objects.filter(pk=invited.participant_id).update(name="Line1\nLine2 & Co")
    edition = invited.participant.edition
    edition.name = "Customer\r\nService  Award"
    edition.save(update_fields=["name"])
    invited.user.username = "kari\nnordmann"
    invited.user.save(update_fields=["username"])

    response = Client().post("/accounts/password/reset/", {"email": "kari@company-a.example"}, HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/sent/")
    assert [m.subject for m in mail.outbox] == ["Your access to the results of Line1 Line2 & Co in Customer Service Award"]
    assert "Your user name: kari\nnordmann" in mail.outbox[0].body


def test_a_password_reset_subject_is_one_line_of_plain_text(company_user: Any) -> None:
    company_user.email = "anne@company-a.example"
    company_user.save(update_fields=["email"])

    response = Client().post("/accounts/password/reset/", {"email": "anne@company-a.example"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["Choose a new password for the Customer Service Award"]
