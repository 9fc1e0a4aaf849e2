"""Who may open which dashboard URL (the roles table of docs/architecture.md): every URL x every persona.

Company user A reads participant A only; B's user gets 404 for A's URLs (never 403:
a URL does not tell whether another participant exists); the public is sent to the
login page; judges and organisers have no dashboard of their own.
"""

from __future__ import annotations

from typing import Any

import pytest

from award.models import Participant
from tests.conftest import ClientAs, record
from tests.factories import QuestionFactory

PERSONAS = ["company_user", "other_company_user", "judge", "organiser", "anonymous"]


@pytest.fixture
def world(participant_a: Participant, participant_b: Participant, judge: Any) -> dict[str, Any]:
    """A and B in one edition, each with a scored phone contact by a judge whose name must never show."""
    edition = participant_a.edition
    QuestionFactory.create(edition=edition, channel="phone", key="solution", area="Solution", max_points=10)
    judge.username = "judge-ingrid-hansen"
    judge.save()
    record(edition, participant=participant_a, channel="phone", judge=judge, answers={"solution": 8}, comment="Comment about A")
    record(edition, participant=participant_b, channel="phone", judge=judge, answers={"solution": 3}, comment="Comment about B")
    return {"year": edition.year, "a": participant_a.pk, "b": participant_b.pk}


def a_urls(w: dict[str, Any]) -> list[str]:
    """Every URL that names participant A: page, report, export, chart."""
    base = f"/dashboard/{w['year']}/{w['a']}"
    return [f"{base}/", f"{base}/report/", f"{base}/contacts.csv", f"{base}/chart/phone.svg", f"{base}/chart/chat.svg"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_participant_a_urls(persona: str, world: dict[str, Any], client_as: ClientAs) -> None:
    client = client_as(persona)
    for url in a_urls(world):
        response = client.get(url)
        if persona == "company_user":
            assert response.status_code == 200, url
            body = response.getvalue().decode()  # the CSV export is streamed
            assert "judge-ingrid-hansen" not in body, url
            assert "Comment about B" not in body, url
        elif persona == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"] == f"/accounts/login/?next={url}"
        else:
            assert response.status_code == 404, (persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboard_home_and_year(persona: str, world: dict[str, Any], client_as: ClientAs) -> None:
    client = client_as(persona)
    home, year = client.get("/dashboard/"), client.get(f"/dashboard/{world['year']}/")
    if persona == "anonymous":
        assert home["Location"] == "/accounts/login/?next=/dashboard/"
        assert year["Location"] == f"/accounts/login/?next=/dashboard/{world['year']}/"
        return
    if persona in ("company_user", "other_company_user"):
        own, other = ("A", "B") if persona == "company_user" else ("B", "A")
        for response in (home, year):
            html = response.content.decode()
            assert response.status_code == 200
            assert f"<h1>Company {own}</h1>" in html and f"Comment about {own}" in html
            assert f"Company {other}" not in html and f"Comment about {other}" not in html
        return
    # Judges go to their work list, organisers to the admin; neither sees anyone's dashboard.
    assert home.status_code == 302 and home["Location"] == {"judge": "/work/", "organiser": "/admin/"}[persona]
    assert year.status_code == 404


def test_participant_b_urls_are_404_for_company_user_a(world: dict[str, Any], company_user: Any, client_as: ClientAs) -> None:
    client = client_as("company_user")
    base = f"/dashboard/{world['year']}/{world['b']}"
    for url in [f"{base}/", f"{base}/report/", f"{base}/contacts.csv", f"{base}/chart/phone.svg"]:
        assert client.get(url).status_code == 404, url


def test_own_participant_under_another_year_or_channel_is_404(
    world: dict[str, Any], company_user: Any, client_as: ClientAs
) -> None:
    client = client_as("company_user")
    assert client.get(f"/dashboard/{world['year'] + 1}/{world['a']}/").status_code == 404
    assert client.get(f"/dashboard/{world['year']}/{world['a']}/chart/email.svg").status_code == 404  # not offered
    assert client.get(f"/dashboard/{world['year']}/{world['a']}/chart/fax.svg").status_code == 404


def test_company_users_are_not_staff_and_the_header_links_to_their_dashboard(
    world: dict[str, Any], company_user: Any, client_as: ClientAs
) -> None:
    assert not company_user.is_staff
    client = client_as("company_user")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/dashboard/"' in html and 'action="/accounts/logout/"' in html
    anonymous = client_as("anonymous").get("/").content.decode()
    assert 'href="/accounts/login/"' in anonymous and 'href="/dashboard/"' not in anonymous


def test_an_account_with_no_membership_and_no_role_gets_a_clear_page(world: dict[str, Any], client_as: ClientAs) -> None:
    from tests.factories import UserFactory

    page = client_as(UserFactory.create(username="nobody")).get("/dashboard/")
    assert page.status_code == 200 and page.templates[0].name == "dashboard/no_membership.html"
    assert "Company A" not in page.content.decode()
