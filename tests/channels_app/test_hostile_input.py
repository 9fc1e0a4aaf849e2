"""Hostile bundles (docs/bundle-format.md): each is refused with one clear problem and nothing written, on every database.

Zip archives are checked before anything in them is read (entries, names, sizes, encryption), damaged data is a
problem of its file, edition.json cannot exhaust the parser, and the export writes cells no spreadsheet runs as
formulas, which import back as they were.
"""

from __future__ import annotations

import csv
import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import ChangeRecord
from award.models import AwardClass, Edition, Participant
from channels_app.bundle.export import export_edition
from channels_app.bundle.files import MAX_FILE_BYTES, MIB
from channels_app.bundle.format import CONTACT_COLUMNS, CONTACTS_FILE, EDITION_FILE, PARTICIPANTS_FILE, BundleError, Problem
from channels_app.bundle.importer import import_edition
from channels_app.bundle.parse import parse_edition
from channels_app.models import Contact, Question
from tests.conftest import on_postgres

BUNDLE_NAMES = (EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE)
NO_CONTROL = "must not contain control characters such as a line break or a tab"


def refusal(path: Path) -> dict[str, list[str]]:
    """The problems an import of the bundle raises, by file, as the command prints them; and that it wrote nothing."""
    with pytest.raises(BundleError) as raised:
        import_edition(path)
    assert Edition.objects.count() == 0
    assert Participant.objects.count() == 0
    assert Contact.objects.count() == 0
    assert ChangeRecord.objects.count() == 0
    return {name: [str(problem) for problem in found] for name, found in raised.value.problems.items()}


def mini_files(samples: Path) -> dict[str, bytes]:
    return {name: (samples / "mini" / name).read_bytes() for name in BUNDLE_NAMES}


def write_zip(path: Path, entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipFile:
    """A .zip of the entries; returned open, so that a test can change what its central directory declares."""
    archive = zipfile.ZipFile(path, "w", compression=compression)
    for name, content in entries.items():
        archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0)), content, compress_type=compression)
    return archive


@pytest.fixture
def nothing_opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The entries opened from any .zip during the test: the checks must refuse a bad archive before reading a byte."""
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "r":
            opened.append(getattr(name, "filename", name))
        return original(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


# Archives ---------------------------------------------------------------------------------------


def test_an_archive_with_too_many_entries_is_refused_before_reading(
    samples: Path, tmp_path: Path, db: None, nothing_opened: list[str]
) -> None:
    path = tmp_path / "many.zip"
    entries = mini_files(samples) | {f"notes/{n:03d}.txt": b"note" for n in range(98)}
    write_zip(path, entries).close()

    assert refusal(path) == {str(path): ["the .zip file holds 101 entries: a bundle's archive holds at most 100"]}
    assert nothing_opened == []


INSIDE = "every entry must be a path inside the archive"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../edition.json", f"leads out of its folder (..): {INSIDE}"),
        ("mini/../../x.txt", f"leads out of its folder (..): {INSIDE}"),
        ("/etc/cron.d/award", f"is an absolute path: {INSIDE}"),
        ("mini\\edition.json", "has a backslash in its name: folders in a .zip are separated by /"),
        ("C:/Windows/x.txt", f"starts with a drive letter: {INSIDE}"),
    ],
)
def test_an_entry_that_is_no_path_inside_the_archive_is_refused(
    samples: Path, tmp_path: Path, db: None, nothing_opened: list[str], name: str, reason: str
) -> None:
    path = tmp_path / "evil.zip"
    write_zip(path, mini_files(samples) | {name: b"x"}).close()

    assert refusal(path) == {str(path): [f"the entry “{name}” {reason}"]}
    assert nothing_opened == []


def test_an_entry_twice_is_refused(samples: Path, tmp_path: Path, db: None) -> None:
    path = tmp_path / "twice.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = write_zip(path, mini_files(samples))
        archive.writestr("contacts.csv", b"ref\n")
    archive.close()

    assert refusal(path) == {str(path): ["the entry “contacts.csv” appears more than once in the .zip file"]}


def test_a_zip_bomb_is_refused_at_once_by_the_size_it_declares(
    samples: Path, tmp_path: Path, db: None, nothing_opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that compress a thousandfold: contacts.csv declares 3 MiB unpacked, over a limit made 1 MiB for the test."""
    monkeypatch.setitem(MAX_FILE_BYTES, CONTACTS_FILE, 1 * MIB)
    rows = mini_files(samples)[CONTACTS_FILE].splitlines(keepends=True)
    bomb = rows[0] + rows[1] * (3 * MIB // len(rows[1]) + 1)
    path = tmp_path / "bomb.zip"
    write_zip(path, mini_files(samples) | {CONTACTS_FILE: bomb}).close()
    assert path.stat().st_size < 20_000 < len(bomb) // 100

    assert refusal(path) == {CONTACTS_FILE: ["the file unpacks to 3.1 MiB, more than the 1 MiB allowed"]}
    assert nothing_opened == []


def test_an_entry_declaring_a_gibibyte_is_refused_by_the_real_limit(
    samples: Path, tmp_path: Path, db: None, nothing_opened: list[str]
) -> None:
    """What a crafted archive says is what counts: zipfile never unpacks more than an entry declares."""
    path = tmp_path / "huge.zip"
    archive = write_zip(path, mini_files(samples))
    archive.getinfo(CONTACTS_FILE).file_size = 2**30  # written into the central directory on close
    archive.getinfo(PARTICIPANTS_FILE).file_size = 16 * MIB + 1
    archive.close()

    assert refusal(path) == {
        PARTICIPANTS_FILE: ["the file unpacks to 16.1 MiB, more than the 16 MiB allowed"],
        CONTACTS_FILE: ["the file unpacks to 1 GiB, more than the 512 MiB allowed"],
    }
    assert nothing_opened == []


def test_an_encrypted_entry_is_refused(samples: Path, tmp_path: Path, db: None, nothing_opened: list[str]) -> None:
    path = tmp_path / "locked.zip"
    archive = write_zip(path, mini_files(samples))
    archive.getinfo(CONTACTS_FILE).flag_bits |= 0x1  # the zip format's "encrypted" flag
    archive.close()

    assert refusal(path) == {CONTACTS_FILE: ["the file is encrypted in the .zip file: make the archive without a password"]}
    assert nothing_opened == []


def test_damaged_deflate_data_is_a_problem_of_its_file(samples: Path, tmp_path: Path, db: None) -> None:
    """contacts.csv unpacks well for its first rows, then its deflate stream holds a block of a type that does not exist."""
    files = mini_files(samples)
    path = tmp_path / "damaged.zip"
    write_zip(path, files).close()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(CONTACTS_FILE)
    raw = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)  # of the local header
    start = info.header_offset + 30 + name_length + extra_length  # where the entry's data starts
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, as in a .zip
    good = files[CONTACTS_FILE][:1000]
    damaged = compressor.compress(good) + compressor.flush(zlib.Z_FULL_FLUSH) + b"\x07"  # final block, type 3: invalid
    assert len(damaged) < info.compress_size
    raw[start : start + len(damaged)] = damaged
    path.write_bytes(bytes(raw))

    assert refusal(path) == {
        CONTACTS_FILE: [
            "cannot be unpacked from the .zip file, which is damaged (Error -3 while decompressing data: invalid block type)"
        ]
    }


def test_a_bad_crc_is_a_problem_of_its_file(samples: Path, tmp_path: Path, db: None) -> None:
    path = tmp_path / "crc.zip"
    write_zip(path, mini_files(samples), compression=zipfile.ZIP_STORED).close()
    raw = path.read_bytes()
    assert raw.count(b"Friendly, knew the answer") == 1
    path.write_bytes(raw.replace(b"Friendly, knew the answer", b"Friendly, knew the anSwer"))  # still a good CSV

    assert refusal(path) == {
        CONTACTS_FILE: ["cannot be unpacked from the .zip file, which is damaged (Bad CRC-32 for file 'contacts.csv')"]
    }


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (EOFError("Compressed file ended before the end-of-stream marker was reached"), "Compressed file ended"),
        (zlib.error("Error -3 while decompressing data: invalid distance too far back"), "invalid distance too far back"),
        (zipfile.BadZipFile("Bad CRC-32 for file 'edition.json'"), "Bad CRC-32 for file 'edition.json'"),
    ],
)
def test_any_unpacking_error_while_a_file_is_read_is_a_problem_of_that_file(
    samples: Path, tmp_path: Path, db: None, monkeypatch: pytest.MonkeyPatch, error: Exception, shown: str
) -> None:
    path = tmp_path / "mini.zip"
    write_zip(path, mini_files(samples)).close()

    def fail(self: Any, *args: Any) -> bytes:
        raise error

    monkeypatch.setattr(zipfile.ZipExtFile, "read", fail)

    problems = refusal(path)
    assert list(problems) == [EDITION_FILE]
    assert problems[EDITION_FILE] == [f"cannot be unpacked from the .zip file, which is damaged ({error})"]
    assert shown in problems[EDITION_FILE][0]


def test_an_error_of_the_reading_code_is_not_blamed_on_the_archive(samples: Path, tmp_path: Path, db: None) -> None:
    """Only the stream's own reads are guarded: what the code inside `with files.open(...)` raises stays what it is."""
    from channels_app.bundle.files import BundleFiles

    path = tmp_path / "mini.zip"
    write_zip(path, mini_files(samples)).close()
    with BundleFiles(path) as files, pytest.raises(RuntimeError, match="a bug"), files.open(CONTACTS_FILE) as stream:
        stream.readline()
        raise RuntimeError("a bug")


def test_a_folder_bundle_file_over_its_limit_is_refused_before_reading(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    with (bundle / CONTACTS_FILE).open("r+b") as out:
        out.truncate(512 * MIB + 1)  # sparse: no disk is used, and reading it would find NUL characters
    with (bundle / EDITION_FILE).open("ab") as out:
        out.write(b" " * MIB)  # still valid JSON

    assert refusal(bundle) == {
        EDITION_FILE: ["the file is 1.1 MiB, more than the 1 MiB allowed"],
        CONTACTS_FILE: ["the file is 512.1 MiB, more than the 512 MiB allowed"],
    }


def test_a_bundle_file_that_is_no_plain_file_is_refused(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    (bundle / CONTACTS_FILE).unlink()
    (bundle / CONTACTS_FILE).mkdir()  # not skipped silently as if the optional file were missing

    assert refusal(bundle) == {CONTACTS_FILE: ["not a plain file"]}


# edition.json -----------------------------------------------------------------------------------


def edition_json(samples: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((samples / "mini" / EDITION_FILE).read_text(encoding="utf-8"))
    return data


def edition_problems(content: bytes) -> list[Problem]:
    with pytest.raises(BundleError) as raised:
        parse_edition(content)
    assert list(raised.value.problems) == [EDITION_FILE]
    return raised.value.all()


DEEP = "the JSON is nested more than 10 levels deep (an edition needs 4)"


@pytest.mark.parametrize("depth", [8, 200_000])  # 8 more below a question: 12 levels; and far past Python's recursion limit
def test_deeply_nested_json_is_refused(samples: Path, depth: int) -> None:
    text = json.dumps(edition_json(samples)).replace('"counts": false', '"counts": ' + "[" * depth + "]" * depth, 1)

    assert edition_problems(text.encode()) == [Problem(None, "", DEEP)]


def test_the_nesting_the_format_needs_is_allowed(samples: Path) -> None:
    data = edition_json(samples)
    data["questions"]["phone"][0]["extra"] = [[[[[[1]]]]]]  # 10 levels: allowed, then refused as an unknown field

    assert edition_problems(json.dumps(data).encode()) == [Problem(None, "questions.phone[0].extra", "unknown field")]


def test_deeply_nested_edition_json_is_refused_by_the_import(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    (bundle / EDITION_FILE).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    assert refusal(bundle) == {EDITION_FILE: [DEEP]}


def test_edition_json_over_its_limit_is_refused(samples: Path) -> None:
    content = json.dumps(edition_json(samples)).encode() + b" " * MIB

    assert edition_problems(content) == [Problem(None, "", "the file is 1.1 MiB, more than the 1 MiB allowed")]


def test_a_number_too_long_to_read_is_refused(samples: Path) -> None:
    text = json.dumps(edition_json(samples)).replace('"year": 2021', '"year": ' + "9" * 5000, 1)

    assert edition_problems(text.encode()) == [Problem(None, "", "a number has more than 4300 digits")]


def test_half_a_surrogate_pair_is_refused_where_it_is(samples: Path) -> None:
    text = json.dumps(edition_json(samples)).replace("How fast was the reply?", "How fast \\ud83d was the reply?", 1)

    assert edition_problems(text.encode()) == [
        Problem(None, "questions.email[0].text", "“\\ud83d” is half of a surrogate pair, not a character")
    ]


# Control characters -------------------------------------------------------------------------------


@pytest.mark.parametrize("database", ["default", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_nul_escape_in_edition_json_is_refused_alike_on_every_database(
    samples: Path, tmp_path: Path, db: None, database: str
) -> None:
    """PostgreSQL stores no NUL (a DataError), SQLite does: the rules refuse it first, so both refuse it the same way."""
    if database == "postgresql":
        on_postgres()
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    text = (bundle / EDITION_FILE).read_text(encoding="utf-8")
    text = text.replace('"Customer Service Award 2021"', '"Customer Service\\u0000Award 2021"')
    text = text.replace('"Car rental"', '"Car\\u0000rental"')
    text = text.replace('"Did the reply solve the case?"', '"Did the reply\\u0000solve the case?"')
    (bundle / EDITION_FILE).write_text(text, encoding="utf-8")

    nul = f"{NO_CONTROL} (found a NUL character)"
    assert refusal(bundle) == {
        EDITION_FILE: [f"name: {nul}", f"classes[2]: {nul}", f"questions.email[1].text: {nul}"],
    }


def test_control_characters_in_names_and_questions_are_refused_by_the_import(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    data = edition_json(samples)
    data["classes"][0] = "Broad\tband"
    data["questions"]["phone"][0]["key"] = "wa\tit"
    data["questions"]["phone"][1]["area"] = "The\x1bagent"
    (bundle / EDITION_FILE).write_text(json.dumps(data), encoding="utf-8")

    assert refusal(bundle) == {
        EDITION_FILE: [
            f"classes[0]: {NO_CONTROL} (found a tab)",
            f"questions.phone[0].key: {NO_CONTROL} (found a tab)",
            f"questions.phone[1].area: {NO_CONTROL} (found U+001B)",
        ]
    }


def test_a_line_break_in_a_participant_name_is_refused_by_the_import(samples: Path, tmp_path: Path, db: None) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(samples / "mini", bundle)
    text = (bundle / PARTICIPANTS_FILE).read_text(encoding="utf-8").replace("Tussa,", '"Tus\nsa",', 1)
    (bundle / PARTICIPANTS_FILE).write_text(text, encoding="utf-8")

    problems = refusal(bundle)
    assert problems[PARTICIPANTS_FILE] == [f"line 3: name: {NO_CONTROL} (found a line break)"]
    assert "line 12: participant: no participant named “Tussa” in 2021" in problems[CONTACTS_FILE]  # its contacts, checked too


# Formula-safe export ------------------------------------------------------------------------------

# Texts a spreadsheet would run as formulas, and one that starts with the guard's apostrophe itself.
HOSTILE_NAMES = ["=SUM(1+1)", "+47 Telecom", "-Minus AS", "@Home AS", "'Tis AS", "Plain AS"]
HOSTILE_CONTACTS = [
    # ref, participant, judge, comment
    ("=R1", "=SUM(1+1)", "-judge", '=HYPERLINK("http://evil.example","x")'),
    ("+R2", "+47 Telecom", "@judge", "+1"),
    ("-R3", "-Minus AS", "+judge", "-"),
    ("@R4", "@Home AS", "judge", "@SUM(A1)"),
    ("'R5", "'Tis AS", "judge", "'quoted'"),
    ("R6", "Plain AS", "judge", "\tTabbed, then\non two lines"),
]


def hostile_bundle(folder: Path) -> Path:
    """A bundle written by hand (no guard): its texts are imported as they are written."""
    folder.mkdir()
    edition = {
        "year": 2031,
        "name": "Customer Service Award 2031",
        "starts_on": "2031-01-15",
        "ends_on": "2031-04-12",
        "classes": ["=Bank", "Broadband"],
        "questions": {"phone": [{"key": "wait", "text": "Wait?", "area": "Waiting", "max_points": 5, "counts": True}]},
    }
    (folder / EDITION_FILE).write_text(json.dumps(edition), encoding="utf-8")
    with (folder / PARTICIPANTS_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "class", "channels"])
        writer.writerows([name, "=Bank" if n % 2 == 0 else "Broadband", "phone"] for n, name in enumerate(HOSTILE_NAMES))
    with (folder / CONTACTS_FILE).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*CONTACT_COLUMNS, "phone.wait"])
        for day, (ref, participant, judge, comment) in enumerate(HOSTILE_CONTACTS, start=1):
            happened_at = f"2031-02-{day:02d}T10:00:00+01:00"
            writer.writerow([ref, participant, "phone", judge, happened_at, "true", "60", "agent", "false", comment, "3"])
    return folder


def stored_texts() -> dict[str, Any]:
    return {
        "classes": sorted(AwardClass.objects.values_list("name", flat=True)),
        "participants": sorted(Participant.objects.values_list("name", "award_class__name")),
        "contacts": sorted(Contact.objects.values_list("ref", "participant__name", "judge__username", "comment")),
    }


def test_the_export_guards_every_text_cell_and_imports_back_as_it_was(
    tmp_path: Path, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        import_edition(hostile_bundle(tmp_path / "hostile"))
    before = stored_texts()
    assert before["participants"][0] == ("'Tis AS", "=Bank")  # a hand-written apostrophe before a letter stays

    export_edition(edition=Edition.objects.get(year=2031), path=tmp_path / "export")

    participants = (tmp_path / "export" / PARTICIPANTS_FILE).read_text(encoding="utf-8").splitlines()
    assert participants[0] == "name,class,channels"
    assert sorted(participants[1:]) == [
        "''Tis AS,'=Bank,phone",
        "'+47 Telecom,Broadband,phone",
        "'-Minus AS,'=Bank,phone",
        "'=SUM(1+1),'=Bank,phone",
        "'@Home AS,Broadband,phone",
        "Plain AS,Broadband,phone",
    ]
    contacts = (tmp_path / "export" / CONTACTS_FILE).read_text(encoding="utf-8")
    assert contacts == (
        "ref,participant,channel,judge,happened_at,answered,wait_seconds,handled_by,voided,comment,phone.wait\n"
        "'=R1,'=SUM(1+1),phone,'-judge,2031-02-01T10:00:00+01:00,true,60,agent,false,"
        '"\'=HYPERLINK(""http://evil.example"",""x"")",3\n'
        "'+R2,'+47 Telecom,phone,'@judge,2031-02-02T10:00:00+01:00,true,60,agent,false,'+1,3\n"
        "'-R3,'-Minus AS,phone,'+judge,2031-02-03T10:00:00+01:00,true,60,agent,false,'-,3\n"
        "'@R4,'@Home AS,phone,judge,2031-02-04T10:00:00+01:00,true,60,agent,false,'@SUM(A1),3\n"
        "''R5,''Tis AS,phone,judge,2031-02-05T10:00:00+01:00,true,60,agent,false,''quoted',3\n"
        'R6,Plain AS,phone,judge,2031-02-06T10:00:00+01:00,true,60,agent,false,"\'\tTabbed, then\non two lines",3\n'
    )

    # Into an empty database: the same texts, every one.
    Contact.objects.all().delete()
    Participant.objects.all().delete()
    Question.objects.all().delete()
    Edition.objects.all().delete()
    User.objects.all().delete()
    assert stored_texts() == {"classes": [], "participants": [], "contacts": []}
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_edition(tmp_path / "export")
    assert summary.count("contacts", "created") == len(HOSTILE_CONTACTS)
    assert stored_texts() == before
    assert sorted(name for name, _class in before["participants"]) == sorted(HOSTILE_NAMES)
    assert sorted(comment for *_, comment in before["contacts"]) == sorted(c[3] for c in HOSTILE_CONTACTS)
