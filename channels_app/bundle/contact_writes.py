"""Writing a batch of checked contacts: the contacts, their answers and their history, a few statements a batch.

channels_app.bundle.contacts checks and compares; this writes what it found, as plain tuples
(channels_app.bundle.writes: COPY on PostgreSQL, executemany on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from audit.models import Action, ChangeRecord, Source
from audit.services import HISTORY_COLUMNS, history_rows
from channels_app.bundle.writes import insert_rows, prepared, reserve_ids, update_rows
from channels_app.models import Answer, Contact, Question
from channels_app.services import TRACKED_FIELDS, voiding_logged

# The columns an import writes: what contact_apply sets (the tracked fields, by their columns), and updated_at.
CONTACT_WRITTEN = [
    "edition_id",
    "ref",
    *(f"{name}_id" if name in ("participant", "judge") else name for name in TRACKED_FIELDS),
    "answers_frozen",
    "updated_at",
]
ANSWER_COLUMNS = ["contact_id", "question_id", "points", "max_points"]
_HAPPENED_AT, _SCORE, _UPDATED_AT, _UNCHOSEN = (
    cast("models.Field[Any, Any]", Contact._meta.get_field(name)) for name in ("happened_at", "score", "updated_at", "unchosen")
)


@dataclass
class Written:
    """One contact to write: set by contact_apply (its judge saved), its answered questions, its history's changes."""

    contact: Contact
    points: list[tuple[Question, int]]
    changes: dict[str, list[Any]]


def contacts_write(
    *, created: list[Written], updated: list[Written], year: int, user: User | None, source: Source, note: str
) -> None:
    """One batch's writes (of the edition of `year`): new contacts (ids reserved), changed ones, their answers anew,
    their history, and the security log's line for each contact the file voids or restores."""
    now = timezone.now()
    when = prepared(_UPDATED_AT, now)
    for item in created + updated:
        item.contact.updated_at = now
    for contact_id, item in zip(reserve_ids(Contact, len(created)), created, strict=True):
        item.contact.pk, item.contact.created_at = contact_id, now
    if created:
        columns = ["id", *CONTACT_WRITTEN, "created_at"]
        insert_rows(Contact, columns, [_contact_values(item.contact, columns, when) for item in created])
    if updated:
        changed = [item.contact for item in updated]
        update_rows(Contact, CONTACT_WRITTEN, [(*_contact_values(c, CONTACT_WRITTEN, when), c.pk) for c in changed])
        Answer.objects.filter(contact_id__in=[contact.pk for contact in changed]).delete()
    insert_rows(
        Answer,
        ANSWER_COLUMNS,
        (
            (item.contact.pk, question.pk, points, question.max_points)
            for item in created + updated
            for question, points in item.points
        ),
    )
    for action, written in ((Action.CREATE, created), (Action.UPDATE, updated)):
        if written:
            rows = history_rows(
                model=Contact,
                changed=[(item.contact.pk, item.contact.ref, item.changes) for item in written],
                action=action,
                user=user,
                source=source,
                note=note,
                at=now,
            )
            insert_rows(ChangeRecord, HISTORY_COLUMNS, rows)
    for item in created + updated:
        voiding_logged(contact=item.contact, year=year, changes=item.changes, user=user, source=source)


def _contact_values(contact: Contact, columns: list[str], now: Any) -> tuple[Any, ...]:
    """The contact's values in `columns`' order as the database takes them; `now` is the batch's time, prepared."""
    values = {
        "happened_at": prepared(_HAPPENED_AT, contact.happened_at),
        "score": prepared(_SCORE, contact.score),
        "unchosen": prepared(_UNCHOSEN, contact.unchosen),
    }
    values["updated_at"] = values["created_at"] = now
    return tuple(values[name] if name in values else getattr(contact, name) for name in columns)
