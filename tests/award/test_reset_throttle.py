"""Password resets and invitations cannot be asked for without limit: three mails an hour to one address, ten
requests an hour from one client; the page answers the same either way."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from award.models import Membership


def ask(email: str, address: str = "10.1.1.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email})


def test_one_address_gets_three_mails_an_hour(company_user: Any) -> None:
    company_user.email = "anne@company-a.example"
    company_user.save(update_fields=["email"])
    answers = [ask("anne@company-a.example", address=f"10.1.1.{n}") for n in range(5)]
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, "/accounts/password/reset/sent/")] * 5
    assert len(mail.outbox) == 3
    ask("ANNE@company-a.example", address="10.1.1.9")  # the same address in other letters
    assert len(mail.outbox) == 3


def test_an_invited_account_is_not_sent_an_invitation_per_request(company_user: Any) -> None:
    company_user.email = "kari@company-a.example"
    company_user.set_unusable_password()
    company_user.save()
    assert Membership.objects.filter(user=company_user).exists()
    for n in range(6):
        ask("kari@company-a.example", address=f"10.2.2.{n}")
    assert len(mail.outbox) == 3  # invitations, not one per request


def test_one_client_gets_ten_requests_an_hour_whatever_the_addresses(company_user: Any) -> None:
    company_user.email = "anne@company-a.example"
    company_user.save(update_fields=["email"])
    for n in range(10):
        ask(f"nobody{n}@example.org")
    ask("anne@company-a.example")  # the eleventh from that client
    assert mail.outbox == []
    ask("anne@company-a.example", address="10.9.9.9")
    assert len(mail.outbox) == 1
