"""The points per participant and question (scoring.models.QuestionPoints), kept current by the rescoring.

The field's share of each performance area and the dashboard's own were sums over every answer of the edition
(22 million at 1,000,000 contacts): seconds on every read. Here the sums are kept instead, per participant and
question, and only a changed participant's are summed again: a writer notes which participants its change touches
(award.services.edition_data_changed -> points_backlog_note, in its own transaction), and the rescoring
(scoring.services.edition_rescore, inside its transaction) replaces their rows by a DELETE and an
INSERT ... SELECT ... GROUP BY over their counted contacts' answers (per participant, or for the whole edition when
that costs less: question_points_refresh), then clears the notes it read.

Raw SQL because the ORM has no INSERT ... SELECT (as scoring.standings). Only the notes read at the start are
cleared: a change committed meanwhile keeps its note, and its own rescoring follows (its data version is newer).
The tests hold the table against a full rebuild after every way of writing, and the readers against the answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from award.models import Participant
from channels_app.models import Answer, Contact, ContactStatus, Question
from scoring.models import PointsBacklog, QuestionPoints


def points_backlog_note(*, edition_id: int, participant_ids: Iterable[int] | None) -> None:
    """These participants' points (None: every participant's of the edition) wait for the edition's next rescoring.

    Call inside the writing transaction, so that the note commits with the change or not at all.
    """
    if participant_ids is None:
        PointsBacklog.objects.create(edition_id=edition_id, participant_id=None)
        return
    PointsBacklog.objects.bulk_create(
        PointsBacklog(edition_id=edition_id, participant_id=participant_id) for participant_id in sorted(set(participant_ids))
    )


def _sql(*, one: bool) -> tuple[str, str]:
    """The DELETE and the INSERT ... SELECT for one participant (bound after the edition), or for the whole edition."""
    points, answer, contact, question = (
        QuestionPoints._meta.db_table,
        Answer._meta.db_table,
        Contact._meta.db_table,
        Question._meta.db_table,
    )
    # Our own table names; every value is a bound parameter.
    delete = f"DELETE FROM {points} WHERE edition_id = %s{' AND participant_id = %s' if one else ''}"  # nosec B608
    # Counted contacts (Contact.objects.counted(): submitted, not voided), scored questions, answers that are not N/A.
    insert = f"""
INSERT INTO {points} (edition_id, participant_id, question_id, given, possible, answers)
SELECT contact.edition_id, contact.participant_id, answer.question_id,
    SUM(answer.points), SUM(answer.max_points), COUNT(*)
FROM {answer} AS answer
JOIN {contact} AS contact ON contact.id = answer.contact_id
JOIN {question} AS question ON question.id = answer.question_id
WHERE contact.edition_id = %s AND contact.status = %s AND NOT contact.voided
    AND question.counts AND answer.points IS NOT NULL{" AND contact.participant_id = %s" if one else ""}
GROUP BY contact.edition_id, contact.participant_id, answer.question_id
"""  # nosec B608
    return delete, insert


def question_points_refresh(*, edition_id: int) -> int | None:
    """Sum again the points of the participants noted since the last rescoring (inside the rescoring's transaction).

    A participant at a time, while fewer than half of the edition's are noted: PostgreSQL reads one participant's
    contacts and their answers by index (180 ms for 5,100 contacts at 1,000,000), but for several in one statement
    it scans every answer of the edition (9 s for ten there, against 1.8 s one by one). From half of them on, the
    whole edition in one statement costs less (22 s there). Returns how many participants were summed again, None for
    the whole edition (0: nothing was noted).
    """
    noted = list(PointsBacklog.objects.filter(edition_id=edition_id).values_list("pk", "participant_id"))
    if not noted:
        return 0
    participants = sorted({participant_id for _pk, participant_id in noted if participant_id is not None})
    whole = any(participant_id is None for _pk, participant_id in noted) or (
        2 * len(participants) >= Participant.objects.filter(edition_id=edition_id).count()
    )
    submitted = str(ContactStatus.SUBMITTED)
    with connection.cursor() as cursor:
        if whole:
            delete, insert = _sql(one=False)
            cursor.execute(delete, [edition_id])
            cursor.execute(insert, [edition_id, submitted])
        else:
            delete, insert = _sql(one=True)
            for participant_id in participants:
                cursor.execute(delete, [edition_id, participant_id])
                cursor.execute(insert, [edition_id, submitted, participant_id])
    PointsBacklog.objects.filter(pk__in=[pk for pk, _participant_id in noted]).delete()
    return None if whole else len(participants)


def participant_question_points(*, participant_id: int) -> dict[int, tuple[int, int]]:
    """question id -> (points given, points possible) of one participant, on the questions that count."""
    rows = QuestionPoints.objects.filter(participant_id=participant_id).values_list("question_id", "given", "possible")
    return {question_id: (int(given), int(possible)) for question_id, given, possible in rows}
