"""Parsing a contacts.csv: each row becomes a checked ContactInput, or Problems naming its line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from award.models import Channel, Edition, Participant
from award.roles import JUDGES
from channels_app.bundle.files import Row, csv_rows, header_problems
from channels_app.bundle.format import CONTACT_COLUMNS, CONTACTS_FILE, IMPORT_VOID_REASON, Problem, problems_of
from channels_app.models import Contact, ContactStatus, Question
from channels_app.rules import MAX_REF
from channels_app.selectors import edition_conflicts, edition_questionnaire
from channels_app.services import ContactInput, ContactInvalid, contact_clean

MAX_USERNAME = cast(int, User._meta.get_field("username").max_length)  # a CharField: it has a max_length


@dataclass
class ContactRow:
    line: int
    ref: str
    data: ContactInput
    username: str


@dataclass
class ParsedContacts:
    """The good rows, or the problems of the bad ones; with what the rows were checked against."""

    rows: list[ContactRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # username -> the judge's account; an account not saved yet is created only if every row is good
    judges: dict[str, User] = field(default_factory=dict)
    questionnaire: dict[str, list[Question]] = field(default_factory=dict)
    conflicts: set[tuple[int, int]] = field(default_factory=set)


def parse_bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.strip().lower())


def parse_int(value: str) -> int:
    value = value.strip()
    digits = value.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        return int(value)
    raise ValueError(value)


def _username_problem(username: str, user: User | None) -> str:
    """Why this name cannot be a judge's, or ''."""
    if len(username) > MAX_USERNAME:
        return f"at most {MAX_USERNAME} characters"
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return f"{username!r} is not a valid username (letters, digits and @ . + - _)"
    if user is not None and user.pk is not None and not user.groups.filter(name=JUDGES).exists():
        return f"{username!r} is an account that is not a judge"
    return ""


def parse_contacts(*, edition: Edition, content: bytes) -> ParsedContacts:
    """Check every row of a contacts.csv against the edition, as contact_clean checks a contact from the admin."""
    header, rows = csv_rows(CONTACTS_FILE, content)
    parsed = ParsedContacts(questionnaire=edition_questionnaire(edition=edition))
    questionnaire = parsed.questionnaire
    question_columns = {f"{channel}.{q.key}" for channel, questions in questionnaire.items() for q in questions}
    parsed.problems = header_problems(header, CONTACT_COLUMNS, set(CONTACT_COLUMNS) | question_columns)
    if parsed.problems:
        return parsed

    # docs/bundle-format.md: one column per question of every channel that appears in the file.
    all_rows = list(rows)
    present = {row.cells.get("channel", "").strip() for row in all_rows} & set(questionnaire)
    parsed.problems += [
        Problem(1, f"{channel}.{question.key}", f"missing column (a question of {channel}, which rows of this file use)")
        for channel in sorted(present, key=Channel.values.index)
        for question in questionnaire[channel]
        if f"{channel}.{question.key}" not in header
    ]
    if parsed.problems:
        return parsed

    participants = {p.name: p for p in Participant.objects.filter(edition=edition).with_channels()}
    parsed.conflicts = edition_conflicts(edition=edition)
    existing = dict(Contact.objects.filter(edition=edition).values_list("ref", "void_reason"))
    usernames = {row.cells.get("judge", "").strip() for row in all_rows}
    parsed.judges = {u.get_username(): u for u in User.objects.filter(username__in=usernames)}
    first_line: dict[str, int] = {}
    for row in all_rows:
        if row.problem is not None:
            parsed.problems.append(row.problem)
            continue
        contact_row, problems = _parse_row(row, header, edition, participants, parsed, existing, first_line)
        parsed.problems += problems
        if contact_row is not None:
            parsed.rows.append(contact_row)
    return parsed


def _parse_row(
    row: Row,
    header: list[str],
    edition: Edition,
    participants: dict[str, Participant],
    parsed: ParsedContacts,
    existing: dict[str, str],
    first_line: dict[str, int],
) -> tuple[ContactRow | None, list[Problem]]:
    line, cells = row.line, row.cells
    problems: list[Problem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(line, column, reason))

    ref = cells["ref"].strip()
    if not ref:
        bad("ref", "required")
    elif len(ref) > MAX_REF:
        bad("ref", f"at most {MAX_REF} characters")
    elif ref in first_line:
        bad("ref", f"{ref!r} is already on line {first_line[ref]}")
    else:
        first_line[ref] = line
    participant = participants.get(cells["participant"].strip())
    if participant is None:
        bad("participant", f"no participant named {cells['participant'].strip()!r} in {edition.year}")
    channel = cells["channel"].strip()
    username = cells["judge"].strip()
    if not username:
        bad("judge", "required")
    elif bad_username := _username_problem(username, parsed.judges.get(username)):
        bad("judge", bad_username)
    # A judge without an account yet: created, without a usable password, only if every row is good.
    judge = parsed.judges.setdefault(username, User(username=username))
    happened_at = None
    try:
        happened_at = datetime.fromisoformat(cells["happened_at"].strip())
        if happened_at.tzinfo is None:
            bad("happened_at", "needs an offset, e.g. 2021-02-03T10:15:00+01:00")
            happened_at = None
    except (ValueError, OverflowError):
        bad("happened_at", f"{cells['happened_at']!r} is not an ISO 8601 date and time")
    answered, voided = parse_bool(cells["answered"]), parse_bool(cells["voided"])
    if answered is None:
        bad("answered", f"{cells['answered']!r} must be true or false")
    if voided is None:
        bad("voided", f"{cells['voided']!r} must be true or false")
    wait_seconds = None
    if cells["wait_seconds"].strip():
        try:
            wait_seconds = parse_int(cells["wait_seconds"])
        except ValueError:
            bad("wait_seconds", f"{cells['wait_seconds']!r} is not a whole number of seconds")
    answers: dict[str, int | None] = {}
    # With a wrong channel, its cells say nothing new: contact_clean names the channel.
    channel_ok = participant is not None and channel in parsed.questionnaire and channel in participant.channels
    for column in header:
        if "." not in column or not channel_ok:
            continue
        cell = cells[column].strip()
        question_channel, key = column.split(".", 1)
        if question_channel != channel:
            if cell:
                bad(column, f"must be empty for a {channel or '(no channel)'} contact")
            continue
        try:
            answers[key] = parse_int(cell) if cell else None
        except ValueError:
            bad(column, f"{cell!r} is not a whole number")
    if participant is None:
        return None, problems
    data = ContactInput(
        participant=participant,
        channel=channel,
        judge=judge,
        happened_at=happened_at,
        answered=bool(answered),
        wait_seconds=wait_seconds,
        handled_by=cells["handled_by"].strip(),
        comment=cells["comment"],
        answers=answers,
        status=ContactStatus.SUBMITTED,  # scoring.md §1: imported contacts are submitted
        voided=bool(voided),
        # The file has no reason column: keep the reason given when it was voided here.
        void_reason=(existing.get(ref) or IMPORT_VOID_REASON) if voided else "",
    )
    try:
        contact_clean(edition=edition, data=data, questionnaire=parsed.questionnaire, conflicts=parsed.conflicts)
    except ContactInvalid as invalid:
        # A column that failed to parse is reported once, by its parse error.
        named = {problem.column for problem in problems}
        problems += [problem for problem in problems_of(invalid.errors, line=line) if problem.column not in named]
    if problems:
        return None, problems
    return ContactRow(line, ref, data, username), []
