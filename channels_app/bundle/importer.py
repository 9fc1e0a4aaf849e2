"""Importing a bundle or a contacts.csv: all or nothing, through the same services as the admin.

Every bad row, field or file is a Problem; nothing is written unless every file
is good (docs/bundle-format.md, import rules).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

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
from channels_app.bundle.contacts import Progress, contacts_import
from channels_app.bundle.files import MAX_FILE_BYTES, BundleFiles, read_bundle, too_large
from channels_app.bundle.format import (
    CONTACTS_FILE,
    EDITION_FILE,
    PARTICIPANTS_FILE,
    BundleError,
    ImportSummary,
    Problem,
    problems_of,
)
from channels_app.bundle.parse import EditionSpec, ParticipantRow, parse_edition, parse_participants
from channels_app.models import Question
from channels_app.questionnaire import question_remove, question_upsert


def import_edition(path: Path, *, user: User | None = None, reason: str = "", progress: Progress | None = None) -> ImportSummary:
    """Import a bundle (folder or .zip), all or nothing; raise BundleError listing every problem.

    The bundle is the whole edition: questions, classes and participants it no
    longer lists are removed, unless contacts depend on them (then it is a problem).
    """
    with read_bundle(path) as files:
        missing = [name for name in (EDITION_FILE, PARTICIPANTS_FILE) if name not in files]
        if missing:
            raise BundleError({str(path): [Problem(None, name, _("missing file")) for name in missing]})
        spec = parse_edition(files.read(EDITION_FILE))
        rows, participant_problems = parse_participants(
            files.read(PARTICIPANTS_FILE), classes=spec.classes, questionnaire_channels=set(spec.questions)
        )
        return _import_edition(files, spec, rows, participant_problems, user=user, reason=reason, progress=progress)


def _import_edition(
    files: BundleFiles,
    spec: EditionSpec,
    rows: list[ParticipantRow],
    participant_problems: list[Problem],
    *,
    user: User | None,
    reason: str,
    progress: Progress | None,
) -> ImportSummary:
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
                    _participant, outcome = participant_upsert(
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
                        reason_text = _("no longer listed, but it has contacts (void them, or keep it listed)")
                        report(PARTICIPANTS_FILE, [Problem(None, participant.name, reason_text)])
                        continue
                    summary.add("participants", "removed")
            for award_class in edition.classes.exclude(name__in=spec.classes):
                try:
                    class_remove(award_class=award_class, user=user, source=source)
                except Invalid:
                    report(
                        EDITION_FILE,
                        [
                            Problem(
                                None,
                                "classes",
                                _("“%(name)s” is no longer listed, but has participants") % {"name": award_class.name},
                            )
                        ],
                    )
                    continue
                summary.add("classes", "removed")
            if CONTACTS_FILE in files:
                try:
                    with files.open(CONTACTS_FILE) as stream:
                        contacts = contacts_import(
                            edition=edition,
                            stream=stream,
                            total_bytes=files.size(CONTACTS_FILE),
                            user=user,
                            source=source,
                            reason=reason,
                            dry_run=bool(problems),  # checked all the same, to report every file's problems at once
                            progress=progress,
                        )
                except BundleError as error:
                    problems.update(error.problems)
                else:
                    summary.merge(contacts)
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
                _question, outcome = question_upsert(
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
            found.append(
                Problem(None, f"questions.{question.channel}: {question.key}", _("no longer listed, but it has answers"))
            )
            continue
        summary.add("questions", "removed")
    if not found:
        del problems[EDITION_FILE]


def import_contacts(
    *,
    year: int,
    path: Path,
    user: User | None = None,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    reason: str = "",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one contacts.csv into an existing edition, all or nothing."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        raise BundleError.one(str(path), _("no edition %(year)s: import its bundle first") % {"year": year})
    return import_contacts_file(
        edition=edition, path=path, user=user, dry_run=dry_run, source=source, reason=reason, progress=progress
    )


def import_contacts_file(
    *,
    edition: Edition,
    path: Path,
    user: User | None = None,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    reason: str = "",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a contacts.csv file into the edition, read as a stream; all or nothing."""
    path = Path(path)
    if (size := path.stat().st_size) > MAX_FILE_BYTES[CONTACTS_FILE]:
        raise BundleError.one(str(path), too_large(size, MAX_FILE_BYTES[CONTACTS_FILE]))
    with path.open("rb") as stream:
        return import_contacts_stream(
            edition=edition,
            stream=stream,
            total_bytes=path.stat().st_size,
            user=user,
            dry_run=dry_run,
            source=source,
            reason=reason,
            progress=progress,
        )


def import_contacts_content(
    *,
    edition: Edition,
    content: bytes,
    user: User | None = None,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    reason: str = "",
) -> ImportSummary:
    """Import a contacts.csv's bytes (a small file, or a test's) into the edition, all or nothing."""
    return import_contacts_stream(
        edition=edition,
        stream=io.BytesIO(content),
        total_bytes=len(content),
        user=user,
        dry_run=dry_run,
        source=source,
        reason=reason,
    )


def import_contacts_stream(
    *,
    edition: Edition,
    stream: BinaryIO,
    total_bytes: int,
    user: User | None = None,
    dry_run: bool = False,
    source: Source = Source.IMPORT,
    reason: str = "",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a contacts.csv into the edition, all or nothing; raise BundleError listing every bad row.

    A dry run checks and compares every row as the import would, and writes nothing:
    its summary has the true counts of contacts to create, change and leave, the
    changes themselves, and the judge accounts the import would create.
    """
    with transaction.atomic():
        return contacts_import(
            edition=edition,
            stream=stream,
            total_bytes=total_bytes,
            user=user,
            source=source,
            reason=reason,
            dry_run=dry_run,
            progress=progress,
        )
