"""The dashboard's contact list a page at a time: every contact on exactly one page, in order, a company's own only,
page links that keep the address's other parameters, and no address that fails (a bad page number is a page)."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from award.models import Participant
from dashboard import contacts as contact_list
from dashboard.contacts import ContactsPage, participant_contacts
from tests.api.test_company import api_as, contacts_url, every_contact
from tests.conftest import ClientAs, record
from tests.factories import QuestionFactory

MINI_ORDER = ["P001", "P002", "P003", "P004", "E100", "E101", "E102", "C100", "C101", "C102"]  # Sognenett's, oldest first


@pytest.fixture
def three_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contact_list, "CONTACTS_PER_PAGE", 3)


def refs(html: str) -> list[str]:
    return re.findall(r'data-ref="([^"]+)"', html)


def test_every_contact_is_on_exactly_one_page_in_order(reader: Client, sognenett: Participant, three_a_page: None) -> None:
    pages = [reader.get("/dashboard/", {"page": n}, HTTP_ACCEPT_LANGUAGE="en") for n in (1, 2, 3, 4)]
    assert [refs(page.content.decode()) for page in pages] == [MINI_ORDER[0:3], MINI_ORDER[3:6], MINI_ORDER[6:9], MINI_ORDER[9:]]
    first, last = pages[0].content.decode(), pages[3].content.decode()
    assert '10 counted contacts, oldest first · <span data-figure="page">Page 1 of 4</span>' in first
    assert 'href="?page=2#contacts-title" rel="next">Newer</a>' in first and 'rel="prev"' not in first
    assert 'href="?page=3#contacts-title" rel="prev">Older</a>' in last and 'rel="next"' not in last
    assert '<strong aria-current="page">4</strong>' in last
    # The summary above the list counts every contact, whatever the page.
    assert all(page.context["dashboard"].overall_contacts == 10 for page in pages)


def test_one_page_needs_no_page_links(reader: Client, sognenett: Participant) -> None:
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert refs(html) == MINI_ORDER
    assert "10 counted contacts, oldest first</p>" in html
    assert 'class="pages' not in html and "Page 1 of 1" not in html


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("abc", 1), ("", 1), ("2.5", 1), ("0", 4), ("-1", 4), ("99999", 4), ("9" * 18, 4), ("4", 4)],
)
def test_a_bad_page_number_gives_a_page_never_an_error(
    reader: Client, sognenett: Participant, three_a_page: None, asked: str, shown: int
) -> None:
    for url in (f"/dashboard/2021/{sognenett.pk}/", f"/dashboard/2021/{sognenett.pk}/report/"):
        response = reader.get(url, {"page": asked})
        assert response.status_code == 200, url
        assert response.context["dashboard"].contacts_page.page.number == shown, url
    # Past what a database column holds, the site's own guard answers first (config.middleware.NumbersInRange).
    assert reader.get("/dashboard/", {"page": "9" * 40}).status_code == 400


def test_page_links_keep_the_addresss_other_parameters(reader: Client, sognenett: Participant, three_a_page: None) -> None:
    html = reader.get("/dashboard/", {"channel": "phone", "sort": "date & time", "page": "2"}).content.decode()
    assert 'href="?channel=phone&amp;sort=date+%26+time&amp;page=3#contacts-title"' in html
    assert 'href="?channel=phone&amp;sort=date+%26+time&amp;page=1#contacts-title"' in html


def test_the_report_is_paged_and_says_which_page_it_is(reader: Client, sognenett: Participant, three_a_page: None) -> None:
    html = reader.get(f"/dashboard/2021/{sognenett.pk}/report/", {"page": 2}, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert refs(html) == MINI_ORDER[3:6]
    assert html.count("<details open>") == 3
    assert "Side 2 av 4" in html  # printed with the page; the links are not (no-print)
    assert '<nav class="pages no-print"' in html


def test_counts_and_pages_are_written_in_the_readers_language() -> None:
    """5,100 contacts in pages of 50: the numbers grouped as each language groups them."""
    line = SimpleNamespace(
        contact=SimpleNamespace(ref="X1", happened_at=None, answered=False, get_channel_display="Phone", comment=""),
        wait="",
        score=None,
        answers=[],
    )
    page = Paginator(range(5100), 50).get_page(2)
    listed: Any = [line]  # what the template reads of a ContactLine
    dashboard = SimpleNamespace(contacts=listed, contacts_page=ContactsPage(lines=listed, page=page))  # type: ignore[arg-type]
    shown = {}
    for language in ("en", "nb", "sv"):
        with translation.override(language):
            shown[language] = render_to_string("dashboard/_contacts.html", {"dashboard": dashboard, "query": ""})
    assert "5,100 counted contacts, oldest first" in shown["en"] and "Page 2 of 102" in shown["en"]
    assert "5\xa0100 " in shown["nb"] and "Side 2 av 102" in shown["nb"]
    assert "5\xa0100 " in shown["sv"] and "Sida 2 av 102" in shown["sv"]
    assert ">102</a>" in shown["en"] and '<span class="gap">…</span>' in shown["en"]  # 1 2 3 4 … 101 102


@pytest.fixture
def two_companies(participant_a: Participant, participant_b: Participant, judge: Any) -> None:
    """A and B in one edition, contacts interleaved in time, so that any page of A's would catch one of B's."""
    edition = participant_a.edition
    QuestionFactory.create(edition=edition, channel="phone", key="solution", area="Solution", max_points=10)
    for n in range(7):
        for entrant in (participant_a, participant_b):
            record(
                edition,
                ref=f"{entrant.name[-1]}{n}",
                participant=entrant,
                channel="phone",
                judge=judge,
                happened_at=datetime.fromisoformat(f"{edition.year}-02-0{n + 1}T10:00:00+01:00"),
                answers={"solution": n},
                comment=f"About {entrant.name}",
            )


def test_a_company_sees_only_its_own_contacts_on_every_page(
    two_companies: None, participant_a: Participant, client_as: ClientAs, three_a_page: None
) -> None:
    client = client_as("company_user")
    base = f"/dashboard/{participant_a.edition.year}/{participant_a.pk}"
    listed = []
    for n in (1, 2, 3):
        for url in (f"{base}/", f"{base}/report/"):
            html = client.get(url, {"page": n}).content.decode()
            assert "About Company B" not in html and all(ref.startswith("A") for ref in refs(html)), url
        listed += refs(client.get(f"{base}/", {"page": n}).content.decode())
    assert listed == [f"A{n}" for n in range(7)]
    # B's user asking A's pages, any page: not found.
    other = client_as("other_company_user")
    assert {other.get(f"{base}/", {"page": n}).status_code for n in ("1", "2", "abc")} == {404}


def test_the_apis_pages_hold_its_own_contacts_only(
    two_companies: None, participant_a: Participant, participant_b: Participant, company_user: User
) -> None:
    client = api_as(company_user)
    walked = every_contact(client, f"{contacts_url(participant_a)}?page_size=2")
    assert [contact["ref"] for contact in walked] == [f"A{n}" for n in reversed(range(7))]  # newest first
    assert client.get(contacts_url(participant_b)).status_code == 404


def test_the_export_is_read_in_chunks_each_with_its_answers(
    two_companies: None, participant_a: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact_list, "CHUNK", 2)
    questions = contact_list.participant_questions(participant=participant_a)
    with CaptureQueriesContext(connection) as captured:
        streamed = participant_contacts(participant=participant_a, questions=questions)
        first = next(streamed)
        assert sum("channels_app_answer" in query["sql"] for query in captured) == 1  # the first chunk's answers only
        lines = [first, *streamed]
    # One query for the answers of each chunk of two contacts: 4 chunks for 7 contacts.
    assert sum("channels_app_answer" in query["sql"] for query in captured) == 4
    assert [line.contact.ref for line in lines] == [f"A{n}" for n in range(7)]
    assert [line.answers[0].points for line in lines] == list(range(7))
