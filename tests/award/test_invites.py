"""Company users are invited by an organiser, choose their own password, log in, log out and reset it on the site."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import ChangeRecord, Source
from award.models import Membership, Participant
from tests.conftest import ClientAs
from tests.factories import UserFactory

NEW_PASSWORD = "Fjordblå-kundeservice-2021"


@pytest.fixture
def invited(participant_a: Participant) -> Membership:
    """A company account as an organiser makes it: no usable password yet, an e-mail address, a membership."""
    user = UserFactory.create(username="kari", email="kari@company-a.example")
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(user=user, participant=participant_a)


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
    organiser: Any, invited: Membership, client_as: ClientAs
) -> None:
    response = send_invitation(client_as("organiser"), invited)

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

    # The link works once; a used or expired invitation says where to get a new one.
    again = Client().get(link_in(message), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = again.content.decode()
    assert "<h1>This invitation link no longer works</h1>" in html
    assert (
        "It has been used already or is too old. Ask the organisers for a new invitation, or have a new link sent"
        " to the e-mail address of your account:" in html
    )
    assert 'href="/accounts/password/reset/"' in html and 'href="/accounts/login/"' in html


def test_an_account_without_an_address_is_refused_and_the_others_are_invited(
    organiser: Any, invited: Membership, participant_b: Participant, client_as: ClientAs
) -> None:
    silent = UserFactory.create(username="no-mail", email="")
    without = Membership.objects.create(user=silent, participant=participant_b)

    response = send_invitation(client_as("organiser"), invited, without)

    messages = [str(m) for m in response.context["messages"]]
    assert "no-mail has no e-mail address" in messages
    assert "Invitation sent to kari@company-a.example." in messages
    assert [m.to for m in mail.outbox] == [["kari@company-a.example"]]


@pytest.mark.parametrize("persona", ["judge", "company_user", "anonymous"])
def test_only_organisers_send_invitations(persona: str, invited: Membership, client_as: ClientAs) -> None:
    response = send_invitation(client_as(persona), invited)

    if persona == "judge":  # staff, but the memberships are the organisers' page: refused
        assert (response.status_code, response.redirect_chain) == (403, [])
    else:  # not staff: the admin's login page
        assert response.redirect_chain == [("/admin/login/?next=/admin/award/membership/", 302)]
        assert response.status_code == 200
        assert response.templates[0].name == "admin/login.html"
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


def test_logout_is_a_post_and_ends_the_session(company_user: Any, client_as: ClientAs) -> None:
    client = client_as("company_user")
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"


def test_password_reset_by_e_mail(invited: Membership) -> None:
    client = Client()
    sent = client.post("/accounts/password/reset/", {"email": "kari@company-a.example"}, follow=True)
    assert sent.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    # An account with no usable password yet (its invitation expired, say) gets a fresh invitation, not a reset.
    assert len(mail.outbox) == 1
    assert "Company A" in mail.outbox[0].subject and "/accounts/password/reset/" not in mail.outbox[0].body
    link_in(mail.outbox[0])

    user = invited.user
    user.set_password("an-old-password-2020")
    user.save()
    client.post("/accounts/password/reset/", {"email": "kari@company-a.example"})
    assert len(mail.outbox) == 2
    assert "/accounts/invitation/" not in mail.outbox[1].body
    reset = re.search(r"http://testserver(/accounts/password/reset/[^/]+/[^/]+/)", str(mail.outbox[1].body))
    assert reset is not None, mail.outbox[1].body
    form_page = client.get(reset.group(1), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_invitation_is_no_dead_end_the_reset_form_sends_a_new_one(invited: Membership) -> None:
    """Invitation links expire (PASSWORD_RESET_TIMEOUT); the account still has no password, and the site says what to do."""
    user = invited.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    issued = datetime.now() - timedelta(seconds=django_settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=issued):
        token = default_token_generator.make_token(user)
    visitor = Client()
    expired = visitor.get(f"/accounts/invitation/{uid}/{token}/", follow=True, HTTP_ACCEPT_LANGUAGE="nb")
    html = expired.content.decode()
    assert "<h1>Denne invitasjonslenken virker ikke lenger</h1>" in html
    assert "Be arrangørene om en ny invitasjon" in html

    visitor.post("/accounts/password/reset/", {"email": "KARI@company-a.example"})
    assert [m.to for m in mail.outbox] == [["kari@company-a.example"]]
    fresh = Client().get(link_in(mail.outbox[0]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Welcome: choose your password" in fresh.content.decode()
    record = ChangeRecord.objects.filter(object_id=invited.pk, source=Source.SITE).get()
    assert (record.user, record.action) == (None, "update")


@pytest.mark.parametrize("persona", ["organiser", "judge"])
def test_public_password_reset_never_serves_staff_accounts(persona: str, request: pytest.FixtureRequest) -> None:
    """Organisers and judges reset through an organiser or the admin; the page says the same as for anyone else."""
    staff = request.getfixturevalue(persona)
    staff.email = f"{persona}@award.example"
    staff.set_password("a-staff-password-2021")
    staff.save()
    assert staff.is_staff

    client = Client()
    staff_response = client.post("/accounts/password/reset/", {"email": staff.email}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    nobody = client.post("/accounts/password/reset/", {"email": "nobody@award.example"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox == []
    assert staff_response.redirect_chain == nobody.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    page = staff_response.content.decode().split('<div class="account-page">', 1)[1].split("</div>", 1)[0]
    assert page == nobody.content.decode().split('<div class="account-page">', 1)[1].split("</div>", 1)[0]
    assert "<h1>Check your e-mail</h1>" in page


def test_a_company_user_with_a_password_still_gets_a_reset_link(company_user: Any) -> None:
    company_user.email = "reader@company-a.example"
    company_user.set_password("an-old-password-2020")
    company_user.save()
    Client().post("/accounts/password/reset/", {"email": "reader@company-a.example"})
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body


def test_invitation_links_use_site_url_when_it_is_set(
    organiser: Any, invited: Membership, settings: Any, client_as: ClientAs
) -> None:
    """An organiser who reached the site under another host name still sends links to the site's public address."""
    settings.SITE_URL = "https://award.example.org"
    client_as("organiser").post(
        "/admin/award/membership/", {"action": "send_invitation", "_selected_action": [invited.pk]}, HTTP_HOST="testserver"
    )
    body = str(mail.outbox[0].body)
    assert re.search(r"^https://award\.example\.org/accounts/invitation/[^/]+/[^/]+/$", body, re.M)
    assert "https://award.example.org/accounts/login/" in body and "testserver" not in body
