"""The set-based contacts import: its cost does not grow per row, and it reports what an organiser needs to know."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import ChangeRecord
from award.models import Edition
from award.roles import JUDGES
from channels_app.bundle import contacts as contacts_module
from channels_app.bundle.format import MAX_PROBLEMS, BundleError, ContactChange, Problem
from channels_app.bundle.importer import import_contacts_content
from channels_app.models import Answer, Contact


def sample_rows(samples: Path) -> list[list[str]]:
    return list(csv.reader((samples / "mini" / "contacts.csv").open(encoding="utf-8", newline="")))


def as_csv(rows: list[list[str]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def copies_of_first_row(samples: Path, n: int, change: Callable[[list[str], int], None] | None = None) -> bytes:
    """The header and n new contacts, each a copy of P001 with its own ref."""
    rows = sample_rows(samples)
    header, first = rows[0], rows[1]
    copies = []
    for number in range(n):
        row = list(first)
        row[header.index("ref")] = f"X{number:05d}"
        if change is not None:
            change(row, number)
        copies.append(row)
    return as_csv([header, *copies])


def queries_of(content: bytes, edition: Edition, *, dry_run: bool = False) -> int:
    """The statements an import sends (a COPY on PostgreSQL is not among those Django sees; an executemany is one)."""
    with CaptureQueriesContext(connection) as queries:
        import_contacts_content(edition=edition, content=content, dry_run=dry_run)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(mini: Edition, samples: Path) -> None:
    few = queries_of(copies_of_first_row(samples, 5), mini)
    Contact.objects.filter(ref__startswith="X").delete()
    many = queries_of(copies_of_first_row(samples, 300), mini)

    assert many == few
    assert Contact.objects.filter(ref__startswith="X").count() == 300
    assert Answer.objects.filter(contact__ref__startswith="X").count() == 300 * 4
    ids = Contact.objects.filter(ref__startswith="X").values("pk")
    assert ChangeRecord.objects.filter(content_type__model="contact", object_id__in=ids, action="create").count() == 300


def test_a_batch_costs_the_same_few_queries(mini: Edition, samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts_module, "BATCH", 100)
    one_batch = queries_of(copies_of_first_row(samples, 100), mini)
    Contact.objects.filter(ref__startswith="X").delete()
    three_batches = queries_of(copies_of_first_row(samples, 300), mini)

    # Per batch: read the stored contacts of its refs, take the new contacts' ids (one statement on PostgreSQL,
    # three on SQLite), then write contacts, answers and history (three statements; COPY on PostgreSQL, unseen here).
    per_batch = 2 if connection.vendor == "postgresql" else 7
    assert three_batches - one_batch == 2 * per_batch
    assert Contact.objects.filter(ref__startswith="X").count() == 300


def test_a_dry_run_lists_the_new_and_changed_contacts_and_the_judges_to_create(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    header = rows[0]
    rows[1][header.index("phone.greeting")] = "5"  # P001: 4 -> 5
    rows[2][header.index("comment")] = "Gave a name after all"  # P002
    new = list(rows[1])
    new[header.index("ref")], new[header.index("judge")] = "P999", "judge3"  # a new contact by a judge without an account
    rows.append(new)
    before = Contact.objects.count(), ChangeRecord.objects.count(), User.objects.count()

    summary = import_contacts_content(edition=mini, content=as_csv(rows), dry_run=True)

    outcomes = ("created", "updated", "unchanged")
    assert [summary.count("contacts", outcome) for outcome in outcomes] == [1, 2, 33]
    assert summary.new_contacts == [(37, "P999")]
    assert summary.changed_contacts == [
        ContactChange(2, "P001", {"phone.greeting": [4, 5], "score": ["80.0000", "85.0000"]}),
        ContactChange(3, "P002", {"comment": ["No name given", "Gave a name after all"]}),
    ]
    assert summary.new_judges == ["judge3"]
    assert (Contact.objects.count(), ChangeRecord.objects.count(), User.objects.count()) == before


def test_the_import_creates_the_judges_it_names_and_says_so(mini: Edition, samples: Path) -> None:
    def by_new_judge(row: list[str], number: int) -> None:
        row[3] = "judge3"

    with translation.override("en"):
        summary = import_contacts_content(edition=mini, content=copies_of_first_row(samples, 2, by_new_judge))

    assert summary.new_judges == ["judge3"]
    judge = User.objects.get(username="judge3")
    assert not judge.has_usable_password() and judge.groups.filter(name=JUDGES).exists()
    with translation.override("en"):
        assert summary.report() == "Contacts: 2 new.\n1 new judge account: judge3."


def test_header_problems_and_row_problems_come_together(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    header = rows[0]
    for column in ("chat.wait", "chat.solution"):  # columns a chat row of the file needs
        index = header.index(column)
        for row in rows:
            del row[index]
    chat = next(row for row in rows if row[header.index("channel")] == "chat")
    rows[1][header.index("voided")] = "maybe"
    rows[2][header.index("phone.wait")] = "9"
    rows[3][header.index("participant")] = "Nobody AS"

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    assert raised.value.all() == [
        Problem(1, "chat.wait", "missing column (a question of chat, which rows of this file use)"),
        Problem(1, "chat.solution", "missing column (a question of chat, which rows of this file use)"),
        Problem(2, "voided", "“maybe” must be true or false"),
        Problem(3, "phone.wait", "9 is out of range 0 to 5"),
        Problem(4, "participant", "no participant named “Nobody AS” in 2021"),
    ]
    assert raised.value.bad_rows() == 3
    assert chat  # the file does use chat
    with translation.override("en"):
        assert raised.value.report().endswith("\n3 bad rows.")


def test_a_semicolon_separated_file_is_named_as_such(mini: Edition, samples: Path) -> None:
    content = as_csv(sample_rows(samples), delimiter=";")

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=content)

    [problem] = raised.value.all()
    assert problem.line == 1
    assert problem.reason.startswith("the columns are separated by semicolons (;), not commas.")
    assert "“CSV UTF-8 (comma-separated)”" in problem.reason


def test_a_report_is_in_the_readers_language_with_plurals(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    header = rows[0]
    rows[1][header.index("voided")] = "kanskje"

    with translation.override("nb"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    with translation.override("nb"):
        assert raised.value.report() == (
            "contacts.csv: 1 problem\nlinje 2: voided: «kanskje» må være true eller false\n1 ugyldig rad."
        )
    with translation.override("nb"):
        summary = import_contacts_content(edition=mini, content=copies_of_first_row(samples, 1))
        assert summary.report() == "Kontakter: 1 ny."


def test_very_many_bad_rows_are_listed_up_to_a_limit_and_counted(mini: Edition, samples: Path) -> None:
    def bad(row: list[str], number: int) -> None:
        row[10] = "7"  # phone.wait: out of range 0 to 5

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=copies_of_first_row(samples, MAX_PROBLEMS + 5, bad))

    assert len(raised.value.all()) == MAX_PROBLEMS
    assert raised.value.omitted == {"contacts.csv": 5}
    with translation.override("en"):
        report = raised.value.report()
    assert report.startswith(f"contacts.csv: {MAX_PROBLEMS + 5} problems\n")
    assert "\n… and 5 more problems, not listed\n" in report
    assert not Contact.objects.filter(ref__startswith="X").exists()


def test_a_bad_byte_or_an_overlong_line_is_named_by_its_line(mini: Edition, samples: Path) -> None:
    content = copies_of_first_row(samples, 3000)
    lines = content.split(b"\n")
    lines[2500] = lines[2500].replace(b"Friendly", b"Friendl\xff")  # line 2501, in the second batch

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=b"\n".join(lines))
    assert [(p.line, p.reason) for p in raised.value.all()] == [
        (2501, "the file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8” and try again")
    ]

    lines[2500] = b"x" * (1024 * 1024 + 10)
    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=b"\n".join(lines))
    assert [(p.line, p.reason) for p in raised.value.all()] == [(2501, "the line is longer than 1024 KiB")]
    assert not Contact.objects.filter(ref__startswith="X").exists()


def test_a_dry_run_names_a_judge_without_an_account_in_the_change(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    rows[1][rows[0].index("judge")] = "judge9"  # P001, by judge1 until now

    summary = import_contacts_content(edition=mini, content=as_csv(rows), dry_run=True)

    assert summary.changed_contacts == [ContactChange(2, "P001", {"judge": ["judge1", "judge9"]})]
    assert summary.new_judges == ["judge9"]


def test_a_ref_with_a_control_character_is_refused(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    rows[1][0] = "P\x1b001"

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    assert raised.value.all() == [
        Problem(2, "ref", "must not contain control characters such as a line break or a tab (found U+001B)")
    ]


def test_a_contacts_file_over_the_limit_is_refused_before_it_is_read(
    mini: Edition, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from channels_app.bundle import importer

    path = tmp_path / "contacts.csv"
    path.write_bytes(b"ref\n" + b"x\n" * 2000)
    monkeypatch.setitem(importer.MAX_FILE_BYTES, "contacts.csv", 1024)

    with translation.override("en"), pytest.raises(BundleError) as raised:
        importer.import_contacts_file(edition=mini, path=path)

    assert raised.value.problems == {str(path): [Problem(None, "", "the file is 4 KiB, more than the 1 KiB allowed")]}


def test_the_cycle_collector_is_back_on_after_an_import_good_or_bad(mini: Edition, samples: Path) -> None:
    import gc

    import_contacts_content(edition=mini, content=copies_of_first_row(samples, 3))
    assert gc.isenabled()

    with pytest.raises(BundleError):
        import_contacts_content(edition=mini, content=b"ref\nX\n")
    assert gc.isenabled()


# The review's findings --------------------------------------------------------------


def test_a_question_cell_of_thousands_of_digits_is_a_bad_cell(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    rows[1][rows[0].index("phone.wait")] = "9" * 5000

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    assert raised.value.all() == [Problem(2, "phone.wait", f"“{'9' * 39}…” is not a whole number")]


def test_lines_ending_with_a_carriage_return_only_are_named(mini: Edition, samples: Path) -> None:
    content = as_csv(sample_rows(samples)).replace(b"\n", b"\r")

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=content)

    [problem] = raised.value.all()
    assert (problem.line, problem.reason) == (
        1,
        "the lines end with a carriage return only, as very old Mac programs write: "
        "save the file from your spreadsheet as “CSV UTF-8” and try again",
    )


def test_an_unclosed_quote_is_said_in_the_readers_language(mini: Edition, samples: Path) -> None:
    content = as_csv(sample_rows(samples)[:3]) + b'P999,"Sognenett\n'

    with translation.override("nb"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=content)

    [problem] = raised.value.all()
    assert problem.line == 4
    with translation.override("en"):
        assert problem.reason != "unexpected end of data"
    assert "anførselstegn" in problem.reason  # nb, not Python's English


def test_a_header_of_very_many_unknown_columns_is_listed_up_to_the_limit(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)[:2]
    extra = [f"x{n}" for n in range(MAX_PROBLEMS + 50)]
    content = as_csv([rows[0] + extra, rows[1] + [""] * len(extra)])

    with pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=content)

    assert len(raised.value.all()) == MAX_PROBLEMS
    assert raised.value.omitted == {"contacts.csv": 50}


def test_an_unreadable_answered_still_lets_the_rest_of_the_row_be_checked(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    header = rows[0]
    rows[1][header.index("answered")] = "maybe"
    rows[1][header.index("channel")] = "fax"

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    assert raised.value.all() == [
        Problem(2, "answered", "“maybe” must be true or false"),
        Problem(2, "channel", "must be one of phone, email, chat, messenger"),
    ]


def test_a_contact_at_the_calendars_end_is_named_by_its_own_date(mini: Edition, samples: Path) -> None:
    rows = sample_rows(samples)
    rows[1][rows[0].index("happened_at")] = "9999-12-31T23:59:59-01:00"

    with translation.override("en"), pytest.raises(BundleError) as raised:
        import_contacts_content(edition=mini, content=as_csv(rows))

    assert raised.value.all() == [Problem(2, "happened_at", "9999-12-31 is outside the edition (2021-01-15 to 2021-04-12)")]


@pytest.mark.postgres
def test_the_import_locks_the_contacts_it_compares(mini: Edition, samples: Path) -> None:
    """As contact_record does: a change made meanwhile waits, so that what is compared is what is overwritten."""
    from tests.conftest import on_postgres

    on_postgres()
    rows = sample_rows(samples)
    rows[1][rows[0].index("comment")] = "Changed"

    with CaptureQueriesContext(connection) as queries:
        import_contacts_content(edition=mini, content=as_csv(rows))
    with CaptureQueriesContext(connection) as dry_queries:
        import_contacts_content(edition=mini, content=as_csv(rows), dry_run=True)

    reads = [q["sql"] for q in queries.captured_queries if 'FROM "channels_app_contact"' in q["sql"]]
    assert reads and all(sql.endswith('FOR UPDATE OF "channels_app_contact"') for sql in reads)
    assert not any("FOR UPDATE" in q["sql"] for q in dry_queries.captured_queries)
