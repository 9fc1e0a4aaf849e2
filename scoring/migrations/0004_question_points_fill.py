"""The points per question of every edition there is, as scoring.points keeps them (the same GROUP BY, all at once)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    tables = {name: apps.get_model(app, name)._meta.db_table for app, name in (
        ("scoring", "QuestionPoints"), ("channels_app", "Answer"), ("channels_app", "Contact"), ("channels_app", "Question")
    )}
    # Our own table names; the one value is a bound parameter. Counted contacts: submitted and not voided.
    statement = f"""
INSERT INTO {tables["QuestionPoints"]} (edition_id, participant_id, question_id, given, possible, answers)
SELECT contact.edition_id, contact.participant_id, answer.question_id,
    SUM(answer.points), SUM(answer.max_points), COUNT(*)
FROM {tables["Answer"]} AS answer
JOIN {tables["Contact"]} AS contact ON contact.id = answer.contact_id
JOIN {tables["Question"]} AS question ON question.id = answer.question_id
WHERE contact.status = %s AND NOT contact.voided AND question.counts AND answer.points IS NOT NULL
GROUP BY contact.edition_id, contact.participant_id, answer.question_id
"""  # nosec B608
    schema_editor.execute(statement, ["submitted"])


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_question_points")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
