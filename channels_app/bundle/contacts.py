"""Importing a contacts.csv, set-based: one pass over the file, in batches, with the edition's data loaded once.

Each row is checked by contact_clean (the rules of the admin's form), compared
with the stored contact of the same ref as its history would record it, and the
batch is written with a few bulk statements: new contacts, changed contacts,
their answers and their history. The file is read as a stream and never held
whole. A bad row anywhere and nothing is written (the caller's transaction
rolls back); a dry run checks and compares the same way and writes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, BinaryIO, cast

from django.contrib.auth.models import Group, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from audit.models import Source
from audit.services import changes_between
from award.models import Edition, Participant
from award.roles import JUDGES
from award.rules import control_character_error
from award.services import edition_changes_batched, edition_data_changed
from channels_app.bundle.contact_writes import Written, contacts_write
from channels_app.bundle.files import CsvFile, Row, header_problems, separator_problem
from channels_app.bundle.format import (
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    MAX_PROBLEMS,
    SAMPLE,
    BundleError,
    ContactChange,
    ImportSummary,
    Problem,
    problems_of,
)
from channels_app.models import Answer, Contact, ContactStatus, Question, WaitRule
from channels_app.planning import plan_link_all
from channels_app.rules import IMPORT_VOID_REASON, MAX_REF
from channels_app.selectors import edition_conflicts, edition_questionnaire, edition_wait_rules
from channels_app.services import (
    CleanContact,
    ContactInput,
    ContactInvalid,
    contact_apply,
    contact_check_unlocked,
    contact_clean,
    contact_snapshot,
    judge_ensure,
)

MAX_USERNAME = cast(int, User._meta.get_field("username").max_length)  # a CharField: it has a max_length
BATCH = 2000  # rows checked, compared and written together
Progress = Callable[[int, int], None]  # (bytes read, bytes in all)


def parse_bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.strip().lower())


def parse_int(value: str) -> int:
    value = value.strip()
    digits = value.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        return int(value)
    raise ValueError(value)


@dataclass
class _Row:
    """A row that parsed: its line, ref and checked contact, and the judge's username."""

    line: int
    ref: str
    clean: CleanContact
    username: str


@dataclass
class _Judge:
    user: User
    problem: str = ""  # why this username cannot be a judge's, or ''


@dataclass
class _Import:
    """One import's state across its batches: what was loaded once, what was found, what was written."""

    edition: Edition
    header: list[str]
    user: User | None
    source: Source
    reason: str
    dry_run: bool
    questionnaire: dict[str, list[Question]]
    participants: dict[str, Participant]
    conflicts: set[tuple[int, int]]
    wait_rules: dict[str, WaitRule]
    summary: ImportSummary
    missing_columns: set[str] = field(default_factory=set)  # reported once, at line 1
    header_found: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    omitted: int = 0
    judges: dict[str, _Judge] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)  # ref -> the line it first appears on
    question_cells: list[tuple[str, str, str]] = field(default_factory=list)  # the header's `<channel>.<key>` columns, split
    counted_change: bool = False
    changed_participants: set[int] = field(default_factory=set)  # of the contacts that count, or counted, and changed

    def bad(self, found: list[Problem]) -> None:
        room = MAX_PROBLEMS - len(self.problems)
        self.problems += found[: max(room, 0)]
        self.omitted += max(len(found) - max(room, 0), 0)

    @property
    def failed(self) -> bool:
        return bool(self.header_found or self.problems or self.omitted)


def contacts_import(
    *,
    edition: Edition,
    stream: BinaryIO,
    total_bytes: int = 0,
    user: User | None = None,
    source: Source = Source.IMPORT,
    reason: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    name: str = CONTACTS_FILE,
) -> ImportSummary:
    """Check every row of a contacts.csv against the edition and, unless a dry run, write them; raise BundleError.

    Call it inside a transaction (the callers' atomic block): on BundleError whatever
    was written for earlier batches must roll back with it.
    """
    csv_file = CsvFile(name, stream)
    header = csv_file.header
    questionnaire = edition_questionnaire(edition=edition)
    question_columns = {f"{channel}.{q.key}" for channel, questions in questionnaire.items() for q in questions}
    state = _Import(
        edition=edition,
        header=header,
        user=user,
        source=source,
        reason=reason,
        dry_run=dry_run,
        questionnaire=questionnaire,
        participants={p.name: p for p in Participant.objects.filter(edition=edition).with_channels()},
        conflicts=edition_conflicts(edition=edition),
        wait_rules=edition_wait_rules(edition=edition),
        summary=ImportSummary(dry_run=dry_run),
    )
    if found := separator_problem(header, CONTACT_COLUMNS):
        raise BundleError({name: [found]})  # every row is one cell: nothing more to say about them
    state.header_found = header_problems(header, CONTACT_COLUMNS, set(CONTACT_COLUMNS) | question_columns)
    state.missing_columns = {column for column in CONTACT_COLUMNS if column not in header}
    state.question_cells = [(column, *column.split(".", 1)) for column in header if "." in column]  # type: ignore[misc]
    rows = csv_file.rows()
    with edition_changes_batched(), _collector_per_batch():
        while batch := list(islice(rows, BATCH)):
            _import_batch(state, batch)
            gc.collect(1)  # the batch's own cycles, found among the young objects only
            if progress is not None:
                progress(csv_file.bytes_read, total_bytes)
        if state.failed:
            listed = state.header_found + state.problems
            omitted = state.omitted + max(len(listed) - MAX_PROBLEMS, 0)
            raise BundleError({name: listed[:MAX_PROBLEMS]}, omitted={name: omitted} if omitted else None)
        if state.counted_change and not dry_run:
            edition_data_changed(edition_id=edition.pk, participant_ids=state.changed_participants)
        if state.summary.changed and not dry_run:
            plan_link_all(edition=edition)  # the imported contacts done in the plan, as a judge's are when saved
    return state.summary


@contextmanager
def _collector_per_batch() -> Iterator[None]:
    """Python's cycle collector paused while rows are read, and run on the young objects after each batch instead.

    Left on, it walks every live object again and again while a batch builds tens of thousands of them: a tenth
    of an import's time. What a batch leaves is collected after it, so memory stays bounded by the batch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_batch(state: _Import, batch: list[Row]) -> None:
    """Check a batch's rows, compare the good ones with their stored contacts, and write what changes."""
    _load_judges(state, {raw.cells.get("judge", "").strip() for raw in batch if raw.problem is None})
    good: list[_Row] = []
    for raw in batch:
        if raw.problem is not None:
            state.bad([raw.problem])
            continue
        parsed, found = _parse_row(state, raw)
        if found:
            state.bad(found)
        elif parsed is not None:
            good.append(parsed)
    stored_contacts = Contact.objects.filter(edition=state.edition, ref__in=[row.ref for row in good])
    if not state.dry_run:
        # Locked until the import commits, as contact_record locks its contact: a change made meanwhile (another
        # import, a judge's edit) waits, so that what is compared here is what is overwritten.
        stored_contacts = stored_contacts.select_for_update(of=("self",))
    stored = {contact.ref: contact for contact in stored_contacts.select_related("participant", "judge")}
    keys = {q.pk: q.key for questions in state.questionnaire.values() for q in questions}
    stored_answers: dict[int, dict[str, int | None]] = {contact.pk: {} for contact in stored.values()}
    for contact_id, question_id, points in Answer.objects.filter(contact_id__in=stored_answers).values_list(
        "contact_id", "question_id", "points"
    ):
        stored_answers[contact_id][keys.get(question_id, str(question_id))] = points

    created: list[tuple[_Row, Contact, dict[str, list[Any]]]] = []
    updated: list[tuple[_Row, Contact, dict[str, list[Any]]]] = []
    summary = state.summary
    for row in good:
        contact = stored.get(row.ref)
        before: dict[str, Any] = {}
        if contact is not None:
            before = contact_snapshot(contact, stored_answers[contact.pk])
            was_counted = contact.counted
            if row.clean.data.voided:
                # The file has no reason column: keep the reason given when it was voided here.
                row.clean.data.void_reason = contact.void_reason or IMPORT_VOID_REASON
        else:
            contact = Contact(edition=state.edition, ref=row.ref)
            was_counted = False
        was_of = contact.participant_id  # a contact moved to another participant changes both participants' points
        contact_apply(contact, row.clean)
        after = contact_snapshot(contact, {question.key: points for question, points in row.clean.points})
        after["judge"] = row.username  # a judge without an account yet has no id for contact_snapshot to follow
        changes = changes_between(before, after)
        if before and not changes:
            summary.add("contacts", "unchanged")
            continue
        try:
            contact_check_unlocked(edition=state.edition, user=state.user, reason=state.reason)
        except ContactInvalid as invalid:
            state.bad(list(problems_of(invalid.errors, line=row.line)))
            continue
        if was_counted or contact.counted:
            state.counted_change = True
            state.changed_participants |= {contact.participant_id} | ({was_of} if was_of is not None else set())
        if before:
            summary.add("contacts", "updated")
            if len(summary.changed_contacts) < SAMPLE:
                summary.changed_contacts.append(ContactChange(row.line, row.ref, changes))
            updated.append((row, contact, changes))
        else:
            summary.add("contacts", "created")
            if len(summary.new_contacts) < SAMPLE:
                summary.new_contacts.append((row.line, row.ref))
            created.append((row, contact, changes))
    if not state.failed and not state.dry_run:
        for row, contact, _changes in created + updated:
            contact.judge = _judge_saved(state, row.username)
        contacts_write(
            created=[Written(contact, row.clean.points, changes) for row, contact, changes in created],
            updated=[Written(contact, row.clean.points, changes) for row, contact, changes in updated],
            year=state.edition.year,
            user=state.user,
            source=state.source,
            note=state.reason.strip(),
        )


# Judges -----------------------------------------------------------------------------


def _load_judges(state: _Import, usernames: set[str]) -> None:
    """The accounts of the usernames not seen yet, with whether each is a judge: one query per batch."""
    wanted = {name for name in usernames if name and name not in state.judges}
    if not wanted:
        return
    is_judge = Exists(Group.objects.filter(name=JUDGES, user=OuterRef("pk")))
    found = {user.get_username(): user for user in User.objects.filter(username__in=wanted).annotate(is_judge=is_judge)}
    for name in sorted(wanted):
        user = found.get(name)
        if user is None:
            state.judges[name] = _Judge(User(username=name), _username_problem(name))
            if not state.judges[name].problem:
                state.summary.new_judges.append(name)
        elif not user.is_judge:  # annotated above
            state.judges[name] = _Judge(user, _("“%(name)s” is an account that is not a judge") % {"name": name})
        else:
            state.judges[name] = _Judge(user)


def _username_problem(username: str) -> str:
    """Why this name cannot be a new judge's, or ''."""
    if len(username) > MAX_USERNAME:
        return _("at most %(n)s characters") % {"n": MAX_USERNAME}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return _("“%(name)s” is not a valid username (letters, digits and @ . + - _)") % {"name": username}
    return ""


def _judge_saved(state: _Import, username: str) -> User:
    """The judge's account, created (without a usable password) when the first of its contacts is written."""
    judge = state.judges[username]
    if judge.user.pk is None:
        judge.user = judge_ensure(username=username)
    return judge.user


# One row ----------------------------------------------------------------------------


def _parse_row(state: _Import, row: Row) -> tuple[_Row | None, list[Problem]]:
    line = row.line
    cells = row.cells
    problems: list[Problem] = []

    def cell(column: str) -> str:
        return cells.get(column, "")

    def bad(column: str, reason: str) -> None:
        if column not in state.missing_columns:  # a missing column is a problem of the header, once
            problems.append(Problem(line, column, reason))

    ref = cell("ref").strip()
    if not ref:
        bad("ref", _("required"))
    elif len(ref) > MAX_REF:
        bad("ref", _("at most %(n)s characters") % {"n": MAX_REF})
    elif reason := control_character_error(ref):
        bad("ref", reason)
    elif ref in state.first_line:
        bad("ref", _("“%(ref)s” is already on line %(line)s") % {"ref": ref, "line": state.first_line[ref]})
    else:
        state.first_line[ref] = line
    participant = state.participants.get(cell("participant").strip())
    if participant is None:
        bad(
            "participant",
            _("no participant named “%(name)s” in %(year)s")
            % {"name": shown(cell("participant").strip()), "year": state.edition.year},
        )
    channel = cell("channel").strip()
    username = cell("judge").strip()
    if not username:
        bad("judge", _("required"))
    elif state.judges[username].problem:
        bad("judge", state.judges[username].problem)
    happened_at = None
    try:
        happened_at = datetime.fromisoformat(cell("happened_at").strip())
        if happened_at.tzinfo is None:
            bad("happened_at", _("needs an offset, e.g. %(example)s") % {"example": "2021-02-03T10:15:00+01:00"})
            happened_at = None
    except (ValueError, OverflowError):
        bad("happened_at", _("“%(value)s” is not an ISO 8601 date and time") % {"value": shown(cell("happened_at"))})
    answered, voided = parse_bool(cell("answered")), parse_bool(cell("voided"))
    if answered is None:
        bad("answered", _("“%(value)s” must be true or false") % {"value": shown(cell("answered"))})
    if voided is None:
        bad("voided", _("“%(value)s” must be true or false") % {"value": shown(cell("voided"))})
    wait_seconds = None
    if cell("wait_seconds").strip():
        try:
            wait_seconds = parse_int(cell("wait_seconds"))
        except ValueError:
            bad("wait_seconds", _("“%(value)s” is not a whole number of seconds") % {"value": shown(cell("wait_seconds"))})
    answers: dict[str, int | None] = {}
    # With a wrong channel, its cells say nothing new: contact_clean names the channel.
    channel_ok = participant is not None and channel in state.questionnaire and channel in participant.channels
    if channel_ok:
        _missing_question_columns(state, channel)
        for column, question_channel, key in state.question_cells:
            value = cells[column]
            if question_channel != channel:
                if value and value.strip():
                    bad(column, _("must be empty for a %(channel)s contact") % {"channel": channel})
                continue
            value = value.strip()
            try:
                answers[key] = (int(value) if value.isascii() and value.isdigit() else parse_int(value)) if value else None
            except ValueError:  # not a number, or one of more than 4,300 digits
                bad(column, _("“%(value)s” is not a whole number") % {"value": shown(value)})
    if participant is None:
        return None, problems
    data = ContactInput(
        participant=participant,
        channel=channel,
        judge=state.judges[username].user if username else None,
        happened_at=happened_at,
        answered=bool(answered),
        wait_seconds=wait_seconds,
        handled_by=cell("handled_by").strip(),
        comment=cell("comment"),
        answers=answers,
        status=ContactStatus.SUBMITTED,  # scoring.md §1: imported contacts are submitted
        voided=bool(voided),
        void_reason=IMPORT_VOID_REASON if voided else "",
    )
    try:
        clean = contact_clean(
            edition=state.edition,
            data=data,
            questionnaire=state.questionnaire,
            conflicts=state.conflicts,
            wait_rules=state.wait_rules,
        )
    except ContactInvalid as invalid:
        # A column that failed to parse is reported once, by its parse error; with `answered` unreadable, what
        # depends on it (the wait, the handler, the answers) says nothing more.
        named = {problem.column for problem in problems} | state.missing_columns
        found = [problem for problem in problems_of(invalid.errors, line=line) if problem.column not in named]
        if answered is None:
            found = [problem for problem in found if problem.column in INDEPENDENT_OF_ANSWERED]
        return None, problems + found
    if problems:
        return None, problems
    return _Row(line, ref, clean, username), []


# The columns whose rules do not depend on whether the contact was answered.
INDEPENDENT_OF_ANSWERED = {"participant", "channel", "judge", "happened_at", "comment", "voided", "ref"}


def shown(value: str, most: int = 40) -> str:
    """A cell as a message quotes it: a long one cut short (a 200,000-character cell would fill the report)."""
    return value if len(value) <= most else value[: most - 1] + "…"


def _missing_question_columns(state: _Import, channel: str) -> None:
    """docs/bundle-format.md: one column per question of every channel that appears in the file; once per column."""
    for question in state.questionnaire[channel]:
        column = f"{channel}.{question.key}"
        if column not in state.header and column not in state.missing_columns:
            state.missing_columns.add(column)
            state.header_found.append(
                Problem(
                    1, column, _("missing column (a question of %(channel)s, which rows of this file use)") % {"channel": channel}
                )
            )
