"""The company dashboard's numbers, checked against hand-computed values of the mini sample and the standings."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from award.dashboard_selectors import one_decimal, participant_dashboard, wait_text
from award.models import Edition, Membership, Participant
from award.selectors import latest_publication, publication_document
from award.services import publication_create
from channels_app.models import Contact
from channels_app.services import ContactInput, contact_record
from scoring.models import ChannelStanding, OverallStanding
from tests.conftest import record
from tests.factories import ParticipantFactory, QuestionFactory, UserFactory


@pytest.fixture
def sognenett(mini: Edition) -> Participant:
    return Participant.objects.get(edition=mini, name="Sognenett")


@pytest.fixture
def reader(sognenett: Participant) -> Client:
    """A company user of Sognenett in the mini sample, logged in."""
    user = UserFactory(username="sognenett-reader")
    Membership.objects.create(user=user, participant=sognenett)
    client = Client()
    client.force_login(user)
    return client


def figure(html: str, channel: str | None, name: str) -> str:
    """The text of a `data-figure` element, in one channel's section or in the summary."""
    import re

    if channel is not None:
        html = html.split(f'data-channel="{channel}" aria-labelledby', 1)[1].split("</section>", 1)[0]
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_dashboard_shows_the_hand_computed_numbers_of_the_mini_sample(reader: Client, sognenett: Participant) -> None:
    response = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    dashboard = response.context["dashboard"]

    # scoring.md §3: (80 + 86.6667 + 0 + 100 + 100 + 80 + 93.3333 + 94.4444 + 88.8889 + 83.3333) / 10 = 80.6667
    assert (dashboard.overall, dashboard.overall_contacts, dashboard.qualified) == (Decimal("80.6667"), 10, True)
    assert figure(html, None, "overall") == "80.7"
    phone, email, chat = dashboard.channels
    assert [block.channel for block in dashboard.channels] == ["phone", "email", "chat"]
    # Phone: (80 + 86.6667 + 0 + 100) / 4 = 66.6667; answered only / 3 = 88.8889; field (5 participants) 73.3.
    assert (phone.contacts, phone.unanswered, phone.total, phone.answered) == (4, 1, Decimal("66.6667"), Decimal("88.8889"))
    assert (figure(html, "phone", "total"), figure(html, "phone", "answered"), figure(html, "phone", "field-average")) == (
        "66.7",
        "88.9",
        "73.3",
    )
    assert phone.field_average.participants == 5
    # E-mail: (100 + 80 + 93.3333) / 3 = 91.1111; field (91.1111 + 91.1111 + 88.8889) / 3 = 90.3704.
    assert (email.total, email.field_average.value) == (Decimal("91.1111"), Decimal("90.4"))
    # Chat: (94.4444 + 88.8889 + 83.3333) / 3 = 88.8889.
    assert chat.total == Decimal("88.8889")

    # Performance areas of phone: own points against the field's (counted questions, N/A left out).
    areas = {area.area: (area.own, area.field) for area in phone.areas}
    assert areas == {
        "Answer and waiting time": (Decimal("86.7"), Decimal("87.7")),  # 13/15 against 57/65 (13 answered contacts)
        "The agent": (Decimal("90.0"), Decimal("90.0")),  # 9/10 (P002 N/A) against 54/60
        "Solution": (Decimal("90.0"), Decimal("90.8")),  # 27/30 against 118/130
    }
    assert "Customer experience" not in areas  # counts = false: recorded, never scored

    # Chat split: C100 and C102 by an agent, C101 begun by a chatbot and passed on to an agent.
    handlers = {line.handler: (line.contacts, line.score, line.passed_to_agent) for line in chat.handlers}
    assert handlers == {"agent": (2, Decimal("88.9"), 0), "bot": (1, Decimal("88.9"), 1)}
    assert phone.handlers == [] and not phone.splits_handlers

    # One bar per month: all of the mini's contacts are in February 2021.
    assert [(m.month.isoformat(), m.contacts, m.score) for m in phone.months] == [("2021-02-01", 4, Decimal("66.7"))]
    assert "<svg" in html and "66.7</text>" in html

    # Every counted contact, oldest first, with its questions; no judge anywhere.
    assert [line.contact.ref for line in dashboard.contacts] == [
        "P001",
        "P002",
        "P003",
        "P004",
        "E100",
        "E101",
        "E102",
        "C100",
        "C101",
        "C102",
    ]
    p002 = dashboard.contacts[1]
    assert [(a.question.key, a.points, a.question.max_points) for a in p002.answers] == [
        ("wait", 3, 5),
        ("greeting", None, 5),
        ("solution", 10, 10),
        ("feeling", 1, 5),
    ]
    assert "No name given" in html and "Hung up after 5 minutes in the queue" in html
    assert "judge1" not in html and "judge2" not in html


def test_dashboard_agrees_with_the_standings_for_every_participant(mini: Edition) -> None:
    for participant in Participant.objects.filter(edition=mini).select_related("edition", "award_class").with_channels():
        dashboard = participant_dashboard(participant=participant)
        overall = OverallStanding.objects.get(participant=participant)
        assert (dashboard.overall, dashboard.qualified, dashboard.overall_contacts) == (
            overall.overall,
            overall.qualified,
            overall.contacts,
        )
        for block in dashboard.channels:
            standing = ChannelStanding.objects.get(participant=participant, channel=block.channel)
            assert (block.total, block.answered, block.contacts, block.unanswered) == (
                standing.total,
                standing.answered,
                standing.contacts,
                standing.unanswered,
            )


def test_numbers_and_dates_are_localised(reader: Client) -> None:
    nb = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    en = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(nb, None, "overall") == "80,7" and figure(en, None, "overall") == "80.7"
    assert figure(nb, "phone", "field-average") == "73,3"
    assert "01.02.2021 10:15" in nb  # P001, local time, Norwegian short format
    assert '<h2 id="channel-phone-title">Telefon</h2>' in nb and '<h2 id="channel-phone-title">Phone</h2>' in en


def test_drafts_and_voided_contacts_never_show(reader: Client, sognenett: Participant, mini: Edition) -> None:
    judge = Contact.objects.filter(ref="P001").get().judge
    record(
        mini,
        participant=sognenett,
        channel="phone",
        judge=judge,
        answers={"wait": 1, "greeting": 1, "solution": 1},
        comment="A draft nobody may read yet",
        status="draft",
    )
    record(
        mini,
        participant=sognenett,
        channel="phone",
        judge=judge,
        answers={"wait": 1, "greeting": 1, "solution": 1},
        comment="Voided: wrong company",
        voided=True,
        void_reason="wrong number",
    )
    html = reader.get("/dashboard/").content.decode()
    assert "A draft nobody may read yet" not in html and "Voided: wrong company" not in html
    assert html.count('class="contact"') == 10


def test_class_average_is_hidden_below_three_participants_of_the_class_with_a_score(
    reader: Client, mini: Edition, sognenett: Participant, django_capture_on_commit_callbacks: Any
) -> None:
    """Broadband has Sognenett and Tussa: hidden. A third broadband participant with a phone contact shows it for phone only."""
    first = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(first, "phone", "class-average") == "hidden"
    assert "(now 2)" in figure_note(first, "phone")

    third = ParticipantFactory(name="Breiband Nord", edition=mini, award_class=sognenett.award_class, channels=["phone", "email"])
    judge = Contact.objects.get(ref="P001").judge
    with django_capture_on_commit_callbacks(execute=True):  # the rescoring runs at commit
        record(mini, participant=third, channel="phone", judge=judge, answers={"wait": 5, "greeting": 5, "solution": 5})  # 75.0
    # One scored contact is enough to count; Breiband Nord has no e-mail contact, so e-mail stays hidden.
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # (66.6667 + 96.6667 + 75.0000) / 3 = 79.4445 (half-up from 79.44446...)
    assert figure(html, "phone", "class-average") == "79.4"
    assert figure(html, "email", "class-average") == "hidden"
    dashboard = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").context["dashboard"]
    assert dashboard.channel("phone").class_average.participants == 3
    assert dashboard.channel("email").class_average.participants == 2


def figure_note(html: str, channel: str) -> str:
    section = html.split(f'data-channel="{channel}" aria-labelledby', 1)[1].split("</section>", 1)[0]
    return section.split('data-figure="class-average-note">', 1)[1].split("<", 1)[0]


def test_rank_only_once_a_final_publication_exists_and_read_from_it(
    reader: Client, mini: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    assert 'data-section="ranks"' not in reader.get("/dashboard/").content.decode()
    publication_create(edition=mini, kind="interim")
    assert 'data-section="ranks"' not in reader.get("/dashboard/").content.decode()

    publication_create(edition=mini, kind="final")
    response = reader.get("/dashboard/")
    html, dashboard = response.content.decode(), response.context["dashboard"]
    assert 'data-section="ranks"' in html
    # Sixt 96.1111, Tussa 93.8889, Frende 89.3210, Sognenett 80.6667, Fjord 16.6667.
    assert (dashboard.edition_rank.rank, dashboard.edition_rank.of, dashboard.edition_rank.score) == (4, 5, Decimal("80.7"))
    assert (dashboard.class_rank.rank, dashboard.class_rank.of) == (2, 2)  # Broadband: Tussa, Sognenett
    ranks = {block.channel: (block.rank.rank, block.rank.of) for block in dashboard.channels}
    assert ranks == {"phone": (4, 5), "email": (1, 3), "chat": (3, 3)}  # e-mail: a tie with Tussa at 91.1111
    document = publication_document(latest_publication(year=2021, kind="final"))
    assert {"rank": 4, "name": "Sognenett", "class": "Broadband", "score": "80.7"} in document["overall"]["ranking"]

    # A later change moves the live score, not the published rank.
    judge = Contact.objects.get(ref="P001").judge
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    data = ContactInput(
        participant=sognenett,
        channel="phone",
        judge=judge,
        happened_at=datetime.fromisoformat("2021-03-01T10:00:00+01:00"),
        answered=True,
        handled_by="agent",
        answers={"wait": 5, "greeting": 5, "solution": 10},
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(edition=mini, data=data, source="command", reason="a late contact, recorded by the organisers")
    dashboard = reader.get("/dashboard/").context["dashboard"]
    assert dashboard.edition_rank.rank == 4 and dashboard.overall != Decimal("80.6667")


def test_csv_export_has_every_counted_contact_with_all_answers_and_no_judge(reader: Client, sognenett: Participant) -> None:
    response = reader.get(f"/dashboard/2021/{sognenett.pk}/contacts.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="contacts-2021-{sognenett.pk}.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["P001", "P002", "P003", "P004", "E100", "E101", "E102", "C100", "C101", "C102"]
    p002 = rows[1]
    assert (p002["date"], p002["answered"], p002["wait_seconds"], p002["score"], p002["comment"]) == (
        "2021-02-02T10:15:00+01:00",
        "true",
        "150",
        "86.7",
        "No name given",
    )
    assert (p002["phone.wait"], p002["phone.greeting"], p002["phone.greeting.max"], p002["phone.feeling"]) == ("3", "", "5", "1")
    assert (p002["email.wait"], p002["email.wait.max"]) == ("", "")  # another channel's questions stay empty
    assert (rows[2]["answered"], rows[2]["score"], rows[2]["phone.wait"]) == ("false", "0.0", "")
    assert rows[8]["handled_by"] == "bot_to_agent"
    assert "judge" not in text.lower()


def test_chart_is_an_svg_with_labels(reader: Client, sognenett: Participant) -> None:
    response = reader.get(f"/dashboard/2021/{sognenett.pk}/chart/phone.svg", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert ">66,7</text>" in svg  # February's score, in Norwegian
    assert "73,3</text>" in svg  # the field average's label
    assert reader.get(f"/dashboard/2021/{sognenett.pk}/chart/messenger.svg").status_code == 404  # not offered


def test_report_page_shows_the_same_numbers_with_every_contact_open(reader: Client, sognenett: Participant) -> None:
    html = reader.get(f"/dashboard/2021/{sognenett.pk}/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(html, None, "overall") == "80.7"
    assert figure(html, "email", "total") == "91.1"
    assert html.count("<details open>") == 10


def test_several_editions_newest_first_and_earlier_ones_by_year(mini: Edition, sognenett: Participant) -> None:
    later = ParticipantFactory(name="Sognenett", edition__year=2022, channels=["phone"])
    user = UserFactory(username="two-years")
    Membership.objects.create(user=user, participant=sognenett)
    Membership.objects.create(user=user, participant=later)
    client = Client()
    client.force_login(user)

    assert client.get("/dashboard/").context["participant"] == later
    assert client.get("/dashboard/2021/").context["participant"] == sognenett
    assert client.get("/dashboard/2020/").status_code == 404
    html = client.get("/dashboard/").content.decode()
    assert f'href="/dashboard/2021/{sognenett.pk}/"' in html  # switch to the earlier year


def test_a_user_linked_to_several_participants_of_an_edition_picks_one(mini: Edition) -> None:
    user = UserFactory(username="group-reader")
    tussa, sognenett = (Participant.objects.get(edition=mini, name=name) for name in ("Tussa", "Sognenett"))
    # The admin's service allows one per edition; a group's account linked to two directly must still get a page.
    Membership.objects.create(user=user, participant=tussa)
    Membership.objects.create(user=user, participant=sognenett)
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.templates[0].name == "award/dashboard/choose.html"
    html = response.content.decode()
    assert f'href="/dashboard/2021/{tussa.pk}/"' in html and f'href="/dashboard/2021/{sognenett.pk}/"' in html
    assert client.get(f"/dashboard/2021/{tussa.pk}/").context["participant"] == tussa


def _contacts(participant: Participant, judge: Any, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        channel = "chat" if n % 3 == 0 else "phone"
        month = 1 + n % 3
        record(
            participant.edition,
            participant=participant,
            channel=channel,
            judge=judge,
            happened_at=datetime.fromisoformat(f"{participant.edition.year}-0{month + 1}-0{1 + n % 9}T10:00:00+01:00"),
            answered=n % 5 != 4,
            handled_by=("bot" if n % 2 else "agent") if channel == "chat" and n % 5 != 4 else ("agent" if n % 5 != 4 else ""),
            answers={f"{channel}-solution": n % 11, f"{channel}-tone": n % 4} if n % 5 != 4 else {},
            comment=f"contact {n}",
        )


def test_query_count_is_constant_in_the_number_of_contacts(
    company_user: Any,
    participant_a: Participant,
    judge: Any,
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    edition = participant_a.edition
    for channel in ("phone", "chat"):
        QuestionFactory(edition=edition, channel=channel, key=f"{channel}-solution", area="Solution", max_points=10)
        QuestionFactory(edition=edition, channel=channel, key=f"{channel}-tone", area="The agent", max_points=3)
    client = Client()
    client.force_login(company_user)
    urls = [
        "/dashboard/",
        f"/dashboard/{edition.year}/{participant_a.pk}/report/",
        f"/dashboard/{edition.year}/{participant_a.pk}/contacts.csv",
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    # Each batch commits (a new data version), so both rounds start with the field's points not yet cached.
    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 3)
    few = queries()
    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 27, start=3)
    assert Contact.objects.filter(participant=participant_a).count() == 30
    assert queries() == few
    with django_assert_max_num_queries(20):
        client.get("/dashboard/")


def test_field_area_shares_follow_every_new_contact_of_another_participant(
    reader: Client, mini: Edition, django_capture_on_commit_callbacks: Any
) -> None:
    """The field's points are cached per data version of the edition: a new contact anywhere gives a new version."""

    def waiting() -> tuple[Decimal, Decimal]:
        phone = reader.get("/dashboard/").context["dashboard"].channel("phone")
        line = next(area for area in phone.areas if area.area == "Answer and waiting time")
        return line.own, line.field

    assert waiting() == (Decimal("86.7"), Decimal("87.7"))  # 13/15 against 57/65
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    with django_capture_on_commit_callbacks(execute=True):
        record(
            mini,
            participant=sixt,
            channel="phone",
            judge=Contact.objects.get(ref="P001").judge,
            answers={"wait": 0, "solution": 5},
        )
    assert waiting() == (Decimal("86.7"), Decimal("81.4"))  # 13/15 against 57/70


def test_wait_is_written_as_people_say_it() -> None:
    assert [wait_text(s) for s in (None, 40, 150, 3600 + 120, 3 * 86400 + 7200)] == [
        "",
        "40 s",
        "2 min 30 s",
        "1 h 2 min",
        "3 d 2 h",
    ]
    assert one_decimal(Decimal("83.3335")) == Decimal("83.3") and one_decimal(Decimal("66.65")) == Decimal("66.7")
