"""Personal API tokens on the site (/accounts/tokens/) and in the admin: made by their owner with the password again
(under the login lockout) or by an organiser for an account, the secret shown once and stored hashed, listed without
it, revoked with a confirmation; another account's token is not found."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from rest_framework.test import APIClient

from audit.models import ChangeRecord, Source
from award.accounts.tokens import token_create, token_digest
from award.models import ApiToken
from tests.conftest import ClientAs

PAGE = "/accounts/tokens/"
PASSWORD = "secret-password"  # tests.factories.UserFactory's
SECRET = re.compile(r"csa_[A-Za-z0-9_-]{43}")


def day(moment: datetime) -> str:
    """A date as the English page writes it (DATE_FORMAT, the award's time zone)."""
    with translation.override("en"):
        return date_format(timezone.localtime(moment), "DATE_FORMAT")


def revoke_url(token: ApiToken) -> str:
    return f"{PAGE}{token.pk}/revoke/"


def make(client: Client, password: str = PASSWORD, **fields: Any) -> Any:
    data = {"name": "Nightly export", "scopes": ["read"], "expires_in_days": "30", "password": password, **fields}
    return client.post(PAGE, data)


def main_of(response: Any) -> str:
    """The page's own content, without the header and footer every page shares."""
    return str(response.content.decode().split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0])


def rows(html: str) -> list[dict[str, str]]:
    """Each token of the list: its name and every labelled cell's text."""
    found = []
    for row in re.findall(r'<tr class="token"[^>]*>(.*?)</tr>', html, flags=re.S):
        cells = {"name": re.search(r'<th scope="row" class="token-name">([^<]*)</th>', row).group(1)}  # type: ignore[union-attr]
        for label, text in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, flags=re.S):
            cells[label] = re.sub(r"<[^>]+>", "", text).strip()
        cells["revoke"] = "yes" if "/revoke/" in row else "no"
        found.append(cells)
    return found


def test_a_company_user_makes_a_token_and_sees_it_once(company_user: User, client_as: ClientAs) -> None:
    client = client_as("company_user")
    form = main_of(client.get(PAGE))
    assert '<input type="number" name="expires_in_days" value="90" min="1" max="365"' in form  # 90 unless chosen, at most 365
    assert '<input type="checkbox" name="scopes" value="read" id="id_scopes_0" checked>' in form
    assert '<input type="checkbox" name="scopes" value="write" id="id_scopes_1">' in form
    assert "You have no API tokens yet." in form

    response = make(client, scopes=["read", "write"])

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = main_of(response)
    secrets = SECRET.findall(response.content.decode())
    assert len(secrets) == 1  # in the one field to copy it from, nowhere else on the page
    secret = secrets[0]
    assert f'<input id="new-token" class="secret-value" type="text" value="{secret}" readonly' in html
    assert "<strong>Copy it now: it will not be shown again.</strong>" in html
    assert "Give the token as “Authorization: Bearer &lt;token&gt;”." in html
    token = ApiToken.objects.get()
    assert f"{day(token.expires_at)}</time> (in 30 days)" in html
    assert (token.user, token.name, token.scopes, token.created_by) == (
        company_user,
        "Nightly export",
        ["read", "write"],
        company_user,
    )
    assert (token.digest, token.hint) == (token_digest(secret), secret[-4:])  # only its hash is kept
    assert secret not in str(list(ApiToken.objects.values())) and secret not in str(dict(client.session))
    record = ChangeRecord.objects.get(object_id=str(token.pk))
    assert (record.source, record.user) == (Source.SITE, company_user)

    listed = client.get(PAGE)
    assert secret not in listed.content.decode()
    assert rows(main_of(listed)) == [
        {
            "name": "Nightly export",
            "Scopes": "read, write",
            "Ends with": f"…{secret[-4:]}",
            "State": "active",
            "Created at": day(token.created_at),
            "Expires at": day(token.expires_at),
            "Last used at": "never",
            "revoke": "yes",
        }
    ]
    assert "1 active token<" in main_of(listed)

    # The secret works, as its owner, within its scopes; its use is listed.
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [row["name"] for row in api.get("/api/v1/tokens/").json()] == ["Nightly export"]
    assert rows(main_of(client.get(PAGE)))[0]["Last used at"] != "never"


def test_the_form_names_each_mistake_and_makes_nothing(company_user: User, client_as: ClientAs) -> None:
    response = make(client_as("company_user"), name="  ", scopes=[], expires_in_days="366")

    html = main_of(response)
    assert response.status_code == 200
    assert re.findall(r'<span class="error" id="id_\w+_error" role="alert">([^<]*)</span>', html) == [
        "This field is required.",  # a name of spaces is none
        "This field is required.",
        "Ensure this value is less than or equal to 365.",
    ]
    assert ApiToken.objects.count() == 0 and SECRET.search(response.content.decode()) is None


def test_a_judge_and_an_organiser_have_the_page_too_with_its_link_in_the_header(
    judge: User, organiser: User, client_as: ClientAs
) -> None:
    for persona in ("judge", "organiser"):
        client = client_as(persona)
        html = client.get(PAGE).content.decode()
        assert '<a href="/accounts/tokens/" aria-current="page">API tokens</a>' in html
        assert make(client, name=f"{persona}'s phone").status_code == 200
    assert sorted(ApiToken.objects.values_list("user__username", "name")) == [
        ("judge", "judge's phone"),
        ("organiser", "organiser's phone"),
    ]
    assert '<a href="/accounts/tokens/">API tokens</a>' in client_as("judge").get("/").content.decode()
    assert "/accounts/tokens/" not in Client().get("/").content.decode()  # nobody logged in: no such link
    assert Client().get(PAGE)["Location"] == f"/accounts/login/?next={PAGE}"


def test_revoking_asks_first_then_the_token_stops_working(company_user: User, client_as: ClientAs) -> None:
    new = token_create(owner=company_user, name="Old laptop", scopes=["read"], source=Source.COMMAND)
    client = client_as("company_user")

    confirm = main_of(client.get(revoke_url(new.token)))
    assert "<h1>Revoke “Old laptop”?</h1>" in confirm
    assert f'<form method="post" action="{revoke_url(new.token)}"' in confirm
    assert ApiToken.objects.get().revoked_at is None  # asking is not revoking

    response = client.post(revoke_url(new.token))

    assert (response.status_code, response["Location"]) == (302, PAGE)
    token = ApiToken.objects.get()
    assert token.revoked_at is not None
    record = ChangeRecord.objects.filter(object_id=str(token.pk)).latest("pk")
    assert (record.source, record.user, list(record.changes)) == (Source.SITE, company_user, ["revoked_at"])
    listed = main_of(client.get(PAGE))
    assert "“Old laptop” is revoked: it no longer works." in listed
    assert [(row["State"], row["revoke"]) for row in rows(listed)] == [("revoked", "no")]
    assert "0 active tokens<" in listed
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    assert api.get("/api/v1/tokens/").status_code == 401
    # Again: nothing more happens, and the page says it is done.
    assert client.post(revoke_url(token)).status_code == 302
    assert ApiToken.objects.get().revoked_at == token.revoked_at
    assert "It was revoked on " in main_of(client.get(revoke_url(token)))


def test_another_users_token_cannot_be_revoked_or_seen(
    company_user: User, other_company_user: User, judge: User, client_as: ClientAs
) -> None:
    theirs = token_create(owner=other_company_user, name="B's script", scopes=["read"], source=Source.COMMAND).token
    for persona in ("company_user", "judge"):
        client = client_as(persona)
        assert client.get(revoke_url(theirs)).status_code == 404
        assert client.post(revoke_url(theirs)).status_code == 404
        assert "B's script" not in client.get(PAGE).content.decode()
    assert client_as("company_user").get(f"{PAGE}{'9' * 19}/revoke/").status_code == 404  # too long to be an id
    assert ApiToken.objects.get().revoked_at is None


def test_wrong_passwords_count_towards_the_login_lockout_and_then_429(company_user: User, client_as: ClientAs) -> None:
    client = client_as("company_user")
    for attempt in range(1, 5):
        response = make(client, password="not my password")
        assert response.status_code == 200
        wrong = '<span class="error" id="id_password_error" role="alert">This is not your password.</span>'
        assert wrong in response.content.decode()
        assert AccessAttempt.objects.get(username="company_a").failures_since_start == attempt
    assert make(client, password="not my password").status_code == 429  # the fifth locks, as on the login page

    locked = make(client)  # the sixth, with the right password

    assert (locked.status_code, locked["Retry-After"]) == (429, "900")
    assert "Logging in is locked for this account or from this address after 5 failed attempts." in locked.content.decode()
    assert ApiToken.objects.count() == 0
    assert Client().post("/accounts/login/", {"username": "company_a", "password": PASSWORD}).status_code == 429  # one lockout
    assert client.get(PAGE).status_code == 200  # the session itself stays: only making a token is locked


def test_fewer_wrong_passwords_then_the_right_one_make_a_token(company_user: User, client_as: ClientAs) -> None:
    client = client_as("company_user")
    for _ in range(4):
        make(client, password="not my password")
    response = make(client)
    assert response.status_code == 200 and SECRET.search(response.content.decode())


def test_the_page_in_norwegian_and_swedish_with_plurals_and_dates(company_user: User, client_as: ClientAs) -> None:
    for name in ("First", "Second"):
        new = token_create(owner=company_user, name=name, scopes=["read", "write"], source=Source.COMMAND)
        moment = datetime(2021, 3, 1, 11, 30, tzinfo=UTC)
        ApiToken.objects.filter(pk=new.token.pk).update(created_at=moment, expires_at=moment + timedelta(days=365))
    ApiToken.objects.filter(name="First").update(last_used_at=datetime(2021, 3, 2, 9, 5, tzinfo=UTC))

    nb = main_of(client_as("company_user", HTTP_ACCEPT_LANGUAGE="nb").get(PAGE))
    sv = main_of(client_as("company_user", HTTP_ACCEPT_LANGUAGE="sv").get(PAGE))
    en = main_of(client_as("company_user").get(PAGE))

    assert "<h1>API-nøkler</h1>" in nb and "<h1>API-nycklar</h1>" in sv
    first = ApiToken.objects.get(name="First")
    shown = {key: rows(nb)[1][key] for key in ("name", "Tilganger", "Slutter på", "Opprettet", "Utløper", "Sist brukt")}
    assert shown == {
        "name": "First",
        "Tilganger": "lese, skrive",
        "Slutter på": f"…{first.hint}",
        "Opprettet": "1. mars 2021",
        "Utløper": "1. mars 2022",
        "Sist brukt": "02.03.2021 10:05",  # Oslo time, the Norwegian short format
    }
    assert rows(nb)[0]["Sist brukt"] != "02.03.2021 10:05"  # Second: never used
    assert (rows(sv)[1]["Behörigheter"], rows(sv)[1]["Skapad"], rows(sv)[1]["Går ut"]) == (
        "läsa, skriva",
        "1 mars 2021",
        "1 mars 2022",
    )
    assert (
        '<label for="id_name">Navn</label>' in nb and "Hva den skal brukes til, for eksempel «Telefonen til dommer Kari»." in nb
    )
    assert '<label for="id_name">Namn</label>' in sv
    # The days' help in the reader's language, whichever language the form was first made in.
    assert ("Høyst 365 dager." in nb, "Högst 365 dagar." in sv, "At most 365 days." in en) == (True, True, True)
    assert "Høyst" not in en and "At most" not in nb
    assert (rows(en)[1]["Created at"], rows(en)[1]["Last used at"]) == ("March 1, 2021", "03/02/2021 10:05 a.m.")
    # Both have expired by now; English plurals of the active ones.
    assert "0 active tokens<" in main_of(client_as("company_user").get(PAGE))
    for name in ("Third", "Fourth"):
        token_create(owner=company_user, name=name, scopes=["read"], source=Source.COMMAND)
    assert "2 active tokens<" in main_of(client_as("company_user").get(PAGE))
    ApiToken.objects.filter(name="Third").update(revoked_at=timezone.now())
    assert "1 active token<" in main_of(client_as("company_user").get(PAGE))


# The admin -----------------------------------------------------------------------------------

ADMIN = "/admin/award/apitoken/"


def test_an_organiser_makes_a_token_for_a_judge_and_sees_the_secret_once(
    organiser: User, judge: User, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    assert client.get(f"{ADMIN}add/").status_code == 200

    response = client.post(
        f"{ADMIN}add/", {"user": judge.pk, "name": "Kari's phone", "scopes": ["read", "write"], "expires_in_days": "60"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secrets = SECRET.findall(page)
    assert len(secrets) == 1
    secret = secrets[0]
    assert "<strong>Copy it now: it will not be shown again.</strong> Give it to judge the way you would give a password." in page
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.scopes, token.digest) == (
        judge,
        organiser,
        ["read", "write"],
        token_digest(secret),
    )
    assert abs(token.expires_at - (timezone.now() + timedelta(days=60))) < timedelta(minutes=1)
    record = ChangeRecord.objects.get(object_id=str(token.pk))
    assert (record.source, record.user) == (Source.ADMIN, organiser)
    # Never again: not in the list, not on its page, not in a message; the digest is never shown.
    for url in (ADMIN, f"{ADMIN}{token.pk}/change/", f"{ADMIN}{token.pk}/history/", "/admin/"):
        html = client.get(url).content.decode()
        assert secret not in html and token.digest not in html, url
    change = client.get(f"{ADMIN}{token.pk}/change/").content.decode()
    assert f"<title>Kari&#x27;s phone (…{token.hint}) | View API token |" in change
    assert client.post(f"{ADMIN}{token.pk}/change/", {"name": "Renamed"}).status_code == 403  # never changed
    # The secret is the judge's key to the API.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [row["name"] for row in api.get("/api/v1/tokens/").json()] == ["Kari's phone"]


def test_an_organiser_revokes_with_the_action_and_deletes_nothing(organiser: User, judge: User, client_as: ClientAs) -> None:
    tokens = [token_create(owner=judge, name=name, scopes=["read"], source=Source.COMMAND).token for name in ("one", "two")]
    client = client_as("organiser")
    listed = client.get(ADMIN).content.decode()
    assert 'value="revoke"' in listed and 'value="delete_selected"' not in listed

    response = client.post(ADMIN, {"action": "revoke", "_selected_action": [tokens[0].pk]}, follow=True)

    assert "1 token revoked." in response.content.decode()
    assert [token.revoked_at is not None for token in ApiToken.objects.order_by("pk")] == [True, False]
    record = ChangeRecord.objects.filter(object_id=str(tokens[0].pk)).latest("pk")
    assert (record.source, record.user) == (Source.ADMIN, organiser)
    assert client.get(f"{ADMIN}{tokens[0].pk}/delete/").status_code == 403
    assert client.post(f"{ADMIN}{tokens[0].pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.count() == 2


def test_an_organiser_cannot_make_a_superusers_token(organiser: User, superuser: User, client_as: ClientAs) -> None:
    response = client_as("organiser").post(
        f"{ADMIN}add/", {"user": superuser.pk, "name": "root", "scopes": ["read"], "expires_in_days": "30"}
    )
    assert response.status_code == 200
    assert "Select a valid choice. That choice is not one of the available choices." in response.content.decode()
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("persona", ["judge", "company_user"])
def test_a_judge_or_a_company_user_cannot_reach_the_token_admin(
    persona: str, judge: User, company_user: User, client_as: ClientAs
) -> None:
    token = token_create(owner=judge, name="mine", scopes=["read"], source=Source.COMMAND).token
    client = client_as(persona)
    for url in (ADMIN, f"{ADMIN}add/", f"{ADMIN}{token.pk}/change/", f"{ADMIN}{token.pk}/history/"):
        response = client.get(url)
        if persona == "judge":
            assert response.status_code == 403, url
        else:
            assert response["Location"] == f"/admin/login/?next={url}", url
    post = client.post(f"{ADMIN}add/", {"user": judge.pk, "name": "x", "scopes": ["read"], "expires_in_days": "30"})
    assert post.status_code == 403 if persona == "judge" else post["Location"] == f"/admin/login/?next={ADMIN}add/"
    assert ApiToken.objects.count() == 1
    if persona == "judge":
        assert "/admin/award/apitoken/" not in client.get("/admin/").content.decode()
