"""The demo edition: realistic, deterministic, and its interim publication is the 2021 table.

It is loaded once for the module (the `demo` layer of tests/layers.py): by `manage.py load_demo` on an empty
database, which is what these tests read, and exported right after.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory

from award.models import Edition, Membership
from channels_app.models import Contact
from demo.generate import generate_bundle
from publications.models import Publication
from tests.layers import DEMO_FINAL_AT, LoadedDemo

# What Kundeserviceprisen published as its interim top 3 in 2021.
TABLE_2021 = {
    "phone": (["Frende Forsikring", "Sixt", "Sognenett"], "82.0"),
    "email": (["Sognenett", "Svea", "Tussa"], "74.3"),
    "chat": (["Eidsiva Bredbånd", "Telia Bredbånd", "Tussa"], "67.8"),
    "messenger": (["Europcar", "Lindorff", "Sognenett"], "62.1"),
}


def test_make_demo_loads_the_edition_publishes_the_2021_table_and_prints_the_logins(demo: LoadedDemo, client: Client) -> None:
    assert Edition.objects.count() == 1 and Contact.objects.count() == 1208  # all loaded by load_demo, from nothing
    document = client.get("/api/v1/editions/2021/results/interim/").json()
    assert {channel: (data["top3"], data["average"]) for channel, data in document["channels"].items()} == TABLE_2021
    assert document["digest"] == Publication.objects.get().digest

    printed = demo.output
    for username, password in (
        ("arrangor", "demo-arrangor-2021"),
        ("dommer1", "demo-dommer-2021"),
        ("sognenett", "demo-sognenett-2021"),
    ):
        assert f"username {username}" in printed
        assert f"password {password}" in printed
        assert authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password) is not None
    organiser, judge = (
        authenticate(RequestFactory().post("/accounts/login/"), username="arrangor", password="demo-arrangor-2021"),
        authenticate(RequestFactory().post("/accounts/login/"), username="dommer1", password="demo-dommer-2021"),
    )
    assert organiser is not None and organiser.groups.filter(name="Organisers").exists()
    assert judge is not None and judge.groups.filter(name="Judges").exists()
    assert Membership.objects.get(user__username="sognenett").participant.name == "Sognenett"

    # Running it again changes nothing and publishes nothing new.
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "Nothing changed" in again.getvalue()
    assert Publication.objects.count() == 1
    assert Contact.objects.count() == 1208


def test_demo_bundle_is_deterministic_and_realistic(demo_bundle: Path, tmp_path: Path) -> None:
    generate_bundle(tmp_path / "again")
    for name in ("edition.json", "participants.csv", "contacts.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (demo_bundle / name).read_bytes(), name

    edition = json.loads((demo_bundle / "edition.json").read_text(encoding="utf-8"))
    participants = list(csv.DictReader((demo_bundle / "participants.csv").open(encoding="utf-8")))
    contacts = list(csv.DictReader((demo_bundle / "contacts.csv").open(encoding="utf-8")))
    assert len(participants) >= 40
    assert len(edition["classes"]) >= 8
    assert len({p["class"] for p in participants}) >= 8
    counted = [c for c in contacts if c["voided"] == "false"]
    per_participant = {p["name"]: sum(1 for c in counted if c["participant"] == p["name"]) for p in participants}
    assert all(20 <= n <= 30 for n in per_participant.values()), per_participant
    areas = {q["area"] for questions in edition["questions"].values() for q in questions}
    assert {"Svar og ventetid", "Kundebehandleren", "Løsning", "Avslutning", "Kundeopplevelse"} <= areas
    assert all(not q["counts"] for qs in edition["questions"].values() for q in qs if q["area"] == "Kundeopplevelse")
    assert any(c["answered"] == "false" for c in counted)
    assert any(c["handled_by"] == "bot" for c in counted if c["channel"] == "chat")
    assert any(c["handled_by"] == "bot_to_agent" for c in counted)
    assert sum(1 for c in contacts if c["comment"].strip()) > len(contacts) / 2


def test_demo_export_import_round_trip(
    demo_export: LoadedDemo, demo_bundle: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """The demo edition, loaded and exported (demo_export), then imported from its export into an empty database."""
    from channels_app.bundle.importer import import_edition
    from publications.services import publication_create

    def rows(path: Path) -> list[dict[str, Any]]:
        result = []
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if "happened_at" in row:  # the same instant, written in Oslo's offset of that day
                row["happened_at"] = dt.datetime.fromisoformat(row["happened_at"])
            result.append(row)
        return sorted(result, key=lambda row: row.get("ref") or row["name"])

    for name in ("participants.csv", "contacts.csv"):
        assert rows(demo_export.export / name) == rows(demo_bundle / name), name

    assert not Edition.objects.exists() and not Contact.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_edition(demo_export.export)
    published = publication_create(edition=Edition.objects.get(), kind="final", published_at=DEMO_FINAL_AT)
    assert published.digest == demo_export.final_digest
