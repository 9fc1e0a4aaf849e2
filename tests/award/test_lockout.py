"""Brute force: after five failed logins an account, and an address, is locked out on the site and in the admin alike,
with a page in the reader's language; the right password does not get in while locked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def account(db: None) -> User:
    user: User = UserFactory.create(username="kari", is_staff=True, is_superuser=True)
    user.set_password("the-right-password-2021")
    user.save()
    return user


@pytest.mark.parametrize(
    ("url", "language", "text"),
    [
        ("/accounts/login/", "nb", "Innloggingen er sperret"),
        ("/admin/login/", "en", "Logging in is locked for this account or from this address after 5 failed attempts."),
    ],
)
def test_five_failures_lock_the_account_even_for_the_right_password(account: User, url: str, language: str, text: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for _ in range(4):
        assert client.post(url, {"username": "kari", "password": "wrong"}).status_code == 200  # the form says why
    assert client.post(url, {"username": "kari", "password": "wrong"}).status_code == 429  # the fifth locks
    locked = client.post(url, {"username": "kari", "password": "the-right-password-2021"})
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert text in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_another_address_too(account: User) -> None:
    for _ in range(5):
        Client(REMOTE_ADDR="10.0.0.1").post("/accounts/login/", {"username": "kari", "password": "wrong"})
    other = Client(REMOTE_ADDR="10.0.0.2").post("/accounts/login/", {"username": "kari", "password": "the-right-password-2021"})
    assert other.status_code == 429


def test_an_address_that_tries_many_accounts_is_locked(account: User) -> None:
    client = Client(REMOTE_ADDR="10.0.0.3")
    for n in range(5):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "kari", "password": "the-right-password-2021"}).status_code == 429
    fine = Client(REMOTE_ADDR="10.0.0.4").post("/accounts/login/", {"username": "kari", "password": "the-right-password-2021"})
    assert fine.status_code == 302  # the account itself is not locked: another address logs in


def test_fewer_failures_then_the_right_password_log_in_and_reset_the_count(account: User) -> None:
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/", {"username": "kari", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "kari", "password": "the-right-password-2021"}).status_code == 302


@pytest.mark.parametrize(
    ("url", "language", "message"),
    [
        ("/accounts/login/", "nb", "Sørg for at denne verdien har 150 eller færre tegn (den har nå 300)."),
        ("/admin/login/", "en", "Ensure this value has at most 150 characters (it has 300)."),
    ],
)
def test_a_too_long_username_is_an_error_on_the_field(account: User, url: str, language: str, message: str) -> None:
    """Once a 500 on PostgreSQL (axes recorded the failure in a column of 255); now the field's error, nothing recorded."""
    from axes.models import AccessAttempt, AccessFailureLog

    page = Client(HTTP_ACCEPT_LANGUAGE=language).post(url, {"username": "k" * 300, "password": "wrong"})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
