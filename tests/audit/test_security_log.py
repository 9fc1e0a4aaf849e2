"""The security log of the accounts: logins on the site and in the admin, failed logins, lockouts, logouts, refusals
(403s, the admin refused), with the user, the client's address and the time; never a password (docs/security.md)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.test import Client

from award.models import Edition
from tests.audit.conftest import SecurityLog
from tests.conftest import ClientAs
from tests.factories import UserFactory

PASSWORD = "Sesam-åpne-deg-2021"  # the right one
WRONG = "Feil-passord-99"


@pytest.fixture
def kari(db: None) -> User:
    user: User = UserFactory.create(username="kari", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_login_on_the_site_and_in_the_admin(kari: User, url: str, security_log: SecurityLog) -> None:
    response = client_at("10.0.0.7").post(url, {"username": "kari", "password": PASSWORD})

    assert response.status_code == 302
    assert security_log() == [{"event": "login", "user": "kari", "ip": "10.0.0.7", "path": url}]


def test_a_failed_login_names_the_username_as_typed_and_never_the_password(
    kari: User, security_log: SecurityLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger's every line, not only the security log's
    client = client_at("10.0.0.8")

    assert client.post("/accounts/login/", {"username": "kari", "password": WRONG}).status_code == 200
    client.post("/admin/login/", {"username": "Kari", "password": PASSWORD})  # another username: usernames are exact
    client.post("/accounts/login/", {"username": "kari", "password": PASSWORD})

    assert security_log() == [
        {"event": "login.failed", "user": "kari", "ip": "10.0.0.8", "path": "/accounts/login/"},
        {"event": "login.failed", "user": "Kari", "ip": "10.0.0.8", "path": "/admin/login/"},
        {"event": "login", "user": "kari", "ip": "10.0.0.8", "path": "/accounts/login/"},
    ]
    assert [record.levelname for record in caplog.records if record.name == "award.security"] == ["WARNING"] * 2 + ["INFO"]
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    assert all(WRONG not in record.getMessage() and PASSWORD not in record.getMessage() for record in caplog.records)


def test_a_lockout_after_the_configured_failures_and_each_login_refused_during_it(
    kari: User, security_log: SecurityLog, settings: Any
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = client_at("10.0.0.9")
    for _ in range(5):
        client.post("/admin/login/", {"username": "kari", "password": WRONG})
    refused = client.post("/admin/login/", {"username": "kari", "password": PASSWORD})

    assert refused.status_code == 429
    failed = {"event": "login.failed", "user": "kari", "ip": "10.0.0.9", "path": "/admin/login/"}
    lockout = {"event": "lockout", "user": "kari", "ip": "10.0.0.9", "path": "/admin/login/", "limit": 5}
    assert security_log() == [
        *[failed] * 4,
        {**lockout, "failures": 5},  # the fifth failure: axes counts it and locks, then it is logged as failed
        failed,
        {**lockout, "failures": 6},  # the right password, refused while locked out (and counted): no login
        failed,
    ]


def test_a_logout(company_user: User, security_log: SecurityLog) -> None:
    client = client_at("10.0.1.1")
    client.force_login(company_user)

    client.post("/accounts/logout/")

    assert security_log("logout") == [{"event": "logout", "user": "company_a", "ip": "10.0.1.1", "path": "/accounts/logout/"}]


def test_a_403_on_a_forbidden_page_of_the_site_and_of_the_admin(
    mini: Edition, judge1: User, company_user: User, client_as: ClientAs, security_log: SecurityLog
) -> None:
    assert client_as("company_user", REMOTE_ADDR="10.0.2.1").get("/work/conflicts/?x=1").status_code == 403
    assert client_as("judge1", REMOTE_ADDR="10.0.2.2").get("/admin/audit/changerecord/").status_code == 403

    assert security_log("permission.denied") == [
        {"event": "permission.denied", "user": "company_a", "ip": "10.0.2.1", "method": "GET", "path": "/work/conflicts/"},
        {"event": "permission.denied", "user": "judge1", "ip": "10.0.2.2", "method": "GET", "path": "/admin/audit/changerecord/"},
    ]


def test_a_post_refused_by_the_csrf_check_is_a_403_in_the_log(kari: User, security_log: SecurityLog) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.2.3")

    assert client.post("/accounts/login/", {"username": "kari", "password": PASSWORD}).status_code == 403

    assert security_log() == [
        {"event": "permission.denied", "user": "-", "ip": "10.0.2.3", "method": "POST", "path": "/accounts/login/"}
    ]


def test_the_admin_refused_to_a_company_user_logged_in_and_to_their_right_password(
    company_user: User, client_as: ClientAs, security_log: SecurityLog, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_as("company_user", REMOTE_ADDR="10.0.3.1")
    caplog.clear()  # the test client's force_login is a login too
    page = client.get("/admin/award/participant/")
    company_user.set_password(PASSWORD)
    company_user.save()
    login = client_at("10.0.3.2").post("/admin/login/", {"username": "company_a", "password": PASSWORD})

    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert login.status_code == 200 and "for a staff account" in login.content.decode()
    assert security_log("admin.refused", "login") == [
        {"event": "admin.refused", "user": "company_a", "ip": "10.0.3.1", "path": "/admin/award/participant/"},
        {"event": "admin.refused", "user": "company_a", "ip": "10.0.3.2", "path": "/admin/login/"},
    ]


def test_a_username_cannot_forge_a_line_and_is_cut_to_a_sane_length(db: None, security_log: SecurityLog) -> None:
    typed = 'kari"\n{"event": "login", "user": "root"}\r\u2028\x1b[31m\u202e' + "x" * 100  # within the form's 150

    client_at("10.0.4.1").post("/accounts/login/", {"username": typed, "password": WRONG})
    # The login forms refuse a longer name on the field (award.accounts.forms); another way in may still pass one.
    user_login_failed.send(sender=__name__, credentials={"username": "y" * 400}, request=None)

    failed, cut = security_log()
    assert failed["event"] == "login.failed" and failed["user"] == typed
    assert cut["event"] == "login.failed" and cut["user"] == "y" * 149 + "…"


def test_control_characters_are_json_escapes_on_the_line(db: None, caplog: pytest.LogCaptureFixture) -> None:
    client_at("10.0.4.2").post("/accounts/login/", {"username": "a\nb\x1bc\u2028d\u202ee\x85f", "password": WRONG})

    (line,) = [record.getMessage() for record in caplog.records if record.name == "award.security"]
    assert '"user": "a\\nb\\u001bc\\u2028d\\u202ee\\u0085f"' in line
    assert line.isprintable() and json.loads(line)["user"] == "a\nb\x1bc\u2028d\u202ee\x85f"


def test_a_throttled_reset_names_the_limit_never_the_address(company_user: User, security_log: SecurityLog) -> None:
    for n in range(11):
        client_at("10.0.5.1").post("/accounts/password/reset/", {"email": f"nobody{n}@example.org"})

    assert security_log("throttled") == [
        {"event": "throttled", "user": "-", "ip": "10.0.5.1", "kind": "reset-client", "count": 11, "limit": 10}
    ]
    assert "nobody10@example.org" not in str(security_log())


def test_the_token_of_an_invitation_link_is_blanked_out_of_the_path(db: None, security_log: SecurityLog) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.6.1")

    assert (
        client.post("/accounts/invitation/MQ/cg7h2k-0a1b2c3d4e5f6a7b8c9d/?next=/x", {"new_password1": WRONG}).status_code == 403
    )

    assert security_log() == [
        {
            "event": "permission.denied",
            "user": "-",
            "ip": "10.0.6.1",
            "method": "POST",
            "path": "/accounts/invitation/MQ/********/",
        }
    ]
