"""Averages that leak nothing (issue 11): the dashboard's field and class averages, the field's area shares and the
counts behind them are those of the latest publication, so a newcomer's first contact moves none of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from award.models import Edition, Participant
from channels_app.models import Contact
from dashboard.selectors import Average
from publications.models import Publication
from publications.selectors import publication_latest
from publications.services import publication_create
from publications.triggers import AVERAGES_TABLE, statements
from scoring import rules
from scoring.averages import field_sums
from scoring.models import ChannelStanding
from scoring.rules import one_decimal
from tests.conftest import ClientAs, company_user_of, record
from tests.dashboard.conftest import PUBLISHED_AT
from tests.dashboard.test_dashboard import _scored_edition, channel_section, figure
from tests.factories import ParticipantFactory


def test_field_area_shares_move_only_with_a_publication(
    reader: Client, mini: Edition, published: Publication, django_capture_on_commit_callbacks: Any
) -> None:
    """Another participant's new contact moves the field's points live, but the dashboard shows the published ones."""

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
            answers={"wait": 0, "greeting": None, "solution": 5, "feeling": None},
        )
    assert field_sums(edition=mini).area("phone", "Answer and waiting time")[:2] == (57, 70)  # live: 81.4
    assert waiting() == (Decimal("86.7"), Decimal("87.7"))  # as published
    publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 16, 12, 0, tzinfo=UTC))
    assert waiting() == (Decimal("86.7"), Decimal("81.4"))  # 13/15 against 57/70


def shown_averages(client: Client, channel: str = "phone") -> dict[str, Any]:
    """Everything of the field a company reads in one channel: figures, their notes (with the counts), areas, chart."""
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    html, block = response.content.decode(), response.context["dashboard"].channel(channel)
    section = channel_section(html, channel)
    notes = dict(re.findall(r'data-figure="(field-average-note|class-average-note)">([^<]*)<', section))
    return {
        "field": (block.field_average, figure(html, channel, "field-average"), notes.get("field-average-note")),
        "class": (block.class_average, figure(html, channel, "class-average"), notes.get("class-average-note")),
        "areas": [(area.area, area.field) for area in block.areas],
        "area cells": re.findall(r'<td class="num field">([^<]*)<', section),
        "chart": re.findall(r'class="reference-label"[^>]*>([^<]*)<', section),
    }


def test_a_newcomers_first_contact_moves_no_average_until_the_next_publication(
    db: None, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    """The issue's attack: with live averages, A read the phone field average 55.0 over 6 participants, then 56.6 over
    7 after newcomer G's first contact, so G's score was 7 x 56.6 - 6 x 55.0 = 66.2, within rounding of its true 66.3.
    Now A reads exactly the same page until the next publication, and then the publication's counts."""
    classes: dict[str, dict[str, int | None]] = {"X": {"A": 800, "B": 600, "C": 700}, "Y": {"D": 500, "E": 400, "F": 300}}
    participants = _scored_edition(classes, django_capture_on_commit_callbacks)
    edition = participants["A"].edition
    first = publication_latest(year=edition.year)
    assert first is not None
    client = client_as(company_user_of(participants["A"]))
    with translation.override("en"):
        published_on = date_format(timezone.localtime(first.published_at), "DATE_FORMAT")

    before = shown_averages(client)
    # (80 + 60 + 70 + 50 + 40 + 30) / 6 = 55.0; class X (80 + 60 + 70) / 3 = 70.0; Solution 3300/6000 points = 55.0 %.
    assert before["field"] == (
        Average(Decimal("55.0"), 6),
        "55.0",
        f"6 participants with a score, as published on {published_on}",
    )
    assert before["class"] == (
        Average(Decimal("70.0"), 3),
        "70.0",
        f"3 participants of your class, as published on {published_on}",
    )
    assert before["areas"] == [("Solution", Decimal("55.0"))] and before["area cells"] == ["55.0"]
    assert before["chart"] == ["Average of all participants: 55.0"]

    # The newcomer and its first contact, through the service, rescored at commit: 663 of 1000 points, 66.3.
    newcomer = ParticipantFactory.create(name="G", edition=edition, award_class=participants["D"].award_class, channels=["phone"])
    judge = Contact.objects.filter(participant=participants["A"]).get().judge
    with django_capture_on_commit_callbacks(execute=True):
        record(edition, participant=newcomer, channel="phone", judge=judge, answers={"solution": 663})
    assert ChannelStanding.objects.get(participant=newcomer, channel="phone").total == Decimal("66.3000")
    # Live sums would give it away: 7 x 56.6143 - 6 x 55.0 = 66.3.
    live_units, live_count = field_sums(edition=edition).channel("phone")
    assert (live_count, one_decimal(rules.mean_of_units(live_units, live_count))) == (7, Decimal("56.6"))

    assert shown_averages(client) == before  # nothing moved: no average, no count, no area share, no chart line

    publication_create(edition=edition, kind="interim")
    latest = publication_latest(year=edition.year)
    assert latest is not None and latest.pk != first.pk
    with translation.override("en"):
        republished_on = date_format(timezone.localtime(latest.published_at), "DATE_FORMAT")
    after = shown_averages(client)
    # (330 + 66.3) / 7 = 56.6143; class X unchanged; Solution 3963/7000 = 56.6 %; the count is the publication's.
    assert after["field"] == (
        Average(Decimal("56.6"), 7),
        "56.6",
        f"7 participants with a score, as published on {republished_on}",
    )
    assert after["class"][:2] == (Average(Decimal("70.0"), 3), "70.0")
    assert after["areas"] == [("Solution", Decimal("56.6"))] and after["chart"] == ["Average of all participants: 56.6"]


def test_before_any_publication_the_averages_wait_for_the_first_one(reader: Client, mini: Edition) -> None:
    en = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    nb = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    html, dashboard = en.content.decode(), en.context["dashboard"]
    first = "The averages of all participants appear with the first published results."
    for block in dashboard.channels:
        assert block.field_average == block.class_average == Average(None, 0, rules.HIDDEN_UNPUBLISHED)
        assert all(area.field is None for area in block.areas)
        section = channel_section(html, block.channel)
        assert figure(html, block.channel, "field-average") == figure(html, block.channel, "class-average") == "hidden"
        assert section.count(f">{first}<") == 3  # under both averages and under the areas
        assert 'class="reference' not in section and 'class="meter-field"' not in section
        assert (
            channel_section(nb, block.channel).count(">Snittene for alle deltakere vises fra de første publiserte resultatene.<")
            == 3
        )
    # The own figures are live all the same.
    phone = dashboard.channel("phone")
    assert (phone.areas[0].area, phone.areas[0].own) == ("Answer and waiting time", Decimal("86.7"))
    assert f"Your own figures are live: they change as the judges' contacts are scored. {first}</p>" in html
    assert "Deres egne tall er løpende: de endres etter hvert som dommernes kontakter blir vurdert. Snittene for alle" in nb
    assert "73.3" not in html  # the phone field average it would show


def test_a_publication_made_before_averages_were_frozen_waits_for_the_next(reader: Client, mini: Edition) -> None:
    """A publication of before the migration has no PublishedAverages row (here removed past its triggers)."""
    old = publication_create(edition=mini, kind="interim", published_at=PUBLISHED_AT)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in statements(vendor, install=False, table=AVERAGES_TABLE):
            cursor.execute(statement, None)
        cursor.execute("DELETE FROM publications_publishedaverages WHERE publication_id = %s", [old.pk])
        for statement in statements(vendor, install=True, table=AVERAGES_TABLE):
            cursor.execute(statement, None)
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(html, "phone", "field-average") == "hidden"
    assert channel_section(html, "phone").count(">The averages of all participants appear with the next published results.<") == 3
    publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 16, 12, 0, tzinfo=UTC))
    html = reader.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figure(html, "phone", "field-average") == "73.3"
    assert "come from the latest published results, of March 16, 2021." in html
