"""Importing a bundle or a contacts.csv: all or nothing, through the same services as the admin.

Every bad row, field or file is a Problem; nothing is written unless every file
is good (docs/bundle-format.md, import rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from audit.models import Source
from award.models import AwardClass, Edition
from award.services import (
    Invalid,
    class_ensure,
    class_remove,
    edition_changes_batched,
    edition_upsert,
    participant_remove,
    participant_upsert,
)
from channels_app.bundle.contacts import ParsedContacts, parse_contacts
from channels_app.bundle.files import read_bundle
from channels_app.bundle.format import (
    CONTACTS_FILE,
    EDITION_FILE,
    PARTICIPANTS_FILE,
    BundleError,
    ImportSummary,
    Problem,
    problems_of,
)
from channels_app.bundle.parse import EditionSpec, parse_edition, parse_participants
from channels_app.models import Question
from channels_app.questionnaire import question_remove, question_upsert
from channels_app.services import ContactInvalid, contact_record, judge_ensure


class _RollBack(Exception):
    """Raised inside a transaction to undo everything it wrote (a dry run, or a bad row found while writing)."""


def import_edition(path: Path, *, user: User | None = None, reason: str = "") -> ImportSummary:
    """Import a bundle (folder or .zip), all or nothing; raise BundleError listing every problem.

    The bundle is the whole edition: questions, classes and participants it no
    longer lists are removed, unless contacts depend on them (then it is a problem).
    """
    files = read_bundle(path)
    missing = [name for name in (EDITION_FILE, PARTICIPANTS_FILE) if name not in files]
    if missing:
        raise BundleError({str(path): [Problem(None, name, "missing file") for name in missing]})
    spec = parse_edition(files[EDITION_FILE])
    rows, participant_problems = parse_participants(
        files[PARTICIPANTS_FILE], classes=spec.classes, questionnaire_channels=set(spec.questions)
    )
    problems: dict[str, list[Problem]] = {}

    def report(name: str, found: Iterable[Problem]) -> None:
        problems.setdefault(name, []).extend(found)

    if participant_problems:
        problems[PARTICIPANTS_FILE] = participant_problems
    summary = ImportSummary()
    source = Source.IMPORT
    try:
        with transaction.atomic(), edition_changes_batched():
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
                report(EDITION_FILE, problems_of(invalid.errors))
                raise BundleError(problems) from None
            summary.add("edition", "changed" if changed else "unchanged")
            _import_questions(edition, spec, summary, problems, user=user)
            classes: dict[str, AwardClass] = {}
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
                    report(PARTICIPANTS_FILE, problems_of(invalid.errors, line=row.line))
                    continue
                summary.add("participants", outcome)
            if not participant_problems:
                listed = {row.name for row in rows}
                for participant in edition.participants.exclude(name__in=listed):
                    try:
                        participant_remove(participant=participant, user=user, source=source)
                    except Invalid:
                        reason_text = "no longer listed, but it has contacts (void them, or keep it listed)"
                        report(PARTICIPANTS_FILE, [Problem(None, participant.name, reason_text)])
                        continue
                    summary.add("participants", "removed")
            for award_class in edition.classes.exclude(name__in=spec.classes):
                try:
                    class_remove(award_class=award_class, user=user, source=source)
                except Invalid:
                    report(
                        EDITION_FILE,
                        [Problem(None, "classes", f"{award_class.name!r} is no longer listed, but has participants")],
                    )
                    continue
                summary.add("classes", "removed")
            if CONTACTS_FILE in files:
                parsed = parse_contacts(edition=edition, content=files[CONTACTS_FILE])
                if not parsed.problems and not problems:
                    _record_contacts(edition, parsed, summary, user=user, source=source, reason=reason)
                if parsed.problems:
                    problems[CONTACTS_FILE] = parsed.problems
            if problems:
                raise BundleError(problems)
    except BundleError as error:
        # Keep the problems of every file, not only the one that raised.
        raise BundleError(problems | error.problems) from None
    return summary


def _import_questions(
    edition: Edition, spec: EditionSpec, summary: ImportSummary, problems: dict[str, list[Problem]], *, user: User | None
) -> None:
    listed = set()
    found = problems.setdefault(EDITION_FILE, [])
    for channel, items in spec.questions.items():
        for position, item in enumerate(items):
            listed.add((channel, item["key"]))
            try:
                _, outcome = question_upsert(
                    edition=edition, channel=channel, position=position, user=user, source=Source.IMPORT, **item
                )
            except Invalid as invalid:
                found += problems_of(invalid.errors, prefix=f"questions.{channel}[{position}].")
                continue
            summary.add("questions", outcome)
    for question in Question.objects.filter(edition=edition):
        if (question.channel, question.key) in listed:
            continue
        try:
            question_remove(question=question, user=user, source=Source.IMPORT)
        except Invalid:
            found.append(Problem(None, f"questions.{question.channel}: {question.key}", "no longer listed, but it has answers"))
            continue
        summary.add("questions", "removed")
    if not found:
        del problems[EDITION_FILE]


def _record_contacts(
    edition: Edition, parsed: ParsedContacts, summary: ImportSummary, *, user: User | None, source: Source, reason: str
) -> None:
    """Record every parsed row through contact_record; raise BundleError (and write nothing) if any is refused."""
    problems: list[Problem] = []
    created_or_not: dict[str, int] = {}
    try:
        with transaction.atomic(), edition_changes_batched():
            for username, judge in parsed.judges.items():
                if judge.pk is None and username:
                    parsed.judges[username] = judge_ensure(username=username)
            for row in parsed.rows:
                row.data.judge = parsed.judges[row.username]
                try:
                    _, outcome = contact_record(
                        edition=edition,
                        data=row.data,
                        ref=row.ref,
                        user=user,
                        source=source,
                        questionnaire=parsed.questionnaire,
                        conflicts=parsed.conflicts,
                        reason=reason,
                    )
                except ContactInvalid as invalid:
                    # A rule checked only when writing (a contact locked by the final publication):
                    # a bad row like any other, and the rows after it are still checked.
                    problems += problems_of(invalid.errors, line=row.line)
                    continue
                created_or_not[outcome] = created_or_not.get(outcome, 0) + 1
            if problems:
                raise _RollBack
    except _RollBack:
        raise BundleError({CONTACTS_FILE: problems}) from None
    for outcome, n in created_or_not.items():
        summary.add("contacts", outcome, n)


def import_contacts(
    *, year: int, path: Path, user: User | None = None, dry_run: bool = False, source: Source = Source.IMPORT, reason: str = ""
) -> ImportSummary:
    """Import one contacts.csv into an existing edition, all or nothing."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        raise BundleError.one(str(path), f"no edition {year}: import its bundle first")
    content = Path(path).read_bytes()
    return import_contacts_content(edition=edition, content=content, user=user, dry_run=dry_run, source=source, reason=reason)


def import_contacts_content(
    *,
    edition: Edition,
    content: bytes,
    user: User | None = None,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    reason: str = "",
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
            parsed = parse_contacts(edition=edition, content=content)
            if parsed.problems:
                raise BundleError({CONTACTS_FILE: parsed.problems})
            _record_contacts(edition, parsed, summary, user=user, source=source, reason=reason)
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return summary
