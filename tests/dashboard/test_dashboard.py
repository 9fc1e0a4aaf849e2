"""The company dashboard's numbers, checked against hand-computed values of the mini sample and the standings."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.models import Source
from award.models import AwardClass, Edition, Membership, Participant
from award.services import class_rename, participant_rename
from channels_app.models import Contact
from channels_app.rules import wait_text
from channels_app.services import ContactInput, contact_record
from dashboard.selectors import participant_dashboard
from dashboard.views import csv_cell
from publications.models import Publication
from publications.selectors import publication_document, publication_latest
from publications.services import publication_create
from scoring.models import ChannelStanding, OverallStanding
from scoring.rules import one_decimal
from scoring.services import edition_rescore
from tests.conftest import ROOT, ClientAs, company_user_of, record
from tests.factories import AwardClassFactory, EditionFactory, ParticipantFactory, QuestionFactory, UserFactory


def figure(html: str, channel: str | None, name: str) -> str:
    """The text of a `data-figure` element, in one channel's section or in the summary."""
    import re

    if channel is not None:
        html = html.split(f'data-channel="{channel}" aria-labelledby', 1)[1].split("</section>", 1)[0]
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def test_dashboard_shows_the_hand_computed_numbers_of_the_mini_sample(
    reader: Client, sognenett: Participant, published: Publication
) -> None:
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


def test_numbers_and_dates_are_localised(reader: Client, published: Publication) -> None:
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
        answers={"wait": 1, "greeting": 1, "solution": 1, "feeling": None},
        comment="A draft nobody may read yet",
        status="draft",
    )
    record(
        mini,
        participant=sognenett,
        channel="phone",
        judge=judge,
        answers={"wait": 1, "greeting": 1, "solution": 1, "feeling": None},
        comment="Voided: wrong company",
        voided=True,
        void_reason="wrong number",
    )
    html = reader.get("/dashboard/").content.decode()
    assert "A draft nobody may read yet" not in html and "Voided: wrong company" not in html
    assert html.count('class="contact"') == 10


def test_class_average_is_hidden_below_three_participants_of_the_class_with_a_score(
    reader: Client, mini: Edition, sognenett: Participant, published: Publication, django_capture_on_commit_callbacks: Any
) -> None:
    """Broadband has Sognenett and Tussa: hidden. A third broadband participant with a phone contact shows it for phone
    only, from the next publication on."""
    first = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(first, "phone", "class-average") == "hidden"
    assert figure_note(first, "phone") == (
        "Shown once the published results count at least three participants of your class with a score in this channel "
        "(2 on March 15, 2021), so that it never reveals a competitor's score."
    )

    third = ParticipantFactory.create(
        name="Breiband Nord", edition=mini, award_class=sognenett.award_class, channels=["phone", "email"]
    )
    judge = Contact.objects.get(ref="P001").judge
    with django_capture_on_commit_callbacks(execute=True):  # the rescoring runs at commit
        answers = {"wait": 5, "greeting": 5, "solution": 5, "feeling": None}
        record(mini, participant=third, channel="phone", judge=judge, answers=answers)  # 75.0
    # Live, nothing moves: the averages are those of the publication.
    assert reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode().count("(2 on March 15, 2021)") == 2
    publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 16, 12, 0, tzinfo=UTC))
    # One scored contact is enough to count; Breiband Nord has no e-mail contact, so e-mail stays hidden.
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # (66.6667 + 96.6667 + 75.0000) / 3 = 79.4445 (half-up from 79.44446...)
    assert figure(html, "phone", "class-average") == "79.4"
    assert figure(html, "email", "class-average") == "hidden"
    assert "3 participants of your class, as published on March 16, 2021" in channel_section(html, "phone")
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
    latest = publication_latest(year=2021, kind="final")
    assert latest is not None
    document = publication_document(latest)
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
        answers={"wait": 5, "greeting": 5, "solution": 10, "feeling": None},
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_record(edition=mini, data=data, source=Source.COMMAND, reason="a late contact, recorded by the organisers")
    dashboard = reader.get("/dashboard/").context["dashboard"]
    # (806.6666 + 100) / 11 = 82.42424: the live score moved, the rank stays as published.
    assert (dashboard.edition_rank.rank, dashboard.overall) == (4, Decimal("82.4242"))


def test_csv_export_has_every_counted_contact_with_all_answers_and_no_judge(reader: Client, sognenett: Participant) -> None:
    response = reader.get(f"/dashboard/2021/{sognenett.pk}/contacts.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="contacts-2021-{sognenett.pk}.csv"'
    assert response.streaming  # read a chunk of contacts at a time, never held whole
    text = response.getvalue().decode("utf-8-sig")
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


def test_chart_is_an_svg_with_labels(reader: Client, sognenett: Participant, published: Publication) -> None:
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


def test_several_editions_newest_first_and_earlier_ones_by_year(
    mini: Edition, sognenett: Participant, client_as: ClientAs
) -> None:
    later = ParticipantFactory.create(name="Sognenett", edition__year=2022, channels=["phone"])
    user = UserFactory.create(username="two-years")
    Membership.objects.create(user=user, participant=sognenett)
    Membership.objects.create(user=user, participant=later)
    client = client_as(user)

    assert client.get("/dashboard/").context["participant"] == later
    assert client.get("/dashboard/2021/").context["participant"] == sognenett
    assert client.get("/dashboard/2020/").status_code == 404
    html = client.get("/dashboard/").content.decode()
    assert f'href="/dashboard/2021/{sognenett.pk}/"' in html  # switch to the earlier year


def test_a_user_linked_to_several_participants_of_an_edition_picks_one(mini: Edition, client_as: ClientAs) -> None:
    user = UserFactory.create(username="group-reader")
    tussa, sognenett = (Participant.objects.get(edition=mini, name=name) for name in ("Tussa", "Sognenett"))
    # The admin's service allows one per edition; a group's account linked to two directly must still get a page.
    Membership.objects.create(user=user, participant=tussa)
    Membership.objects.create(user=user, participant=sognenett)
    client = client_as(user)
    response = client.get("/dashboard/")
    assert response.templates[0].name == "dashboard/choose.html"
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
    client_as: ClientAs,
) -> None:
    edition = participant_a.edition
    for channel in ("phone", "chat"):
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-solution", area="Solution", max_points=10)
        QuestionFactory.create(edition=edition, channel=channel, key=f"{channel}-tone", area="The agent", max_points=3)
    client = client_as("company_user")
    urls = [
        "/dashboard/",
        f"/dashboard/{edition.year}/{participant_a.pk}/report/",
        f"/dashboard/{edition.year}/{participant_a.pk}/contacts.csv",
    ]

    def queries(contacts: int) -> list[int]:
        """The queries of each page, which must show every one of the contacts."""
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
                body = response.getvalue().decode("utf-8-sig")  # the CSV export queries as it is streamed
            assert response.status_code == 200, url
            assert shown_contacts(url, body) == contacts, url
            counts.append(len(captured))
        return counts

    def shown_contacts(url: str, body: str) -> int:
        if url.endswith(".csv"):
            return len(list(csv.DictReader(io.StringIO(body))))
        return body.count("<details open>") if "/report/" in url else body.count('class="contact"')

    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 3)
    publication_create(edition=edition, kind="interim")  # the averages are read from it, whatever the contacts since
    few = queries(3)
    with django_capture_on_commit_callbacks(execute=True):
        _contacts(participant_a, judge, 27, start=3)
    assert Contact.objects.filter(participant=participant_a).count() == 30
    assert queries(30) == few == [16, 18, 7]  # dashboard, report, CSV
    with django_assert_max_num_queries(20):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["dashboard"].overall_contacts == 30
    assert sorted(line.contact.comment for line in response.context["dashboard"].contacts) == sorted(
        f"contact {n}" for n in range(30)
    )


def test_wait_is_written_as_people_say_it() -> None:
    assert [wait_text(s) for s in (None, 40, 150, 3600 + 120, 3 * 86400 + 7200)] == [
        "",
        "40 s",
        "2 min 30 s",
        "1 h 2 min",
        "3 d 2 h",
    ]
    assert one_decimal(Decimal("83.3335")) == Decimal("83.3") and one_decimal(Decimal("66.65")) == Decimal("66.7")


# Review fixes ------------------------------------------------------------------------------


def _scored_edition(classes: dict[str, dict[str, int | None]], capture: Any, *, publish: bool = True) -> dict[str, Participant]:
    """One edition, one phone question of 1000 points; each participant one phone contact scoring points/10 (None: unanswered).

    Then published (interim), unless told not to: the dashboard's averages are the latest publication's.
    """
    edition = EditionFactory.create()
    QuestionFactory.create(edition=edition, channel="phone", key="solution", area="Solution", max_points=1000)
    judge = UserFactory.create(username=f"judge-{edition.year}", is_staff=True)
    participants = {}
    with capture(execute=True):
        for class_name, members in classes.items():
            award_class = AwardClassFactory.create(edition=edition, name=class_name)
            for name, points in members.items():
                participant = ParticipantFactory.create(name=name, edition=edition, award_class=award_class, channels=["phone"])
                answered = points is not None
                record(
                    edition,
                    participant=participant,
                    channel="phone",
                    judge=judge,
                    answered=answered,
                    answers={"solution": points} if answered else {},
                )
                participants[name] = participant
    if publish:
        publication_create(edition=edition, kind="interim")
    return participants


def channel_section(html: str, channel: str) -> str:
    return html.split(f'data-channel="{channel}" aria-labelledby', 1)[1].split("</section>", 1)[0]


def test_one_outsider_beyond_the_class_cannot_be_computed_from_field_and_class_averages(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    """The reviewer's attack: X = {A 80.0, B 60.0, C 70.0}, Y = {D 12.3}; before the fix A read field 55.6 (4) and
    class 70.0 (3), so D = 4 x 55.575 - 3 x 70.0 = 12.3. Now the class average is hidden while the class leaves
    only one or two participants outside it."""
    participants = _scored_edition({"X": {"A": 800, "B": 600, "C": 700}, "Y": {"D": 123}}, django_capture_on_commit_callbacks)
    client = client_as(company_user_of(participants["A"]))
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    html, phone = response.content.decode(), response.context["dashboard"].channel("phone")

    assert figure(html, "phone", "total") == "80.0"
    assert figure(html, "phone", "field-average") == "55.6"  # (80 + 60 + 70 + 12.3) / 4 = 55.575: the sum of B, C and D only
    assert (phone.class_average.value, phone.class_average.hidden) == (None, "outsiders")
    assert figure(html, "phone", "class-average") == "hidden"
    assert figure_note(html, "phone") == (
        "Hidden while only one or two participants outside your class have a score in this channel: together with "
        "the average of all participants it would reveal their scores."
    )
    section = channel_section(html, "phone")
    assert "70.0" not in section and "12.3" not in section
    assert "participants of your class" not in section  # no class count to subtract with

    # A second outsider: still two, still hidden. A third: their sum is all the subtraction gives, so it shows.
    judge = Contact.objects.filter(participant=participants["D"]).get().judge
    y_class = participants["D"].award_class
    for name, points, hidden in (("E", 500, "outsiders"), ("F", 400, "")):
        other = ParticipantFactory.create(name=name, edition=y_class.edition, award_class=y_class, channels=["phone"])
        with django_capture_on_commit_callbacks(execute=True):
            record(y_class.edition, participant=other, channel="phone", judge=judge, answers={"solution": points})
        publication_create(edition=y_class.edition, kind="interim")
        phone = client.get("/dashboard/").context["dashboard"].channel("phone")
        assert phone.class_average.hidden == hidden
    html = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(html, "phone", "class-average") == "70.0"
    assert figure(html, "phone", "field-average") == "52.1"  # (80 + 60 + 70 + 12.3 + 50 + 40) / 6 = 52.05, half-up


def test_with_two_participants_the_field_average_its_areas_and_the_chart_line_are_hidden(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    """The reviewer's second attack: with A and B alone, B's score = 2 x field - A's."""
    participants = _scored_edition({"X": {"A": 800}, "Y": {"B": 600}}, django_capture_on_commit_callbacks)
    client = client_as(company_user_of(participants["A"]))
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    html, phone = response.content.decode(), response.context["dashboard"].channel("phone")

    assert (phone.field_average.value, phone.field_average.participants, phone.field_average.hidden) == (None, 2, "few")
    assert figure(html, "phone", "field-average") == "hidden"
    section = channel_section(html, "phone")
    note = section.split('data-figure="field-average-note">', 1)[1].split("<", 1)[0]
    latest = publication_latest(year=participants["A"].edition.year)
    assert latest is not None
    with translation.override("en"):
        moment = date_format(timezone.localtime(latest.published_at), "DATE_FORMAT")
    assert note == (
        f"Shown once the published results count at least three participants with a score in this channel (2 on {moment}), "
        "so that it never reveals a competitor's score."
    )
    assert "70.0" not in section and "60.0" not in section  # (80 + 60) / 2, or B's own
    # The area's field share would be B's points too.
    assert [(area.area, area.own, area.field) for area in phone.areas] == [("Solution", Decimal("80.0"), None)]
    assert 'class="meter-field"' not in section
    assert (
        '<p class="figure-note" data-note="areas-hidden">All participants: shown for an area once the published results '
        "count at least three participants with points in it, so that it never reveals a competitor's points.</p>"
    ) in section
    # No average line in the chart, on the page or as a file, and the caption does not promise one.
    assert 'class="reference' not in section
    assert "<figcaption>Score month by month. <a" in section
    svg = client.get(f"/dashboard/{participants['A'].edition.year}/{participants['A'].pk}/chart/phone.svg").content.decode()
    assert 'class="reference' not in svg and "Average of all participants" not in svg


def test_an_area_share_needs_three_participants_with_points_in_it(db: None, django_capture_on_commit_callbacks: Any) -> None:
    """Three with a channel score, but C's contact went unanswered: only A and B have points, so the area stays hidden."""
    participants = _scored_edition({"X": {"A": 800, "B": 600, "C": None}}, django_capture_on_commit_callbacks)
    phone = participant_dashboard(participant=participants["A"]).channel("phone")
    assert phone is not None
    assert phone.field_average.value == Decimal("46.7")  # (80 + 60 + 0) / 3
    assert [(area.area, area.own, area.field) for area in phone.areas] == [("Solution", Decimal("80.0"), None)]


def test_the_published_rank_survives_renaming_the_participant_and_its_class(
    reader: Client, mini: Edition, client_as: ClientAs
) -> None:
    """The publication's frozen inputs map the participant's id to the name it was published under."""
    publication_create(edition=mini, kind="final")
    sognenett, tussa = (Participant.objects.get(edition=mini, name=name) for name in ("Sognenett", "Tussa"))
    # Swap the two names (through a third), and rename their class.
    participant_rename(participant=sognenett, name="Swap", source=Source.COMMAND)
    participant_rename(participant=tussa, name="Sognenett", source=Source.COMMAND)
    participant_rename(participant=sognenett, name="Tussa", source=Source.COMMAND)
    class_rename(award_class=AwardClass.objects.get(edition=mini, name="Broadband"), name="Fibre", source=Source.COMMAND)

    dashboard = reader.get("/dashboard/").context["dashboard"]
    assert dashboard.participant.name == "Tussa"  # Sognenett's membership, under Tussa's old name
    # As published for Sognenett: edition 4 of 5 (80.7), class 2 of 2, phone 4, e-mail 1, chat 3.
    assert (dashboard.edition_rank.rank, dashboard.edition_rank.of, dashboard.edition_rank.score) == (4, 5, Decimal("80.7"))
    assert (dashboard.class_rank.rank, dashboard.class_rank.of) == (2, 2)
    assert {block.channel: block.rank.rank for block in dashboard.channels} == {"phone": 4, "email": 1, "chat": 3}

    other = client_as(company_user_of(tussa)).get("/dashboard/").context["dashboard"]  # Tussa, now named Sognenett: its own ranks
    assert (other.edition_rank.rank, other.edition_rank.score, other.class_rank.rank) == (2, Decimal("93.9"), 1)


def test_csv_cells_that_look_like_formulas_are_written_as_text(reader: Client, sognenett: Participant) -> None:
    Contact.objects.filter(ref="P002").update(comment='=HYPERLINK("http://evil","x")')
    Contact.objects.filter(ref="P001").update(comment="@SUM(A1)")
    text = reader.get(f"/dashboard/2021/{sognenett.pk}/contacts.csv").getvalue().decode("utf-8-sig")
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["P002"]["comment"] == '\'=HYPERLINK("http://evil","x")'
    assert rows["P001"]["comment"] == "'@SUM(A1)"
    assert (rows["P002"]["score"], rows["P002"]["wait_seconds"], rows["P002"]["phone.wait"]) == ("86.7", "150", "3")
    assert [csv_cell(value) for value in ("+1", "-2", "\tx", "\rx", "plain", "", 7, 0)] == [
        "'+1",
        "'-2",
        "'\tx",
        "'\rx",
        "plain",
        "",
        7,
        0,
    ]


def test_contacts_in_a_channel_no_longer_offered_are_left_out_like_in_the_standings(
    reader: Client, mini: Edition, sognenett: Participant, django_capture_on_commit_callbacks: Any
) -> None:
    # The service refuses to drop a channel with counted contacts; older data may still hold such contacts.
    sognenett.offered_channels.filter(channel="chat").delete()
    edition_rescore(edition_id=mini.pk, force=True)
    response = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    dashboard = response.context["dashboard"]
    assert [block.channel for block in dashboard.channels] == ["phone", "email"]
    refs = [line.contact.ref for line in dashboard.contacts]
    assert refs == ["P001", "P002", "P003", "P004", "E100", "E101", "E102"]
    assert dashboard.overall_contacts == len(refs)  # the standings count the same contacts
    text = reader.get(f"/dashboard/2021/{sognenett.pk}/contacts.csv").getvalue().decode("utf-8-sig")
    assert [row["reference"] for row in csv.DictReader(io.StringIO(text))] == refs


def test_dashboard_pages_are_never_cached(reader: Client, sognenett: Participant, mini: Edition, client_as: ClientAs) -> None:
    tussa = Participant.objects.get(edition=mini, name="Tussa")
    tussa_reader = company_user_of(tussa)
    Membership.objects.create(user=tussa_reader, participant=sognenett)  # one account linked to two participants
    chooser = client_as(tussa_reader)
    pages = {
        "home": reader.get("/dashboard/"),
        "year": reader.get("/dashboard/2021/"),
        "participant": reader.get(f"/dashboard/2021/{sognenett.pk}/"),
        "report": reader.get(f"/dashboard/2021/{sognenett.pk}/report/"),
        "chooser": chooser.get("/dashboard/"),
    }
    assert pages["chooser"].templates[0].name == "dashboard/choose.html"
    for name, response in pages.items():
        assert response.status_code == 200, name
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private", "no-cache", "max-age=0"} <= directives, name


def test_chart_is_described_for_screen_readers_has_a_background_and_local_month_names(
    reader: Client, sognenett: Participant
) -> None:
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    section = channel_section(html, "phone")
    assert 'aria-describedby="chart-phone-desc"' in section
    assert '<desc id="chart-phone-desc">feb. 2021: 66,7</desc>' in section
    assert '<text class="month" x="340.0" y="282" text-anchor="middle">feb.</text>' in section
    assert 'aria-describedby="chart-email-desc"' in channel_section(html, "email")  # one id per chart on the page
    assert '<rect class="background"' not in section  # the page's own background shows through

    svg = reader.get(f"/dashboard/2021/{sognenett.pk}/chart/phone.svg", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert (
        '<desc id="chart-phone-desc">feb 2021: 66,7</desc><rect class="background" width="100%" height="100%" fill="#ffffff"/>'
        in svg
    )
    assert svg.index('<rect class="background"') < svg.index('<line class="grid"')  # drawn first, under everything


def _css_rules(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables(css: str, *, dark: bool) -> dict[str, str]:
    block = css.split("@media (prefers-color-scheme: dark)", 1)[1 if dark else 0]
    root = block.split(":root", 1)[1].split("}", 1)[0]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", root))


def test_dashboard_colours_are_legible_in_dark_mode_and_nothing_duplicates_site_css() -> None:
    site = (ROOT / "static" / "css" / "site.css").read_text()
    dashboard = _css_rules((ROOT / "static" / "css" / "dashboard.css").read_text())
    for dark in (False, True):
        colours = _variables(site, dark=dark) | _variables(dashboard, dark=dark)
        backgrounds = [colours["paper"], colours["card"], colours["figure-main"]]
        for text in ("ink", "muted", "status-ok", "status-pending", "danger"):
            for background in backgrounds:
                assert _contrast(colours[text], background) >= 4.5, (dark, text, background)
        assert _contrast(colours["paper"], colours["accent"]) >= 4.5, dark  # a button's label on the accent
    assert ".figure-main { background: var(--figure-main); }" in dashboard
    assert ".account-form button, .button {" in dashboard and "color: var(--paper, #fff)" in dashboard
    # No colour literal outside the variables (but the print rules' grey frames).
    body = dashboard.split("@media print", 1)[0]
    body = re.sub(r":root\s*\{[^}]*\}", "", body)
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b(?!\))", body) == []
    # site.css styles these (with flex-wrap); the dashboard must not redefine them.
    for selector in ("\n.account-nav {", "\n.link-button {", "\n.table-wrap {", "\n.logout-form {"):
        assert selector not in dashboard, selector


def test_nb_and_sv_wording_of_the_dashboard(reader: Client, published: Publication) -> None:
    nb = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    sv = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<span class="figure-label">Totalscore</span>' in nb and '<span class="figure-label">Totalpoäng</span>' in sv
    assert '<span class="figure-label">Score</span>' in nb and "poengsum" not in nb.lower()
    assert '<span class="figure-label">Snittscore for alle deltakere</span>' in nb
    assert '<span class="figure-label">Snittpoäng för alla deltagare</span>' in sv
    field_note = '<span class="figure-note" data-figure="field-average-note">5 deltakere med score, slik det ble publisert'
    assert f"{field_note} 15. mars 2021</span>" in nb
    assert "5 deltagare med poäng, som publicerat den 15 mars 2021" in sv
    assert "Score måned for måned; den stiplede linjen er snittscoren for alle deltakere i de sist publiserte resultatene." in nb
    assert "<caption>Tellende kontakter så langt, sammenlignet med minstekravet i hver kanal</caption>" in nb
    assert "<caption>Räknade kontakter hittills jämfört med minimikravet i varje kanal</caption>" in sv
    assert '<span class="status-ok">oppfylt</span>' in nb and '<span class="status-ok">uppfyllt</span>' in sv
    assert ">Minimikrav</th>" in sv
    assert "(1 skickad vidare till en kundtjänstmedarbetare)" in sv
    assert (
        "Deres egne tall er løpende: de endres etter hvert som dommernes kontakter blir vurdert. Snittene for alle "
        "deltakere er anonyme og hentet fra de sist publiserte resultatene, fra 15. mars 2021."
    ) in nb
    assert (
        "Era egna siffror är löpande: de ändras allteftersom domarnas kontakter poängsätts. Snitten för alla deltagare "
        "är anonyma och hämtade från de senast publicerade resultaten, från 15 mars 2021."
    ) in sv
