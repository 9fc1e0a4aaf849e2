"""Personal API tokens through the API: made with a login (under the lockout), used within their scopes, revoked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import ChangeRecord, Source
from award.accounts.tokens import token_create, token_digest
from award.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TOKENS = "/api/v1/tokens/"
PASSWORD = "a long and good password"


@pytest.fixture
def kari() -> User:
    user: User = UserFactory.create(username="kari")
    user.set_password(PASSWORD)
    user.save()
    return user


def bearer(secret: str, **headers: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def ask_for_token(client: APIClient, password: str = PASSWORD, **fields: Any) -> Any:
    body = {"username": "kari", "password": password, "name": "Kari's phone", "scopes": ["read", "write"], **fields}
    return client.post(TOKENS, body, format="json")


def test_a_login_gets_a_token_shown_once_and_stored_hashed(kari: User) -> None:
    response = ask_for_token(APIClient(), expires_in_days=30)

    assert response.status_code == 201
    body = response.json()
    secret = body.pop("token")
    assert secret.startswith("csa_") and len(secret) == 4 + 43
    token = ApiToken.objects.get()
    assert (token.user, token.digest, token.hint, token.scopes) == (kari, token_digest(secret), secret[-4:], ["read", "write"])
    assert secret not in str(list(ApiToken.objects.values()))  # only its hash is kept
    assert body["name"] == "Kari's phone" and body["state"] == "active" and body["scopes"] == ["read", "write"]
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    record = ChangeRecord.objects.get(object_id=str(token.pk))
    assert (record.source, record.user) == (Source.API, kari)

    listed = bearer(secret).get(TOKENS)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [token.pk]
    assert "token" not in listed.json()[0] and secret not in listed.content.decode()


def test_a_token_answers_within_its_scopes(kari: User, other_company_user: User) -> None:
    reader = token_create(owner=kari, name="read", scopes=["read"], source=Source.COMMAND)
    writer = token_create(owner=kari, name="write", scopes=["write"], source=Source.COMMAND)
    others = token_create(owner=other_company_user, name="theirs", scopes=["read", "write"], source=Source.COMMAND)

    assert bearer(reader.secret).get(TOKENS).status_code == 200
    refused = bearer(reader.secret).delete(f"{TOKENS}{writer.token.pk}/")
    assert (refused.status_code, refused.json()) == (403, {"detail": "This token does not have the scope this request needs."})
    assert bearer(writer.secret).get(TOKENS).status_code == 403  # write alone does not read
    assert bearer(writer.secret).delete(f"{TOKENS}{others.token.pk}/").status_code == 404  # not theirs: not found
    assert bearer(writer.secret).delete(f"{TOKENS}{reader.token.pk}/").status_code == 204
    assert bearer(reader.secret).get(TOKENS).status_code == 401  # revoked
    assert ApiToken.objects.get(pk=others.token.pk).revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer csa_not-a-token", "Bearer not-even-the-prefix", "Bearer \u00e9"],
)
def test_a_wrong_token_is_a_401_never_an_anonymous_request(header: str) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(TOKENS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_credentials_is_a_401_with_the_scheme_to_use() -> None:
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(TOKENS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_expired_revoked_and_inactive_tokens_are_refused(kari: User) -> None:
    new = token_create(owner=kari, name="phone", scopes=["read"], source=Source.COMMAND)
    assert bearer(new.secret).get(TOKENS).status_code == 200
    ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(new.secret).get(TOKENS).status_code == 401
    ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    User.objects.filter(pk=kari.pk).update(is_active=False)
    assert bearer(new.secret).get(TOKENS).status_code == 401


def test_bad_requests_for_a_token_name_each_field_in_the_readers_language(kari: User) -> None:
    response = ask_for_token(APIClient(HTTP_ACCEPT_LANGUAGE="nb"), name="", scopes=["admin"], expires_in_days=400)
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Dette feltet må ikke være blankt."],  # DRF's own messages, in DRF's own Norwegian
        "scopes": {"0": ['"admin" er ikke et gyldig valg.']},
        "expires_in_days": ["Sikre denne verdien er mindre enn eller lik 365."],
    }
    assert ApiToken.objects.count() == 0


def test_wrong_passwords_count_towards_the_login_lockout(kari: User) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(4):
        wrong = ask_for_token(client, password="wrong")
        assert (wrong.status_code, wrong.json()) == (401, {"detail": "Wrong username or password."})
    locked = ask_for_token(client, password="wrong")  # the fifth failure locks
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert locked.json() == {
        "detail": "Logging in is locked for this account or from this address after 5 failed attempts. Try again in 15 minutes."
    }
    still = ask_for_token(client)  # the right password no longer helps
    assert still.status_code == 429
    nb = ask_for_token(APIClient(HTTP_ACCEPT_LANGUAGE="nb"))
    assert nb.json()["detail"].startswith("Innlogging er sperret for denne kontoen")
    assert ApiToken.objects.count() == 0


def test_a_browser_session_reads_and_must_pass_the_csrf_check_to_write(kari: User) -> None:
    new = token_create(owner=kari, name="phone", scopes=["read"], source=Source.COMMAND)
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(kari)
    assert [row["name"] for row in client.get(TOKENS).json()] == ["phone"]
    refused = client.delete(f"{TOKENS}{new.token.pk}/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
    assert ApiToken.objects.get().revoked_at is None


@override_settings(REST_FRAMEWORK=settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"token": "3/min", "address": "5/min"}})
def test_a_token_and_an_address_are_throttled_with_retry_after(kari: User, other_company_user: User) -> None:
    mine = token_create(owner=kari, name="a", scopes=["read"], source=Source.COMMAND)
    theirs = token_create(owner=other_company_user, name="b", scopes=["read"], source=Source.COMMAND)
    statuses = [bearer(mine.secret).get(TOKENS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = bearer(mine.secret).get(TOKENS)
    assert throttled.status_code == 429 and 1 <= int(throttled["Retry-After"]) <= 60
    assert throttled.json()["detail"].startswith("Request was throttled.")
    # Another token from the same address: its own three, until the address's five are spent.
    assert [bearer(theirs.secret).get(TOKENS).status_code for _ in range(2)] == [429, 429]
