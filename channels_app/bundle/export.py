"""Writing an edition's bundle: importing it into an empty database gives the same results (docs/bundle-format.md).

Every text cell of the CSV files goes through csv_guard, so that a spreadsheet never runs a name or a comment as
a formula; the import's csv_unguard gives the texts back as they were.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.utils import timezone

from award.models import Channel, Edition, Participant
from channels_app.bundle.format import (
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    EDITION_FILE,
    PARTICIPANT_COLUMNS,
    PARTICIPANTS_FILE,
    contact_cells,
    csv_guard,
)
from channels_app.models import Contact, ContactStatus, Question
from channels_app.selectors import edition_questionnaire


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
            cells = [participant.name, participant.award_class.name, "|".join(participant.channels)]
            writer.writerow([csv_guard(cell) for cell in cells])

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
            fixed = {
                "ref": contact.ref,
                "participant": contact.participant.name,
                "channel": contact.channel,
                "judge": contact.judge.get_username(),
                "happened_at": timezone.localtime(contact.happened_at).isoformat(),
                "answered": "true" if contact.answered else "false",
                "wait_seconds": "" if contact.wait_seconds is None else contact.wait_seconds,
                "handled_by": contact.handled_by,
                "voided": "true" if contact.voided else "false",
                "comment": contact.comment,
            }
            answers = ("" if c != contact.channel or points.get(q.pk) is None else points[q.pk] for c, q in question_columns)
            writer.writerow([csv_guard(cell) for cell in (*contact_cells(fixed), *answers)])  # numbers stay numbers
    return written
