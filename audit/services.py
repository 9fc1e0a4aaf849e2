"""Writing the change history: every service of every app records its changes here.

Each write is also a line in the security log (audit/security.py, event history.change) once it commits: which
record, which fields, by whom, from where; never the values, which stay in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models

from audit.models import Action, ChangeRecord, Source
from audit.security import security_event_on_commit

_PLAIN = (str, int, bool, float)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value, the same on SQLite and PostgreSQL."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    if not before:  # a new object: every value that is not None (the common case of an import, made quick)
        return {field: [None, new] for field in sorted(after) if (new := _plain(after[field])) is not None}
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changes[field] = [old, new]
    return changes


def history_record(
    *,
    subject: models.Model,
    action: Action,
    changes: Mapping[str, list[Any]] | None = None,
    user: User | None = None,
    source: Source,
    note: str = "",
) -> ChangeRecord:
    record = ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        object_repr=str(subject)[:200],
        action=action,
        changes=dict(changes or {}),
        user=user if getattr(user, "pk", None) else None,
        source=source,
        note=note,
    )
    security_event_on_commit(
        "history.change",
        user=record.user,
        model=subject._meta.label_lower,
        object=subject.pk,
        action=action,
        source=source,
        fields=sorted(record.changes),
    )
    return record


def history_record_many(
    *,
    changed: Iterable[tuple[models.Model, Mapping[str, list[Any]]]],
    action: Action,
    user: User | None = None,
    source: Source,
    note: str = "",
) -> int:
    """history_record for many objects of one model in one INSERT (a question's new maximum rescoring its contacts)."""
    records = [
        ChangeRecord(
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            object_repr=str(subject)[:200],
            action=action,
            changes=dict(changes),
            user=user if getattr(user, "pk", None) else None,
            source=source,
            note=note,
        )
        for subject, changes in changed
    ]
    ChangeRecord.objects.bulk_create(records, batch_size=1000)
    if records:
        _logged_many(records[0].content_type.model_class(), len(records), action=action, user=user, source=source)
    return len(records)


def _logged_many(model: type[models.Model] | None, count: int, *, action: Action, user: User | None, source: Source) -> None:
    """One line in the security log for many records written at once (an import's batch): how many, not which."""
    label = model._meta.label_lower if model is not None else "-"
    security_event_on_commit(
        "history.change", user=user if getattr(user, "pk", None) else None, model=label, count=count, action=action, source=source
    )


# The columns of a change record as history_rows gives them, for a bulk writer (an import's COPY or executemany).
HISTORY_COLUMNS = ("content_type_id", "object_id", "object_repr", "action", "changes", "user_id", "source", "note", "at")


def history_rows(
    *,
    model: type[models.Model],
    changed: Iterable[tuple[int, str, Mapping[str, list[Any]]]],
    action: Action,
    user: User | None = None,
    source: Source,
    note: str = "",
    at: datetime,
) -> Iterable[tuple[Any, ...]]:
    """history_record's rows for many objects of one model, as tuples in HISTORY_COLUMNS' order, ready for the database.

    `changed` gives each object's id, its text (str of it) and its changes; JSON and the time are prepared once here.
    """
    fields = ChangeRecord._meta
    changes_field, at_field = (
        cast("models.Field[Any, Any]", fields.get_field("changes")),
        cast("models.Field[Any, Any]", fields.get_field("at")),
    )
    content_type_id = ContentType.objects.get_for_model(model).pk
    user_id = user.pk if user is not None and user.pk else None
    when = at_field.get_db_prep_save(at, connection)
    count = 0
    for object_id, text, changes in changed:
        count += 1
        yield (
            content_type_id,
            object_id,
            text[:200],
            action,
            changes_field.get_db_prep_save(dict(changes), connection),
            user_id,
            source,
            note,
            when,
        )
    # Once the writer has taken every row (it does before its statement; a failed one rolls back, and the line with it).
    if count:
        _logged_many(model, count, action=action, user=user, source=source)
