"""Company users are invited by an organiser, choose their own password, log in, log out and reset it on the site."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from award.models import ChangeRecord, Membership, Participant
from tests.factories import UserFactory

NEW_PASSWORD = "Fjordblå-kundeservice-2021"


@pytest.fixture
def invited(participant_a: Participant) -> Membership:
    """A company account as an organiser makes it: no usable password yet, an e-mail address, a membership."""
    user = UserFactory(username="kari", email="kari@company-a.example")
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(user=user, participant=participant_a)


def organiser_client(organiser: Any) -> Client:
    client = Client()
    client.force_login(organiser)
    return client


def send_invitation(client: Client, *memberships: Membership) -> Any:
    return client.post(
        "/admin/award/membership/",
        {"action": "send_invitation", "_selected_action": [m.pk for m in memberships]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def link_in(message: Any) -> str:
    match = re.search(r"http://testserver(/accounts/invitation/[^/]+/[^/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_organiser_invites_and_the_company_user_sets_a_password_and_lands_on_the_dashboard(
    organiser: Any, invited: Membership
) -> None:
    response = send_invitation(organiser_client(organiser), invited)

    assert "Invitation sent to kari@company-a.example." in [str(m) for m in response.context["messages"]]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@company-a.example"]
    assert "Company A" in message.subject
    assert "Your user name: kari" in message.body
    record = ChangeRecord.objects.filter(object_id=invited.pk, note__startswith="invitation sent").get()
    assert (record.user, record.source, record.note) == (organiser, "admin", "invitation sent to kari@company-a.example")

    visitor = Client()
    form_page = visitor.get(
        link_in(message), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )  # Django swaps the token for a session key, then shows the form
    assert form_page.status_code == 200
    assert "Welcome: choose your password" in form_page.content.decode()
    assert "<strong>kari</strong>" in form_page.content.decode()
    done = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/accounts/password/done/"

    user = get_user_model().objects.get(username="kari")
    assert user.check_password(NEW_PASSWORD) and not user.is_staff
    landed = visitor.post("/accounts/login/", {"username": "kari", "password": NEW_PASSWORD}, follow=True)
    assert landed.redirect_chain[-1][0] == "/dashboard/"
    assert landed.context["participant"] == invited.participant

    # The link works once.
    again = Client().get(link_in(message), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This link no longer works" in again.content.decode()


def test_an_account_without_an_address_is_refused_and_the_others_are_invited(
    organiser: Any, invited: Membership, participant_b: Participant
) -> None:
    silent = UserFactory(username="no-mail", email="")
    without = Membership.objects.create(user=silent, participant=participant_b)

    response = send_invitation(organiser_client(organiser), invited, without)

    messages = [str(m) for m in response.context["messages"]]
    assert "no-mail has no e-mail address" in messages
    assert "Invitation sent to kari@company-a.example." in messages
    assert [m.to for m in mail.outbox] == [["kari@company-a.example"]]


@pytest.mark.parametrize("persona", ["judge", "company_user", "anonymous"])
def test_only_organisers_send_invitations(persona: str, invited: Membership, request: pytest.FixtureRequest) -> None:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = send_invitation(client, invited)
    assert response.redirect_chain == [] or response.redirect_chain[0][0].startswith("/admin/login/")
    assert response.status_code in (200, 403)  # the admin's login page, or refused
    assert mail.outbox == []


def test_login_page_is_in_the_site_style_and_language(db: None) -> None:
    nb = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    en = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nb">' in nb and "Logg inn" in nb and 'href="/static/css/site.css"' in nb
    assert '<html lang="en">' in en and "<h1>Log in</h1>" in en


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(company_user: Any) -> None:
    response = Client().post("/accounts/login/", {"username": "company_a", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(company_user: Any) -> None:
    client = Client()
    client.force_login(company_user)
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_password_reset_by_e_mail(invited: Membership) -> None:
    client = Client()
    sent = client.post("/accounts/password/reset/", {"email": "kari@company-a.example"}, follow=True)
    assert sent.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 0  # an account with no usable password yet gets an invitation, not a reset

    user = invited.user
    user.set_password("an-old-password-2020")
    user.save()
    client.post("/accounts/password/reset/", {"email": "kari@company-a.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/[^/]+/[^/]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
