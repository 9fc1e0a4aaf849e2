"""The edition bundle of spec/bundle-format.md: edition.json, participants.csv, contacts.csv.

Imports are all or nothing: every bad row is reported as `line N: column:
reason` and nothing is written unless every file is good. Each row goes
through the same services as the admin (award.services, channels_app.services).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from award.models import Channel, Edition, Participant
from award.roles import JUDGES
from award.services import Invalid, class_ensure, class_remove, edition_upsert, participant_remove, participant_upsert
from channels_app.models import Contact, ContactStatus, Question
from channels_app.selectors import edition_conflicts, edition_questionnaire
from channels_app.services import (
    ContactInput,
    ContactInvalid,
    contact_clean,
    contact_record,
    judge_ensure,
    question_remove,
    question_upsert,
)

EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE = "edition.json", "participants.csv", "contacts.csv"
PARTICIPANT_COLUMNS = ("name", "class", "channels")
CONTACT_COLUMNS = (
    "ref",
    "participant",
    "channel",
    "judge",
    "happened_at",
    "answered",
    "wait_seconds",
    "handled_by",
    "voided",
    "comment",
)
IMPORT_VOID_REASON = "voided in the imported file"
MAX_REF = Contact._meta.get_field("ref").max_length
MAX_NAME = Participant._meta.get_field("name").max_length


class BundleError(Exception):
    """Bad input: `problems` maps a file name to its `line N: column: reason` lines."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {line}" for name, lines in problems.items() for line in lines))
        self.problems = problems

    def report(self) -> str:
        lines = []
        for name, problems in self.problems.items():
            lines.append(f"{name}: {len(problems)} problem(s)")
            lines.extend(problems)
        return "\n".join(lines)


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[f"{kind} {outcome}"] += 1

    def count(self, kind: str, outcome: str) -> int:
        """How many of `kind` had this outcome, e.g. count("contacts", "created")."""
        return self.counts[f"{kind} {outcome}"]

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if not key.endswith("unchanged"))

    def report(self) -> str:
        if not self.changed:
            return "Nothing changed: the files match what is stored."
        return ", ".join(f"{key}: {n}" for key, n in sorted(self.counts.items()) if n)


# Reading -----------------------------------------------------------------


def read_bundle(path: Path) -> dict[str, bytes]:
    """The bundle's files by name, from a folder or a .zip of that folder."""
    path = Path(path)
    if path.is_dir():
        return {
            name: (path / name).read_bytes()
            for name in (EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE)
            if (path / name).is_file()
        }
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            return _read_zip(path)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as error:
            raise BundleError({str(path): [f"the .zip file cannot be read ({error})"]}) from None
    raise BundleError({str(path): ["not a folder or a .zip file"]})


def _read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        # The files sit at the top of the archive or in one folder, never in several.
        folders = {str(Path(name).parent) for name in names if Path(name).name == EDITION_FILE and len(Path(name).parts) <= 2}
        if len(folders) > 1:
            raise BundleError(
                {str(path): [f"{EDITION_FILE}: found in several folders ({', '.join(sorted(folders))}): one bundle per archive"]}
            )
        folder = folders.pop() if folders else "."
        wanted = {
            str(Path(folder) / name) if folder != "." else name: name for name in (EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE)
        }
        return {wanted[name]: archive.read(name) for name in names if name in wanted}


def _text(name: str, content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise BundleError({name: [f"line {line}: file is not UTF-8 ({error.reason})"]}) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BundleError({name: [f"line {line}: file contains a NUL character"]})
    return text


def _csv_rows(name: str, content: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and (line number, row) pairs; a row's line is where it starts (the header is line 1)."""
    reader = csv.reader(io.StringIO(_text(name, content), newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise BundleError({name: ["line 1: file is empty: a header row is required"]}) from None
    except csv.Error as error:
        raise BundleError({name: [f"line 1: {error}"]}) from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BundleError({name: [f"line {start}: {error}"]}) from None
            if not cells:
                pass  # a blank line
            elif not any(cell.strip() for cell in cells):
                yield start, {"": "(row): every cell is empty"}
            elif len(cells) != len(header):
                yield start, {"": f"(row): has {len(cells)} cells, the header has {len(header)}"}
            else:
                yield start, dict(zip(header, cells, strict=True))
            start = reader.line_num + 1

    return header, rows()


def _header_problems(header: list[str], required: tuple[str, ...], allowed: set[str]) -> list[str]:
    problems = [f"line 1: {column}: missing column" for column in required if column not in header]
    for column in header:
        if column not in allowed:
            channel = column.split(".", 1)[0]
            if "." in column and channel in Channel.values:
                problems.append(f"line 1: {column}: no such question in the {channel} questionnaire")
            else:
                problems.append(f"line 1: {column}: unknown column")
    problems += [f"line 1: {column}: column appears more than once" for column, n in Counter(header).items() if n > 1]
    return problems


# edition.json ------------------------------------------------------------


@dataclass
class EditionSpec:
    year: int
    name: str
    starts_on: date
    ends_on: date
    min_contacts_per_channel: int
    classes: list[str]
    questions: dict[str, list[dict[str, Any]]]


MAX_POINTS = 1000  # far above any questionnaire, far below the database's limit
MAX_MIN_CONTACTS = 1000


def parse_edition(content: bytes) -> EditionSpec:
    problems: list[str] = []
    try:
        data = json.loads(_text(EDITION_FILE, content))
    except json.JSONDecodeError as error:
        raise BundleError({EDITION_FILE: [f"line {error.lineno}: not valid JSON ({error.msg})"]}) from None
    if not isinstance(data, dict):
        raise BundleError({EDITION_FILE: ["the file must hold one JSON object"]})

    def need(where: dict[str, Any], key: str, kind: type, label: str, *, longest: int = 0, low: int = 0, high: int = 0) -> Any:
        """The value, or None after noting why it is bad."""
        value = where.get(key)
        if value is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"{label}: required, must be {'a whole number' if kind is int else 'text'}")
            return None
        if kind is str:
            value = value.strip()
            if not value:
                problems.append(f"{label}: must not be empty")
                return None
            if longest and len(value) > longest:
                problems.append(f"{label}: at most {longest} characters")
                return None
        if kind is int and high and not low <= value <= high:
            problems.append(f"{label}: must be between {low} and {high}")
            return None
        return value

    known = {"year", "name", "starts_on", "ends_on", "min_contacts_per_channel", "classes", "questions"}
    problems += [f"{key}: unknown field" for key in data if key not in known]
    year = need(data, "year", int, "year", low=1900, high=9999)
    name = need(data, "name", str, "name", longest=200)
    dates = {}
    for key in ("starts_on", "ends_on"):
        text = need(data, key, str, key)
        if text is not None:
            try:
                dates[key] = date.fromisoformat(text)
            except ValueError:
                problems.append(f"{key}: {text!r} is not a date (YYYY-MM-DD)")
    if len(dates) == 2 and dates["ends_on"] < dates["starts_on"]:
        problems.append("ends_on: must not be before starts_on")
    min_contacts = 3  # bundle-format.md: may be left out
    if data.get("min_contacts_per_channel") is not None:
        min_contacts = need(data, "min_contacts_per_channel", int, "min_contacts_per_channel", low=1, high=MAX_MIN_CONTACTS)

    classes: list[str] = []
    raw_classes = data.get("classes")
    if not isinstance(raw_classes, list):
        problems.append("classes: required, must be a list of class names")
        raw_classes = []
    for i, raw_class in enumerate(raw_classes):
        class_name = need({"c": raw_class}, "c", str, f"classes[{i}]", longest=200)
        if class_name is not None:
            classes.append(class_name)
    problems += [f"classes: {name!r} appears more than once" for name, n in Counter(classes).items() if n > 1]

    questions: dict[str, list[dict[str, Any]]] = {}
    raw_questions = data.get("questions") or {}
    if not isinstance(raw_questions, dict):
        problems.append("questions: must be an object of channel -> list of questions")
        raw_questions = {}
    for channel, items in raw_questions.items():
        if channel not in Channel.values:
            problems.append(f"questions.{channel}: unknown channel (use {', '.join(Channel.values)})")
            continue
        if items is None:
            continue  # bundle-format.md: an empty or missing list means no questionnaire
        if not isinstance(items, list):
            problems.append(f"questions.{channel}: must be a list")
            continue
        keys = Counter(item.get("key") for item in items if isinstance(item, dict) and isinstance(item.get("key"), str))
        parsed = []
        for i, item in enumerate(items):
            label = f"questions.{channel}[{i}]"
            if not isinstance(item, dict):
                problems.append(f"{label}: must be an object")
                continue
            problems += [
                f"{label}.{key}: unknown field" for key in item if key not in {"key", "text", "area", "max_points", "counts"}
            ]
            key = need(item, "key", str, f"{label}.key", longest=64)
            if key is not None and (not all(c.isalnum() or c in "-_" for c in key) or not key.isascii()):
                problems.append(f"{label}.key: {key!r} must be letters, digits, - or _")
            elif key is not None and keys[key] > 1:
                problems.append(f"{label}.key: {key!r} appears more than once in {channel}")
            text = need(item, "text", str, f"{label}.text", longest=500)
            area = need(item, "area", str, f"{label}.area", longest=200)
            max_points = need(item, "max_points", int, f"{label}.max_points", low=1, high=MAX_POINTS)
            counts = item.get("counts", True)
            if not isinstance(counts, bool):
                problems.append(f"{label}.counts: must be true or false")
            parsed.append({"key": key, "text": text, "area": area, "max_points": max_points, "counts": counts})
        if parsed:
            questions[channel] = parsed
    if problems:
        raise BundleError({EDITION_FILE: problems})
    return EditionSpec(year, name, dates["starts_on"], dates["ends_on"], min_contacts, classes, questions)


# participants.csv --------------------------------------------------------


@dataclass
class ParticipantRow:
    line: int
    name: str
    class_name: str
    channels: list[str]


def parse_participants(
    content: bytes, *, classes: list[str], questionnaire_channels: set[str]
) -> tuple[list[ParticipantRow], list[str]]:
    header, rows = _csv_rows(PARTICIPANTS_FILE, content)
    problems = _header_problems(header, PARTICIPANT_COLUMNS, set(PARTICIPANT_COLUMNS))
    if problems:
        raise BundleError({PARTICIPANTS_FILE: problems})
    parsed: list[ParticipantRow] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        if "" in row:
            problems.append(f"line {line}: {row['']}")
            continue
        name, class_name = row["name"].strip(), row["class"].strip()
        bad = len(problems)
        if not name:
            problems.append(f"line {line}: name: required")
        elif len(name) > MAX_NAME:
            problems.append(f"line {line}: name: at most {MAX_NAME} characters")
        elif name in first_line:
            problems.append(f"line {line}: name: {name!r} is already on line {first_line[name]}")
        else:
            first_line[name] = line
        if class_name not in classes:
            problems.append(f"line {line}: class: {class_name!r} is not a class of the edition ({', '.join(classes)})")
        channels = [c.strip() for c in row["channels"].split("|")] if row["channels"].strip() else []
        for channel in channels:
            if channel not in Channel.values:
                problems.append(f"line {line}: channels: unknown channel {channel!r} (use {', '.join(Channel.values)})")
            elif channel not in questionnaire_channels:
                problems.append(f"line {line}: channels: {channel} has no questionnaire in edition.json")
        for channel, n in Counter(channels).items():
            if n > 1:
                problems.append(f"line {line}: channels: {channel} appears more than once")
        if len(problems) == bad:
            parsed.append(ParticipantRow(line, name, class_name, channels))
    return parsed, problems


# contacts.csv ------------------------------------------------------------


def _parse_bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.strip().lower())


def _parse_int(value: str) -> int | None:
    value = value.strip()
    digits = value.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        return int(value)
    raise ValueError(value)


def _username_problem(username: str, user: Any) -> str:
    """Why this name cannot be a judge's, or ''."""
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    if len(username) > 150:
        return "at most 150 characters"
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return f"{username!r} is not a valid username (letters, digits and @ . + - _)"
    if user is not None and user.pk is not None and not user.groups.filter(name=JUDGES).exists():
        return f"{username!r} is an account that is not a judge"
    return ""


def import_contacts_rows(
    *,
    edition: Edition,
    content: bytes,
    summary: ImportSummary,
    user: Any = None,
    source: str = "import",
    dry_run: bool = False,
    reason: str = "",
) -> list[str]:
    """Check every row of a contacts.csv and, when all are good and not dry_run, record them.

    Returns the problems (each `line N: column: reason`); writes nothing when there are any.
    dry_run only checks the rows and records nothing (import_edition, when another file is
    bad); for an exact rehearsal with true counts use import_contacts_content(dry_run=True).
    """
    header, rows = _csv_rows(CONTACTS_FILE, content)
    questionnaire = edition_questionnaire(edition=edition)
    question_columns = {f"{channel}.{q.key}" for channel, questions in questionnaire.items() for q in questions}
    problems = _header_problems(header, CONTACT_COLUMNS, set(CONTACT_COLUMNS) | question_columns)
    if problems:
        return problems

    participants = {p.name: p for p in Participant.objects.filter(edition=edition).with_channels()}
    # bundle-format.md: one column per question of every channel that appears in the file.
    all_rows = list(rows)
    present = {row.get("channel", "").strip() for _, row in all_rows} & set(questionnaire)
    problems += [
        f"line 1: {channel}.{question.key}: missing column (a question of {channel}, which rows of this file use)"
        for channel in sorted(present, key=Channel.values.index)
        for question in questionnaire[channel]
        if f"{channel}.{question.key}" not in header
    ]
    if problems:
        return problems
    User = get_user_model()
    conflicts = edition_conflicts(edition=edition)
    existing = dict(Contact.objects.filter(edition=edition).values_list("ref", "void_reason"))
    parsed: list[tuple[int, str, ContactInput, str]] = []
    first_line: dict[str, int] = {}
    usernames = {row.get("judge", "").strip() for _, row in all_rows}
    judges = {u.get_username(): u for u in User.objects.filter(username__in=usernames)}

    for line, row in all_rows:
        if "" in row:
            problems.append(f"line {line}: {row['']}")
            continue
        row_problems: list[str] = []

        def bad(column: str, reason: str, *, line: int = line, into: list[str] = row_problems) -> None:
            into.append(f"line {line}: {column}: {reason}")

        ref = row["ref"].strip()
        if not ref:
            bad("ref", "required")
        elif len(ref) > MAX_REF:
            bad("ref", f"at most {MAX_REF} characters")
        elif ref in first_line:
            bad("ref", f"{ref!r} is already on line {first_line[ref]}")
        else:
            first_line[ref] = line
        participant = participants.get(row["participant"].strip())
        if participant is None:
            bad("participant", f"no participant named {row['participant'].strip()!r} in {edition.year}")
        channel = row["channel"].strip()
        username = row["judge"].strip()
        if not username:
            bad("judge", "required")
        else:
            bad_username = _username_problem(username, judges.get(username))
            if bad_username:
                bad("judge", bad_username)
        # A judge without an account yet: created, without a usable password, only if every row is good.
        judge = judges.setdefault(username, User(username=username))
        happened_at = None
        try:
            happened_at = datetime.fromisoformat(row["happened_at"].strip())
            if happened_at.tzinfo is None:
                bad("happened_at", "needs an offset, e.g. 2021-02-03T10:15:00+01:00")
                happened_at = None
        except (ValueError, OverflowError):
            bad("happened_at", f"{row['happened_at']!r} is not an ISO 8601 date and time")
        answered, voided = _parse_bool(row["answered"]), _parse_bool(row["voided"])
        if answered is None:
            bad("answered", f"{row['answered']!r} must be true or false")
        if voided is None:
            bad("voided", f"{row['voided']!r} must be true or false")
        wait_seconds = None
        if row["wait_seconds"].strip():
            try:
                wait_seconds = _parse_int(row["wait_seconds"])
            except ValueError:
                bad("wait_seconds", f"{row['wait_seconds']!r} is not a whole number of seconds")
        answers: dict[str, int | None] = {}
        # With a wrong channel, its cells say nothing new: contact_clean names the channel.
        channel_ok = participant is not None and channel in questionnaire and channel in participant.channels
        for column in header:
            if "." not in column or not channel_ok:
                continue
            cell = row[column].strip()
            question_channel, key = column.split(".", 1)
            if question_channel != channel:
                if cell:
                    bad(column, f"must be empty for a {channel or '(no channel)'} contact")
                continue
            try:
                answers[key] = _parse_int(cell) if cell else None
            except ValueError:
                bad(column, f"{cell!r} is not a whole number")
        if participant is None:
            problems += row_problems
            continue
        data = ContactInput(
            participant=participant,
            channel=channel,
            judge=judge,
            happened_at=happened_at,
            answered=bool(answered),
            wait_seconds=wait_seconds,
            handled_by=row["handled_by"].strip(),
            comment=row["comment"],
            answers=answers,
            status=ContactStatus.SUBMITTED,  # scoring.md §1: imported contacts are submitted
            voided=bool(voided),
            # The file has no reason column: keep the reason given when it was voided here.
            void_reason=(existing.get(ref) or IMPORT_VOID_REASON) if voided else "",
        )
        try:
            contact_clean(edition=edition, data=data, questionnaire=questionnaire, conflicts=conflicts)
        except ContactInvalid as invalid:
            # A column that failed to parse is reported once, by its parse error.
            named = {problem.split(": ", 2)[1] for problem in row_problems}
            row_problems += [
                f"line {line}: {column}: {reason}"
                for column, reasons in invalid.errors.items()
                if column not in named
                for reason in reasons
            ]
        if row_problems:
            problems += row_problems
            continue
        parsed.append((line, ref, data, username))

    if problems or dry_run:
        return problems
    outcomes: Counter[str] = Counter()
    try:
        with transaction.atomic():
            for username, judge in judges.items():
                if judge.pk is None and username:
                    judges[username] = judge_ensure(username=username)
            for line, ref, data, username in parsed:
                data.judge = judges[username]
                try:
                    _, outcome = contact_record(
                        edition=edition,
                        data=data,
                        ref=ref,
                        user=user,
                        source=source,
                        questionnaire=questionnaire,
                        conflicts=conflicts,
                        reason=reason,
                    )
                except ContactInvalid as invalid:
                    # A rule checked only when writing (a contact locked by the final publication):
                    # a bad row like any other, and the rows after it are still checked.
                    problems += [
                        f"line {line}: {'(row)' if column == '__all__' else column}: {reason}"
                        for column, reasons in invalid.errors.items()
                        for reason in reasons
                    ]
                    continue
                outcomes[outcome] += 1
            if problems:
                raise _RollBack
    except _RollBack:
        return problems
    for outcome, n in outcomes.items():
        summary.counts[f"contacts {outcome}"] += n
    return []


# Commands' entry points ----------------------------------------------------


def import_edition(path: Path, *, user: Any = None, reason: str = "") -> ImportSummary:
    """Import a bundle (folder or .zip), all or nothing; raise BundleError listing every problem.

    The bundle is the whole edition: questions, classes and participants it no
    longer lists are removed, unless contacts depend on them (then it is a problem).
    """
    files = read_bundle(path)
    missing = [name for name in (EDITION_FILE, PARTICIPANTS_FILE) if name not in files]
    if missing:
        raise BundleError({str(path): [f"{name}: missing file" for name in missing]})
    spec = parse_edition(files[EDITION_FILE])
    rows, participant_problems = parse_participants(
        files[PARTICIPANTS_FILE], classes=spec.classes, questionnaire_channels=set(spec.questions)
    )
    problems: dict[str, list[str]] = {}

    def report(name: str, prefix: str, invalid: Invalid) -> None:
        problems.setdefault(name, []).extend(
            f"{prefix}{field}: {r}" for field, reasons in invalid.errors.items() for r in reasons
        )

    if participant_problems:
        problems[PARTICIPANTS_FILE] = participant_problems
    summary = ImportSummary()
    source = "import"
    try:
        with transaction.atomic():
            try:
                edition, changed = edition_upsert(
                    year=spec.year,
                    name=spec.name,
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    min_contacts_per_channel=spec.min_contacts_per_channel,
                    user=user,
                    source=source,
                )
            except Invalid as invalid:
                report(EDITION_FILE, "", invalid)
                raise BundleError(problems) from None
            summary.add("edition", "changed" if changed else "unchanged")
            _import_questions(edition, spec, summary, report, user=user)
            classes = {}
            for class_name in spec.classes:
                classes[class_name], created = class_ensure(edition=edition, name=class_name, user=user, source=source)
                summary.add("classes", "created" if created else "unchanged")
            for row in rows:
                try:
                    _, outcome = participant_upsert(
                        edition=edition,
                        name=row.name,
                        award_class=classes[row.class_name],
                        channels=row.channels,
                        user=user,
                        source=source,
                    )
                except Invalid as invalid:
                    report(PARTICIPANTS_FILE, f"line {row.line}: ", invalid)
                    continue
                summary.add("participants", outcome)
            if not participant_problems:
                listed = {row.name for row in rows}
                for participant in edition.participants.exclude(name__in=listed):
                    try:
                        participant_remove(participant=participant, user=user, source=source)
                    except Invalid:
                        problems.setdefault(PARTICIPANTS_FILE, []).append(
                            f"{participant.name}: no longer listed, but it has contacts (void them, or keep it listed)"
                        )
                        continue
                    summary.add("participants", "removed")
            for award_class in edition.classes.exclude(name__in=spec.classes):
                try:
                    class_remove(award_class=award_class, user=user, source=source)
                except Invalid:
                    problems.setdefault(EDITION_FILE, []).append(
                        f"classes: {award_class.name!r} is no longer listed, but has participants"
                    )
                    continue
                summary.add("classes", "removed")
            if CONTACTS_FILE in files:
                contact_problems = import_contacts_rows(
                    edition=edition,
                    content=files[CONTACTS_FILE],
                    summary=summary,
                    user=user,
                    source=source,
                    dry_run=bool(problems),
                    reason=reason,
                )
                if contact_problems:
                    problems[CONTACTS_FILE] = contact_problems
            if problems:
                raise BundleError(problems)
    except BundleError as error:
        # Keep the problems of every file, not only the one that raised.
        raise BundleError(problems | error.problems) from None
    return summary


def _import_questions(edition: Edition, spec: EditionSpec, summary: ImportSummary, report: Any, *, user: Any) -> None:
    listed = set()
    for channel, items in spec.questions.items():
        for position, item in enumerate(items):
            listed.add((channel, item["key"]))
            try:
                _, outcome = question_upsert(
                    edition=edition, channel=channel, position=position, user=user, source="import", **item
                )
            except Invalid as invalid:
                report(EDITION_FILE, f"questions.{channel}[{position}].", invalid)
                continue
            summary.add("questions", outcome)
    for question in Question.objects.filter(edition=edition):
        if (question.channel, question.key) in listed:
            continue
        try:
            question_remove(question=question, user=user, source="import")
        except Invalid:
            report(
                EDITION_FILE, f"questions.{question.channel}: ", Invalid({question.key: ["no longer listed, but it has answers"]})
            )
            continue
        summary.add("questions", "removed")


class _RollBack(Exception):
    """Raised inside a transaction to undo everything it wrote (a dry run, or a bad row found while writing)."""


def import_contacts(
    *, year: int, path: Path, user: Any = None, dry_run: bool = False, source: str = "import", reason: str = ""
) -> ImportSummary:
    """Import one contacts.csv into an existing edition, all or nothing."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        raise BundleError({str(path): [f"no edition {year}: import its bundle first"]})
    content = Path(path).read_bytes()
    return import_contacts_content(edition=edition, content=content, user=user, dry_run=dry_run, source=source, reason=reason)


def import_contacts_content(
    *, edition: Edition, content: bytes, user: Any = None, dry_run: bool = False, source: str = "import", reason: str = ""
) -> ImportSummary:
    """Import a contacts.csv's bytes into the edition, all or nothing; raise BundleError listing every bad row.

    A dry run is the real import, rolled back: its summary has the true counts of
    contacts created, updated and unchanged, and it leaves nothing behind (no
    contacts, answers, history, judges or data version; the rollback drops the
    rescorings waiting for the commit).
    """
    summary = ImportSummary()
    try:
        with transaction.atomic():
            problems = import_contacts_rows(
                edition=edition, content=content, summary=summary, user=user, source=source, reason=reason
            )
            if problems:
                raise BundleError({CONTACTS_FILE: problems})
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return summary


# Export --------------------------------------------------------------------


def export_edition(*, edition: Edition, path: Path) -> list[Path]:
    """Write the edition's bundle; importing it into an empty database gives the same results."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    questionnaire = edition_questionnaire(edition=edition)
    edition_data = {
        "year": edition.year,
        "name": edition.name,
        "starts_on": edition.starts_on.isoformat(),
        "ends_on": edition.ends_on.isoformat(),
        "min_contacts_per_channel": edition.min_contacts_per_channel,
        "classes": list(edition.classes.order_by("name").values_list("name", flat=True)),
        "questions": {
            channel: [
                {"key": q.key, "text": q.text, "area": q.area, "max_points": q.max_points, "counts": q.counts}
                for q in questionnaire.get(channel, [])
            ]
            for channel in Channel.values
        },
    }
    written = [path / EDITION_FILE, path / PARTICIPANTS_FILE, path / CONTACTS_FILE]
    written[0].write_text(json.dumps(edition_data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    with written[1].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(PARTICIPANT_COLUMNS)
        for participant in (
            Participant.objects.filter(edition=edition).select_related("award_class").with_channels().order_by("name")
        ):
            writer.writerow([participant.name, participant.award_class.name, "|".join(participant.channels)])

    contacts = (
        Contact.objects.filter(edition=edition, status=ContactStatus.SUBMITTED)
        .select_related("participant", "judge")
        .prefetch_related("answers__question")
        .order_by("happened_at", "ref")
    )
    channels_used = [c for c in Channel.values if c in set(contacts.values_list("channel", flat=True))]
    question_columns: list[tuple[str, Question]] = [(c, q) for c in channels_used for q in questionnaire.get(c, [])]
    with written[2].open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*CONTACT_COLUMNS, *(f"{c}.{q.key}" for c, q in question_columns)])
        for contact in contacts.iterator(chunk_size=500):
            points = {answer.question_id: answer.points for answer in contact.answers.all()}
            writer.writerow(
                [
                    contact.ref,
                    contact.participant.name,
                    contact.channel,
                    contact.judge.get_username(),
                    timezone.localtime(contact.happened_at).isoformat(),
                    "true" if contact.answered else "false",
                    "" if contact.wait_seconds is None else contact.wait_seconds,
                    contact.handled_by,
                    "true" if contact.voided else "false",
                    contact.comment,
                    *("" if c != contact.channel or points.get(q.pk) is None else points[q.pk] for c, q in question_columns),
                ]
            )
    return written
