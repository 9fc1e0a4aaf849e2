"""The contacts' rules written once: the columns of contacts.csv, the conflict of interest, the lock after the final results."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib.auth.models import Group, User

from audit.models import Source
from award.models import Edition, Participant
from channels_app.bundle.export import export_edition
from channels_app.bundle.format import CONTACT_COLUMNS, BundleError, Problem
from channels_app.bundle.importer import import_contacts_content
from channels_app.models import JudgeConflict
from channels_app.selectors import participants_for_contact
from channels_app.services import ContactInput, ContactInvalid, contact_clean, contacts_locked_for
from publications.services import publication_create
from tests.conftest import ClientAs
from tests.factories import UserFactory


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_the_export_the_demo_and_the_import_share_the_columns_of_contacts_csv(
    mini: Edition, tmp_path: Path, demo_bundle: Path
) -> None:
    export_edition(edition=mini, path=tmp_path / "export")
    assert tuple(header(tmp_path / "export" / "contacts.csv")[: len(CONTACT_COLUMNS)]) == CONTACT_COLUMNS
    assert tuple(header(demo_bundle / "contacts.csv")[: len(CONTACT_COLUMNS)]) == CONTACT_COLUMNS

    rows = list(csv.reader(io.StringIO((tmp_path / "export" / "contacts.csv").read_text(encoding="utf-8"))))
    without_comment = [[cell for cell, column in zip(row, rows[0], strict=True) if column != "comment"] for row in rows]
    content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in without_comment).encode()
    try:
        import_contacts_content(edition=mini, content=content, source=Source.IMPORT)
    except BundleError as error:
        assert error.all() == [Problem(1, "comment", "missing column")]
    else:
        raise AssertionError("a contacts.csv without the comment column was accepted")


def test_what_a_judge_may_pick_is_what_the_check_accepts(mini: Edition, roles: None, client_as: ClientAs) -> None:
    judge = UserFactory.create(username="conflicted", is_staff=True)
    judge.groups.add(Group.objects.get(name="Judges"))
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    JudgeConflict.objects.create(judge=judge, participant=sognenett, reason="Customer there")
    offering_phone = set(Participant.objects.filter(edition=mini, offered_channels__channel="phone"))

    pickable = set(participants_for_contact(edition=mini, channel="phone", judge=judge))
    client = client_as(judge)
    listed = client.get(f"/admin/channels_app/contact/participants/?edition={mini.pk}&channel=phone").json()["results"]

    assert pickable == offering_phone - {sognenett}
    assert {row["text"] for row in listed} == {p.name for p in pickable}
    for participant in offering_phone:
        data = ContactInput(participant=participant, channel="phone", judge=judge, happened_at=None, answered=False)
        errors: dict[str, list[str]] = {}
        try:
            contact_clean(edition=mini, data=data)
        except ContactInvalid as invalid:
            errors = invalid.errors
        assert ("judge" in errors) == (participant not in pickable)


def test_the_lock_after_the_final_results(mini: Edition, organiser: User, roles: None) -> None:
    judge = UserFactory.create(username="late", is_staff=True)
    judge.groups.add(Group.objects.get(name="Judges"))
    superuser = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    everyone: list[User | None] = [judge, organiser, superuser, None]

    assert [contacts_locked_for(edition=mini, user=user) for user in everyone] == [False, False, False, False]
    publication_create(edition=mini, kind="final")
    mini.refresh_from_db()
    # Organisers (a superuser counts as one) and commands at the server (no user) may still change, with a reason.
    assert [contacts_locked_for(edition=mini, user=user) for user in everyone] == [True, False, False, False]
