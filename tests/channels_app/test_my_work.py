"""A judge's "My work": their part of the plan, due this week, overdue, second tries and done; judges only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from award.models import Edition
from channels_app.models import PlannedContact
from channels_app.planning import plan_edition
from channels_app.selectors import judge_work
from tests.conftest import ClientAs
from tests.factories import ParticipantFactory


def test_the_lists_split_the_judges_pending_contacts_by_the_week(planned: Edition, judge1: Any) -> None:
    today = date(2021, 3, 3)  # a Wednesday; its week starts on Monday 1 March
    work = judge_work(judge=judge1, edition=planned, today=today)

    pending = PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=True)
    local = {entry.pk: timezone.localtime(entry.planned_at).date() for entry in pending}
    assert [e.pk for e in work.due] == [
        e.pk
        for e in pending.order_by("planned_at", "pk")
        if e.attempt == 1 and date(2021, 3, 1) <= local[e.pk] < date(2021, 3, 8)
    ]
    assert all(local[e.pk] < date(2021, 3, 1) and e.attempt == 1 for e in work.overdue)
    assert all(e.attempt == 2 for e in work.second_tries)
    assert work.due and work.overdue  # the sample's plan has both on that day
    assert work.done_count == PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=False).count()
    assert work.planned_count == PlannedContact.objects.filter(edition=planned, judge=judge1, attempt=1).count()


def test_the_page_links_each_planned_contact_to_the_filled_in_form(planned: Edition, judge1: Any, client_as: ClientAs) -> None:
    page = client_as("judge1").get("/work/")

    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    entry = (
        PlannedContact.objects.filter(edition=planned, judge=judge1, contact__isnull=True, attempt=1)
        .order_by("planned_at")
        .first()
    )
    assert entry is not None
    link = f"/work/contacts/new/?plan={entry.pk}"
    assert link in page.content.decode()  # the edition is over today (2026): all its pending contacts are overdue
    assert 'href="/work/"' in page.content.decode()  # the header links a judge to it


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("company_user", 403), ("organiser", 403), ("judge2", 200)])
def test_only_judges_have_a_work_list(planned: Edition, persona: str, status: int, client_as: ClientAs) -> None:
    assert client_as(persona).get("/work/").status_code == status


def test_the_page_costs_the_same_queries_whatever_the_plans_size(planned: Edition, judge1: Any, client_as: ClientAs) -> None:
    client = client_as("judge1")
    with CaptureQueriesContext(connection) as small:
        client.get("/work/")
    for n in range(6):
        ParticipantFactory.create(edition=planned, name=f"Ekstra {n}", channels=["phone", "email"])
    plan_edition(edition=planned)
    with CaptureQueriesContext(connection) as large:
        client.get("/work/")

    assert len(large) == len(small)


def test_a_contact_saved_is_done_in_the_plan_at_once_and_an_unanswered_call_gets_its_second_try(
    planned: Edition, judge1: Any, client_as: ClientAs
) -> None:
    from channels_app.models import Contact
    from tests.admin_forms import add_url, phone_form

    entry = (
        PlannedContact.objects.filter(edition=planned, judge=judge1, channel="phone", contact__isnull=True, attempt=1)
        .select_related("participant")
        .order_by("planned_at")
        .first()
    )
    assert entry is not None
    seconds = PlannedContact.objects.filter(participant=entry.participant, channel="phone", attempt=2).count()
    form = phone_form(
        planned,
        participant=entry.participant.name,
        answered=None,
        wait="",
        comment="Nobody answered",
        q_wait=None,
        q_greeting=None,
        q_solution=None,
        q_feeling=None,
        happened_at_0="2021-03-03",
    )

    client_as("judge1").post(add_url(planned), form)

    contact = Contact.objects.get(comment="Nobody answered")
    entry.refresh_from_db()
    assert entry.contact == contact
    again = PlannedContact.objects.filter(participant=entry.participant, channel="phone", attempt=2).order_by("-pk").first()
    assert (
        again is not None
        and seconds + 1 == PlannedContact.objects.filter(participant=entry.participant, channel="phone", attempt=2).count()
    )
    assert timezone.localtime(again.planned_at).date() == date(2021, 3, 4)  # the next day, the same week
    assert (again.judge_id, again.contact_id) == (judge1.pk, None)


def test_imported_contacts_are_done_in_the_plan_too(planned: Edition, samples: Any) -> None:
    from channels_app.bundle.importer import import_contacts_content

    rows = (samples / "mini" / "contacts.csv").read_text(encoding="utf-8").splitlines()
    new = rows[1].replace("P001,", "P900,", 1)  # one more phone contact of Sognenett by judge1
    open_before = PlannedContact.objects.filter(participant__name="Sognenett", channel="phone", contact__isnull=True).count()

    import_contacts_content(edition=planned, content=("\n".join([rows[0], new]) + "\n").encode())

    linked = PlannedContact.objects.get(contact__ref="P900")
    assert (linked.participant.name, linked.channel) == ("Sognenett", "phone")
    assert (
        PlannedContact.objects.filter(participant__name="Sognenett", channel="phone", contact__isnull=True).count()
        == open_before - 1
    )


def test_the_season_view_shows_done_against_planned_and_who_is_behind(planned: Edition, judge1: Any, client_as: ClientAs) -> None:
    from channels_app.selectors import edition_season

    url = f"/admin/channels_app/plannedcontact/edition/{planned.pk}/season/"
    assert client_as("judge1").get(url).status_code == 403
    page = client_as("organiser").get(url)

    assert page.status_code == 200
    season = page.context["season"]
    sixt = next(row for row in season.rows if row.participant.name == "Sixt")
    phone = sixt.cells["phone"]
    assert (phone.planned, phone.done) == (
        PlannedContact.objects.filter(participant=sixt.participant, channel="phone").count(),
        PlannedContact.objects.filter(participant=sixt.participant, channel="phone", contact__isnull=False).count(),
    )
    assert phone.due == phone.planned and phone.heat == "late"  # the 2021 edition is long over: all was due
    html = page.content.decode()
    assert f'<td class="late" title="{phone.due} due by now">{phone.done} / {phone.planned}</td>' in html
    assert season.judges[0].behind >= season.judges[-1].behind
    early = edition_season(edition=planned, now=timezone.make_aware(datetime(2021, 1, 1)))
    assert all(cell.heat == "on-track" for row in early.rows for cell in row.cells.values())  # nothing due yet


def test_the_season_view_costs_the_same_queries_whatever_the_plans_size(
    planned: Edition, organiser: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    url = f"/admin/channels_app/plannedcontact/edition/{planned.pk}/season/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(6):
        ParticipantFactory.create(edition=planned, name=f"Ekstra {n}", channels=["phone", "chat"])
    plan_edition(edition=planned)
    with CaptureQueriesContext(connection) as large:
        client.get(url)

    assert len(large) == len(small)


def test_my_contacts_lists_the_judges_own_newest_entry_first_with_filters(
    mini: Edition, judge1: Any, judge2: Any, client_as: ClientAs
) -> None:
    from channels_app.models import Contact

    client = client_as("judge1")
    page = client.get("/work/contacts/")
    listed = list(page.context["page"].object_list)
    assert listed == list(Contact.objects.filter(judge=judge1).order_by("-created_at", "-pk"))[:50]
    assert not any(contact.judge_id == judge2.pk for contact in listed)

    phone = client.get("/work/contacts/", {"channel": "phone", "state": "submitted"}).context["page"].object_list
    assert phone and all(c.channel == "phone" and c.status == "submitted" and not c.voided for c in phone)
    voided = client.get("/work/contacts/", {"state": "voided"}).context["page"].object_list
    assert all(c.voided for c in voided)
    bad = client.get("/work/contacts/", {"channel": "fax", "page": "99999999999"})
    assert bad.status_code == 200 and "Choose a channel and a state from the lists." in bad.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("company_user", 403), ("organiser", 403)])
def test_only_judges_have_their_contacts_and_conflicts_pages(
    mini: Edition, persona: str, status: int, client_as: ClientAs
) -> None:
    client = client_as(persona)
    assert (client.get("/work/contacts/").status_code, client.get("/work/conflicts/").status_code) == (status, status)


def test_a_judge_declares_a_conflict_and_hears_of_the_contacts_already_made(
    mini: Edition, judge1: Any, client_as: ClientAs
) -> None:
    from audit.models import ChangeRecord
    from award.models import Participant
    from channels_app.models import Contact, JudgeConflict

    client = client_as("judge1")
    tussa = Participant.objects.get(edition=mini, name="Tussa")
    made = list(
        Contact.objects.counted()
        .filter(judge=judge1, participant=tussa)
        .order_by("happened_at", "pk")
        .values_list("ref", flat=True)
    )

    response = client.post("/work/conflicts/", {"participant": tussa.pk, "reason": "A cousin works there"}, follow=True)

    conflict = JudgeConflict.objects.get(judge=judge1, participant=tussa)
    assert conflict.reason == "A cousin works there"
    assert ChangeRecord.objects.filter(object_id=conflict.pk, content_type__model="judgeconflict", source="site").exists()
    text = response.content.decode()
    assert "Your conflict of interest with Tussa is declared." in text
    assert made  # the sample's judge1 has tested Tussa
    assert f"You already have {len(made)} counted contact" in text and made[0] in text
    offered = response.context["form"].fields["participant"].queryset
    assert tussa not in offered  # declared once
    again = client.post("/work/conflicts/", {"participant": tussa.pk})
    assert again.status_code == 200 and again.context["form"].errors["participant"]
    assert JudgeConflict.objects.filter(judge=judge1, participant=tussa).count() == 1


PLAN_ADMIN_PAGES = [
    "/admin/channels_app/plannedcontact/",
    "/admin/channels_app/plansettings/",
    "/admin/channels_app/plansettings/add/",
    "/admin/channels_app/judgecapacity/",
    "/admin/channels_app/judgecapacity/add/",
]


@pytest.mark.parametrize("persona", ["organiser", "judge1", "company_user", "anonymous"])
def test_the_plans_admin_pages_are_the_organisers_alone(planned: Edition, persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    pages = [*PLAN_ADMIN_PAGES, f"/admin/channels_app/plannedcontact/edition/{planned.pk}/season/"]

    statuses = {url: client.get(url).status_code for url in pages}

    if persona == "organiser":
        assert set(statuses.values()) == {200}, statuses
    elif persona == "judge1":
        assert set(statuses.values()) == {403}, statuses  # staff, but not theirs
    else:
        assert set(statuses.values()) == {302}, statuses  # to the admin's login: not staff


@pytest.mark.parametrize(
    "url",
    ["/work/contacts/", "/work/contacts/?channel=phone&state=submitted", "/work/conflicts/", "/work/contacts/new/?channel=phone"],
)
def test_the_judges_lists_cost_the_same_queries_whatever_the_editions_size(
    planned: Edition, judge1: Any, url: str, client_as: ClientAs
) -> None:
    from channels_app.models import JudgeConflict
    from tests.conftest import record

    client = client_as("judge1")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    extra = [ParticipantFactory.create(edition=planned, name=f"Ekstra {n}", channels=["phone"]) for n in range(5)]
    for participant in extra[:3]:
        for hour in (9, 10, 11):
            record(
                planned,
                participant=participant,
                channel="phone",
                judge=judge1,
                wait_seconds=30,
                happened_at=datetime(2021, 3, 2, hour, tzinfo=timezone.get_current_timezone()),
                answers={"wait": 5, "greeting": 4, "solution": 7, "feeling": None},
            )
    JudgeConflict.objects.create(judge=judge1, participant=extra[4], reason="cousin")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
