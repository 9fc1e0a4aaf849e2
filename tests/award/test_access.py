"""Who may get into the admin (the roles of docs/architecture.md), for each persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from award.models import Edition
from channels_app.models import Contact
from tests.admin_forms import assert_sent_away
from tests.conftest import ClientAs

ADMIN_ORGANISER_ONLY = [
    "/admin/scoring/channelstanding/",
    "/admin/scoring/overallstanding/",
    "/admin/publications/publication/",
    "/admin/award/participant/",
    "/admin/audit/changerecord/",
]


def test_organiser_sees_every_admin_page(mini: Edition, organiser: User, client_as: ClientAs) -> None:
    client = client_as("organiser")
    for url in [*ADMIN_ORGANISER_ONLY, "/admin/channels_app/contact/"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/channels_app/contact/").context["cl"].result_count == 35


def test_judge_sees_only_their_own_contacts_and_no_standing(
    mini: Edition, judge1: User, judge2: User, client_as: ClientAs
) -> None:
    client = client_as("judge1")

    response = client.get("/admin/channels_app/contact/")

    assert response.status_code == 200
    own = set(Contact.objects.filter(judge=judge1).values_list("ref", flat=True))
    assert {contact.ref for contact in response.context["cl"].result_list} == own
    others = Contact.objects.filter(judge=judge2).first()
    assert others is not None
    assert_sent_away(client, client.get(f"/admin/channels_app/contact/{others.pk}/change/"), others)
    mine = Contact.objects.filter(judge=judge1).first()
    assert mine is not None
    assert client.get(f"/admin/channels_app/contact/{mine.pk}/change/").status_code == 200
    for url in ADMIN_ORGANISER_ONLY:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["company_user", "anonymous"])
def test_company_users_and_the_public_never_get_into_the_admin(mini: Edition, persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    for url in [*ADMIN_ORGANISER_ONLY, "/admin/channels_app/contact/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
