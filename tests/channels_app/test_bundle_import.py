"""bundle-format.md: every import rule broken once gives its own named error and writes nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import ChangeRecord, Source
from award.models import Edition, Participant
from channels_app.bundle.export import export_edition
from channels_app.models import Answer, Contact
from publications.payload import canonical_json, digest_of, final_payload
from scoring.models import ChannelStanding
from scoring.selectors import edition_results


def run(*args: Any, language: str = "en") -> tuple[int, str, str]:
    """A command's exit code, output and errors, run as with LANGUAGE_CODE = language (the default is nb)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override(language):
            call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def copy_mini(samples: Path, tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    return bundle


def edit_csv(path: Path, change: Callable[[list[list[str]]], object]) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)


def set_cell(row_index: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    """row_index counts data rows from 1, so it is the file's line minus one."""

    def change(rows: list[list[str]]) -> None:
        rows[row_index][rows[0].index(column)] = value

    return change


def nothing_written() -> None:
    assert Edition.objects.count() == 0
    assert Participant.objects.count() == 0
    assert Contact.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


# contacts.csv: (row to break, column, new value, the error it must give). Row 1 is line 2.
CONTACT_CASES = [
    (1, "phone.wait", "7", "line 2: phone.wait: 7 is out of range 0 to 5"),
    (1, "phone.wait", "-1", "line 2: phone.wait: -1 is out of range 0 to 5"),
    (1, "phone.wait", "five", "line 2: phone.wait: “five” is not a whole number"),
    (1, "participant", "Nobody AS", "line 2: participant: no participant named “Nobody AS” in 2021"),
    (11, "channel", "chat", "line 12: channel: Tussa does not offer chat"),
    (1, "channel", "fax", "line 2: channel: must be one of phone, email, chat, messenger"),
    (
        1,
        "happened_at",
        "2021-04-13T10:15:00+01:00",
        "line 2: happened_at: 2021-04-13 is outside the edition (2021-01-15 to 2021-04-12)",
    ),
    (1, "happened_at", "2021-02-01T10:15:00", "line 2: happened_at: needs an offset"),
    (1, "happened_at", "yesterday", "line 2: happened_at: “yesterday” is not an ISO 8601 date and time"),
    (2, "phone.wait", "", None),  # made unscorable below together with the other counted cells
    (1, "answered", "yes", "line 2: answered: “yes” must be true or false"),
    (1, "voided", "maybe", "line 2: voided: “maybe” must be true or false"),
    (1, "wait_seconds", "4m", "line 2: wait_seconds: “4m” is not a whole number of seconds"),
    (1, "handled_by", "bot", "line 2: handled_by: a chatbot can handle only chat and Messenger contacts"),
    (1, "handled_by", "robot", "line 2: handled_by: must be one of agent, bot, bot_to_agent"),
    (1, "handled_by", "", "line 2: handled_by: required when the contact was answered"),
    (3, "phone.wait", "3", "line 4: phone.wait: must be empty when the contact was not answered"),
    (3, "wait_seconds", "300", "line 4: wait_seconds: must be empty when the contact was not answered"),
    (1, "email.wait", "4", "line 2: email.wait: must be empty for a phone contact"),
    (1, "judge", "", "line 2: judge: required"),
    (2, "ref", "P001", "line 3: ref: “P001” is already on line 2"),
    (1, "ref", "", "line 2: ref: required"),
    (1, "ref", "R" * 65, "line 2: ref: at most 64 characters"),
    (1, "judge", "bad judge!/<x>", "line 2: judge: “bad judge!/<x>” is not a valid username"),
    (1, "wait_seconds", "9999999999", "line 2: wait_seconds: must be whole seconds from 0 to 2592000"),
    (1, "wait_seconds", "\u0665", "line 2: wait_seconds: “\u0665” is not a whole number of seconds"),  # Arabic-Indic 5
    (
        1,
        "happened_at",
        "0001-01-01T00:15:00+01:00",
        "line 2: happened_at: 0001-01-01 is outside the edition (2021-01-15 to 2021-04-12)",
    ),
]


@pytest.mark.parametrize(("row", "column", "value", "message"), [c for c in CONTACT_CASES if c[3]])
def test_bad_contact_row_is_named_and_nothing_is_written(
    samples: Path, tmp_path: Path, db: None, row: int, column: str, value: str, message: str
) -> None:
    bundle = copy_mini(samples, tmp_path)
    edit_csv(bundle / "contacts.csv", set_cell(row, column, value))

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert message in err
    nothing_written()


def test_answered_contact_without_counted_answer(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    for column in ("phone.wait", "phone.greeting", "phone.solution"):
        edit_csv(bundle / "contacts.csv", set_cell(2, column, ""))  # P002 keeps only phone.feeling, which does not count

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 3: answered: an answered contact needs at least one counted question answered" in err
    nothing_written()


def test_every_bad_row_is_listed_not_only_the_first(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    edit_csv(bundle / "contacts.csv", set_cell(1, "phone.wait", "9"))
    edit_csv(bundle / "contacts.csv", set_cell(8, "chat.tone", "4"))

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 2: phone.wait: 9 is out of range 0 to 5" in err
    assert "line 9: chat.tone: 4 is out of range 0 to 3" in err
    nothing_written()


def test_unknown_and_missing_columns(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)

    def change(rows: list[list[str]]) -> None:
        rows[0][rows[0].index("judge")] = "assessor"
        rows[0][rows[0].index("phone.feeling")] = "phone.mood"

    edit_csv(bundle / "contacts.csv", change)

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 1: judge: missing column" in err
    assert "line 1: assessor: unknown column" in err
    assert "line 1: phone.mood: no such question in the phone questionnaire" in err
    nothing_written()


def test_participant_in_unknown_class(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    edit_csv(bundle / "participants.csv", set_cell(2, "class", "Fintech"))

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 3: class: “Fintech” is not a class of the edition (Broadband, Insurance, Car rental)" in err
    nothing_written()


def test_participant_channel_without_questionnaire_and_duplicate_name(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    edit_csv(bundle / "participants.csv", set_cell(1, "channels", "phone|messenger"))
    edit_csv(bundle / "participants.csv", set_cell(3, "name", "Sognenett"))

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 2: channels: messenger has no questionnaire in edition.json" in err
    assert "line 4: name: “Sognenett” is already on line 2" in err
    nothing_written()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"]["phone"][0].update(max_points=0), "questions.phone[0].max_points: must be between 1 and 1000"),
        (
            lambda d: d["questions"]["phone"][0].update(max_points=70000),
            "questions.phone[0].max_points: must be between 1 and 1000",
        ),
        (lambda d: d["questions"]["phone"][0].update(key=["wait"]), "questions.phone[0].key: required, must be text"),
        (lambda d: d["questions"]["phone"][0].update(text="x" * 501), "questions.phone[0].text: at most 500 characters"),
        (lambda d: d.update(name="N" * 201), "name: at most 200 characters"),
        (lambda d: d.update(classes=["Bank", " Bank "]), "classes: “Bank” appears more than once"),
        (lambda d: d.pop("year"), "year: required, must be a whole number"),
        (lambda d: d.update(ends_on="2021-01-01"), "ends_on: must not be before the start (2021-01-15)"),
        (lambda d: d.update(starts_on="15.01.2021"), "starts_on: “15.01.2021” is not a date (YYYY-MM-DD)"),
        (lambda d: d["questions"].update(fax=[]), "questions.fax: unknown channel (use phone, email, chat, messenger)"),
        (lambda d: d["questions"]["chat"][1].update(key="wait"), "questions.chat[1].key: “wait” appears more than once in chat"),
        (lambda d: d.update(min_contacts_per_channel=0), "min_contacts_per_channel: must be between 1 and 1000"),
    ],
)
def test_bad_edition_json(samples: Path, tmp_path: Path, db: None, change: Callable[[dict], Any], message: str) -> None:
    bundle = copy_mini(samples, tmp_path)
    data = json.loads((bundle / "edition.json").read_text(encoding="utf-8"))
    change(data)
    (bundle / "edition.json").write_text(json.dumps(data), encoding="utf-8")

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "edition.json: " in err
    assert f"\n{message}\n" in err
    nothing_written()


def test_broken_json_and_not_utf8(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    (bundle / "edition.json").write_text('{"year": 2021,\n "name": }', encoding="utf-8")
    code, _, err = run("import_edition", str(bundle))
    assert code == 1
    assert "line 2: not valid JSON" in err

    bundle = copy_mini(samples, tmp_path / "second")
    (bundle / "participants.csv").write_bytes(
        "name,class,channels\nSognenett,Broadband,phone\nT\xf8ssa,Broadband,phone\n".encode("latin-1")
    )
    code, _, err = run("import_edition", str(bundle))
    assert code == 1
    assert "line 3: the file is not UTF-8 text" in err
    nothing_written()


def test_judge_with_declared_conflict_is_refused(mini: Edition, samples: Path, tmp_path: Path) -> None:
    from channels_app.models import JudgeConflict

    JudgeConflict.objects.create(judge=Contact.objects.get(ref="P001").judge, participant=Participant.objects.get(name="Tussa"))
    path = tmp_path / "contacts.csv"
    rows = list(csv.reader((samples / "mini" / "contacts.csv").open(encoding="utf-8")))
    header, p201 = rows[0], next(r for r in rows if r[0] == "P201")  # judge1 on Tussa
    p201[0] = "P999"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, p201])
    before = Contact.objects.count()

    code, _, err = run("import_contacts", "2021", str(path))

    assert code == 1
    assert "line 2: judge: judge1 has declared a conflict of interest with Tussa" in err
    assert Contact.objects.count() == before


def test_reimport_changes_nothing_and_says_so(mini: Edition, samples: Path) -> None:
    version, changes = Edition.objects.get(pk=mini.pk).data_version, ChangeRecord.objects.count()
    standings = list(ChannelStanding.objects.values_list("participant__name", "channel", "total", "rank"))

    code, out, _ = run("import_edition", str(samples / "mini"))

    assert code == 0
    assert "Nothing changed" in out
    assert Edition.objects.get(pk=mini.pk).data_version == version
    assert ChangeRecord.objects.count() == changes
    assert list(ChannelStanding.objects.values_list("participant__name", "channel", "total", "rank")) == standings


def test_changed_row_updates_its_contact_and_keeps_history(
    mini: Edition, samples: Path, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "contacts.csv"
    shutil.copy(samples / "mini" / "contacts.csv", path)
    edit_csv(path, set_cell(1, "phone.greeting", "5"))  # P001: 4 -> 5, score 80 -> 85
    edit_csv(path, set_cell(1, "comment", "Changed my mind"))

    with django_capture_on_commit_callbacks(execute=True):
        code, out, _ = run("import_contacts", "2021", str(path))

    assert code == 0
    assert out == "Contacts: 1 changed, 34 unchanged.\n"
    contact = Contact.objects.get(ref="P001")
    assert str(contact.score) == "85.0000"
    record = ChangeRecord.objects.filter(object_id=contact.pk, action="update").get()
    assert record.source == "import"
    assert record.changes == {
        "comment": ["Friendly, knew the answer", "Changed my mind"],
        "phone.greeting": [4, 5],
        "score": ["80.0000", "85.0000"],
    }
    phone = ChannelStanding.objects.get(participant__name="Sognenett", channel="phone")
    assert str(phone.total) == "67.9167"  # (85 + 86.6667 + 0 + 100) / 4 = 67.916675


def test_dry_run_writes_nothing(mini: Edition, samples: Path, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    shutil.copy(samples / "mini" / "contacts.csv", path)
    edit_csv(path, set_cell(1, "phone.greeting", "5"))
    changes = ChangeRecord.objects.count()

    code, out, _ = run("import_contacts", "2021", str(path), "--dry-run")

    assert code == 0
    assert out == "Dry run: nothing was written. The import would do this:\nContacts: 1 changed, 34 unchanged.\n"
    assert ChangeRecord.objects.count() == changes
    assert str(Contact.objects.get(ref="P001").score) == "80.0000"


def test_zip_import(samples: Path, tmp_path: Path, db: None) -> None:
    archive = tmp_path / "mini.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("edition.json", "participants.csv", "contacts.csv"):
            zipped.write(samples / "mini" / name, f"mini/{name}")

    code, out, _ = run("import_edition", str(archive))

    assert code == 0
    assert "Contacts: 35 new.\n" in out
    assert Contact.objects.count() == 35
    assert Answer.objects.filter(contact__ref="P002").count() == 3  # greeting is N/A: no answer row


def test_export_then_import_into_an_empty_database_gives_the_same_digest(
    mini: Edition, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import UTC, datetime

    moment = datetime(2021, 5, 20, 18, 0, tzinfo=UTC)
    before = digest_of(canonical_json(final_payload(edition_results(edition=mini), published_at=moment)))
    standings = sorted(
        ChannelStanding.objects.values_list("participant__name", "channel", "contacts", "total", "answered", "rank")
    )
    export_edition(edition=mini, path=tmp_path / "export")

    Contact.objects.all().delete()
    Participant.objects.all().delete()
    Edition.objects.all().delete()
    assert ChannelStanding.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        code, _, err = run("import_edition", str(tmp_path / "export"))
    assert code == 0, err

    edition = Edition.objects.get(year=2021)
    assert digest_of(canonical_json(final_payload(edition_results(edition=edition), published_at=moment))) == before
    assert (
        sorted(ChannelStanding.objects.values_list("participant__name", "channel", "contacts", "total", "answered", "rank"))
        == standings
    )
    assert Contact.objects.filter(voided=True).count() == 1


def test_missing_question_column_of_a_channel_in_use(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)

    def drop_greeting(rows: list[list[str]]) -> None:
        index = rows[0].index("phone.greeting")
        for row in rows:
            del row[index]

    edit_csv(bundle / "contacts.csv", drop_greeting)

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 1: phone.greeting: missing column" in err
    nothing_written()


def test_an_account_that_is_not_a_judge_cannot_be_named_as_judge(mini: Edition, samples: Path, tmp_path: Path) -> None:
    from tests.factories import UserFactory

    UserFactory.create(username="sognenett")  # a company user
    path = tmp_path / "contacts.csv"
    shutil.copy(samples / "mini" / "contacts.csv", path)
    edit_csv(path, set_cell(1, "judge", "sognenett"))

    code, _, err = run("import_contacts", "2021", str(path))

    assert code == 1
    assert "line 2: judge: “sognenett” is an account that is not a judge" in err


def test_empty_and_short_rows_are_reported_not_skipped(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    content = (bundle / "contacts.csv").read_text(encoding="utf-8").splitlines()
    content.insert(3, "," * (content[0].count(",")))
    content.insert(5, "P999,Sognenett,phone")
    (bundle / "contacts.csv").write_text("\n".join(content) + "\n", encoding="utf-8")

    code, _, err = run("import_edition", str(bundle))

    assert code == 1
    assert "line 4: (whole row): every cell is empty\nline 6: (whole row): has 3 cells, the header has 19\n2 bad rows." in err
    nothing_written()


def test_bom_crlf_and_multiline_comments_import(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = copy_mini(samples, tmp_path)
    edit_csv(bundle / "contacts.csv", set_cell(1, "comment", "First line\nsecond line"))
    text = (bundle / "contacts.csv").read_text(encoding="utf-8").replace("\n", "\r\n")
    (bundle / "contacts.csv").write_bytes("\ufeff".encode() + text.encode("utf-8"))
    edit = (bundle / "contacts.csv").read_bytes()
    assert edit.startswith(b"\xef\xbb\xbf")

    code, _, err = run("import_edition", str(bundle))

    assert code == 0, err
    assert Contact.objects.get(ref="P001").comment == "First line\r\nsecond line"
    assert Contact.objects.count() == 35


def test_archive_with_two_bundles_is_refused(samples: Path, tmp_path: Path, db: None) -> None:
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for folder in ("old", "new"):
            out.write(samples / "mini" / "edition.json", f"{folder}/edition.json")
        out.write(samples / "mini" / "participants.csv", "new/participants.csv")

    code, _, err = run("import_edition", str(archive))

    assert code == 1
    assert "edition.json: found in several folders (new, old)" in err
    nothing_written()


def reimport(samples: Path, tmp_path: Path, change: Callable[[Path], None]) -> tuple[int, str, str]:
    bundle = copy_mini(samples, tmp_path / "again")
    change(bundle)
    return run("import_edition", str(bundle))


def edit_json(bundle: Path, change: Callable[[dict], Any]) -> None:
    data = json.loads((bundle / "edition.json").read_text(encoding="utf-8"))
    change(data)
    (bundle / "edition.json").write_text(json.dumps(data), encoding="utf-8")


def test_reimport_cannot_strand_counted_contacts(mini: Edition, samples: Path, tmp_path: Path) -> None:
    changes = ChangeRecord.objects.count()

    code, _, err = reimport(samples, tmp_path, lambda b: edit_csv(b / "participants.csv", set_cell(1, "channels", "phone|email")))
    assert code == 1
    assert "line 2: channels: Sognenett has 3 counted contacts in chat: void them before dropping the channel" in err

    code, _, err = reimport(samples, tmp_path / "2", lambda b: edit_json(b, lambda d: d.update(ends_on="2021-02-10")))
    assert code == 1
    assert "starts_on: 14 counted contacts would fall outside the new dates: void them first" in err

    assert ChangeRecord.objects.count() == changes
    assert Participant.objects.get(name="Sognenett").channels == ["phone", "email", "chat"]


def test_the_bundle_is_the_whole_edition(mini: Edition, samples: Path, tmp_path: Path) -> None:
    def add_then(bundle: Path) -> None:
        edit_json(bundle, lambda d: d["questions"]["chat"].pop())  # chat.tone has answers
        text = (bundle / "contacts.csv").read_text(encoding="utf-8")
        (bundle / "contacts.csv").write_text(text.replace(",chat.tone", "").replace(",3\n", "\n").replace(",2\n", "\n"), "utf-8")

    code, _, err = reimport(samples, tmp_path, add_then)
    assert code == 1
    assert "questions.chat: tone: no longer listed, but it has answers" in err

    code, _, err = reimport(samples, tmp_path / "2", lambda b: edit_csv(b / "participants.csv", lambda rows: rows.pop(5)))
    assert code == 1
    assert "Sixt: no longer listed, but it has contacts" in err

    # What nothing depends on goes.
    from award.services import class_ensure, participant_upsert
    from channels_app.questionnaire import question_upsert

    question_upsert(
        edition=mini,
        channel="email",
        key="tone",
        text="Tone?",
        area="The agent",
        max_points=3,
        counts=True,
        position=9,
        source=Source.COMMAND,
    )
    newcomer, _ = class_ensure(edition=mini, name="Energy", source=Source.COMMAND)
    participant_upsert(edition=mini, name="Kraftlag", award_class=newcomer, channels=["phone"], source=Source.COMMAND)

    code, out, err = run("import_edition", str(samples / "mini"))

    assert code == 0, err
    assert "Questions: 1 removed, 9 unchanged.\nClasses: 1 removed, 3 unchanged.\nParticipants: 1 removed, 5 unchanged.\n" in out
    assert not Participant.objects.filter(name="Kraftlag").exists()
    assert ChangeRecord.objects.filter(action="delete", object_repr="Kraftlag", source=Source.IMPORT).exists()


def test_after_the_final_publication_an_import_needs_a_reason(mini: Edition, samples: Path, tmp_path: Path) -> None:
    from publications.services import publication_create

    publication_create(edition=mini, kind="final")
    path = tmp_path / "contacts.csv"
    shutil.copy(samples / "mini" / "contacts.csv", path)
    edit_csv(path, set_cell(1, "phone.greeting", "5"))

    code, _, err = run("import_contacts", "2021", str(path))
    assert code == 1
    assert "line 2: reason: The final results of 2021 are published: give a reason for this change." in err
    assert str(Contact.objects.get(ref="P001").score) == "80.0000"

    code, out, err = run("import_contacts", "2021", str(path), "--reason", "Judge's sheet was misread")
    assert code == 0, err
    assert "Contacts: 1 changed" in out
    assert (
        ChangeRecord.objects.get(object_id=Contact.objects.get(ref="P001").pk, action="update").note
        == "Judge's sheet was misread"
    )
    assert run("import_contacts", "2021", str(samples / "mini" / "contacts.csv"))[0] == 1  # changing it back needs a reason too
