"""A synthetic edition of any size, built set-based in the database: 4,900 contacts in a second, 1,000,000 in minutes.

    python -m bench.edition --contacts 1000000          # into DATABASE_URL (or a throw-away SQLite file)

The frame is the real award's shape: 196 participants in 10 classes, each offering the four channels, with 25
contact slots each (phone 9, e-mail 7, chat 5, Messenger 4: 4,900 slots); an edition of N contacts fills the slots
round-robin, so a participant has N / 196 contacts (5,102 at 1,000,000). Each channel has 24 questions (one of them
a customer-experience question that is not scored), so an answered contact has 24 answers, some N/A: about 22
million answers at 1,000,000 contacts.

Contacts and answers are made by INSERT ... SELECT over a number series, with a fixed integer hash for every choice
(identical on PostgreSQL and SQLite, so both hold the same edition); each contact's score is then set from its
answers by one UPDATE with scoring.md §1's half-up rounding, in integers. The frame goes through the ORM (a few
hundred rows). The points per question are summed as a rescoring keeps them (scoring.points, the whole edition), so
the first rescoring costs what every later one does. Nothing here is scored or published: the caller does that
through the real services.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels_app.models import Contact
    from channels_app.services import ContactInput

PARTICIPANTS, CLASSES, QUESTIONS = 196, 10, 24
PLAN = {"phone": 9, "email": 7, "chat": 5, "messenger": 4}
SLOTS = PARTICIPANTS * sum(PLAN.values())  # 4,900: the real award's yearly contacts
AREAS = ["Answer and waiting time", "The agent", "Solution", "Closing"]
JUDGES = 12
YEAR = 2021
START = "2021-01-18 07:00:00"  # UTC; contacts fall in the 86 days after
SECONDS = 86 * 24 * 3600


@dataclass(frozen=True)
class Built:
    edition_id: int
    contacts: int
    answers: int
    seconds: float
    reader_participant_id: int  # the participant whose company user the dashboard benchmark logs in as


def _hash(column: str, salt: int) -> str:
    """A fixed pseudo-random integer in [0, 2^31 - 1) of an integer column: the same on both databases (64-bit)."""
    return f"((({column}) * 2654435761 + {salt * 40503 + 12345}) % 2147483647)"


def build(*, contacts: int, year: int = YEAR) -> Built:
    """Create the edition `year` with `contacts` submitted contacts and their answers; return what was made."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from award.models import AwardClass, Edition, Participant, ParticipantChannel
    from channels_app.models import Answer, Contact, Question
    from scoring.models import QuestionPoints
    from scoring.points import points_backlog_note, question_points_refresh

    started = time.perf_counter()
    vendor = connection.vendor
    with transaction.atomic():
        edition = Edition.objects.create(
            year=year,
            name=f"Bench {year}",
            starts_on=date(year, 1, 15),
            ends_on=date(year, 4, 30),
            min_contacts_per_channel=3,
        )
        classes = AwardClass.objects.bulk_create(
            AwardClass(edition=edition, name=f"Class {n:02d}", slug=f"class-{n:02d}") for n in range(CLASSES)
        )
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, award_class=classes[n % CLASSES], name=f"Company {n:03d}") for n in range(PARTICIPANTS)
        )
        ParticipantChannel.objects.bulk_create(
            ParticipantChannel(participant=p, channel=channel) for p in participants for channel in PLAN
        )
        Question.objects.bulk_create(
            Question(
                edition=edition,
                channel=channel,
                key=f"q{n:02d}",
                text=f"Question {n}?",
                area=AREAS[n * len(AREAS) // QUESTIONS],
                max_points=(5, 3, 10, 5)[n % 4],
                counts=n != QUESTIONS - 1,
                position=n,
            )
            for channel in PLAN
            for n in range(QUESTIONS)
        )
        users = get_user_model().objects
        judges = [users.create(username=f"bench-judge-{year}-{n:02d}", is_staff=True) for n in range(JUDGES)]
        slots = [
            (participant.pk, channel) for participant in participants for channel, count in PLAN.items() for _ in range(count)
        ]
        _fill(
            vendor=vendor,
            edition_id=edition.pk,
            contacts=contacts,
            slots=slots,
            judges=[judge.pk for judge in judges],
            tables=(Contact._meta.db_table, Answer._meta.db_table, Question._meta.db_table),
        )
        Edition.objects.filter(pk=edition.pk).update(data_version=1)
        points_backlog_note(edition_id=edition.pk, participant_ids=None)  # written behind the services: all of it
        question_points_refresh(edition_id=edition.pk)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            # The points per question too: unanalysed, the field's sums (scoring.averages) were planned for a few rows.
            points = QuestionPoints._meta.db_table
            cursor.execute(f"ANALYZE {Contact._meta.db_table}; ANALYZE {Answer._meta.db_table}; ANALYZE {points}")
    elif vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Built(
        edition_id=edition.pk,
        contacts=Contact.objects.filter(edition=edition).count(),
        answers=Answer.objects.filter(contact__edition=edition).count(),
        seconds=time.perf_counter() - started,
        reader_participant_id=participants[PARTICIPANTS // 2].pk,
    )


def _fill(
    *, vendor: str, edition_id: int, contacts: int, slots: list[tuple[int, str]], judges: list[int], tables: tuple[str, ...]
) -> None:
    from django.db import connection

    contact, answer, question = tables
    # The SQL below is built from our own table names and integers (B608's nosec): nothing comes from outside.
    if vendor == "postgresql":
        series = f"SELECT n FROM generate_series(0, {contacts - 1}) AS n"  # nosec B608
        happened = f"(TIMESTAMPTZ '{START}+00' + make_interval(secs => {_hash('n', 3)} % {SECONDS}))"
        true, false = "TRUE", "FALSE"
    elif vendor == "sqlite":
        series = f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {contacts - 1}) SELECT n FROM s"  # nosec B608
        happened = f"strftime('%Y-%m-%d %H:%M:%S', '{START}', '+' || ({_hash('n', 3)} % {SECONDS}) || ' seconds')"
        true, false = "1", "0"
    else:
        raise SystemExit(f"bench.edition builds on PostgreSQL or SQLite, not {vendor}")
    answered = f"({_hash('n', 1)} % 100 >= 8)"
    bot = _hash("n", 2)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # The foreign keys of these rows hold by construction; PostgreSQL would check each of 20 million at the
            # commit (deferred), which took longer than making them. A superuser (the local one) may skip them.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("CREATE TEMPORARY TABLE bench_slot (k INTEGER PRIMARY KEY, participant_id INTEGER, channel TEXT)")
        cursor.executemany("INSERT INTO bench_slot VALUES (%s, %s, %s)", [(k, *slot) for k, slot in enumerate(slots)])
        cursor.execute("CREATE TEMPORARY TABLE bench_judge (k INTEGER PRIMARY KEY, judge_id INTEGER)")
        cursor.executemany("INSERT INTO bench_judge VALUES (%s, %s)", list(enumerate(judges)))
        cursor.execute(
            f"INSERT INTO {contact} (edition_id, ref, participant_id, channel, judge_id, happened_at, answered, wait_seconds,"  # nosec B608
            " handled_by, comment, status, voided, void_reason, score, answers_frozen, unchosen, created_at, updated_at)"
            f" SELECT {edition_id}, 'B' || CAST(1000000000 + n AS TEXT), slot.participant_id, slot.channel, judge.judge_id,"
            f" {happened}, CASE WHEN {answered} THEN {true} ELSE {false} END, 5 + {_hash('n', 4)} % 600,"
            f" CASE WHEN NOT {answered} THEN '' WHEN slot.channel IN ('chat', 'messenger') AND {bot} % 10 < 3 THEN 'bot'"
            f" WHEN slot.channel IN ('chat', 'messenger') AND {bot} % 10 = 3 THEN 'bot_to_agent' ELSE 'agent' END,"
            f" '', 'submitted', {false}, '', 0, '[]', '[]', {happened}, {happened}"
            f" FROM ({series}) AS numbers"
            f" JOIN bench_slot AS slot ON slot.k = n % {len(slots)}"
            f" JOIN bench_judge AS judge ON judge.k = ({_hash('n', 5)} % {len(judges)})"
        )
        # Each participant leans a little to one side (its id), so that the field spreads out and ranks are not all ties.
        points = (
            f"CASE WHEN q.position > 0 AND {_hash('c.id * 31 + q.position', 6)} % 17 = 0 THEN NULL"
            f" WHEN {_hash('c.id * 31 + q.position', 7)} % 4 = 0 THEN q.max_points"
            f" ELSE ({_hash('c.id * 31 + q.position', 8)} + c.participant_id) % (q.max_points + 1) END"
        )
        cursor.execute(
            f"INSERT INTO {answer} (contact_id, question_id, points, max_points)"  # nosec B608
            f" SELECT c.id, q.id, {points}, q.max_points FROM {contact} AS c"
            f" JOIN {question} AS q ON q.edition_id = c.edition_id AND q.channel = c.channel"
            f" WHERE c.edition_id = {edition_id} AND c.answered"
        )
        # scoring.md §1 in ten-thousandths: 100 x points / possible, half-up, over scored answers that are not N/A; and
        # the answers as a publication freezes them (Contact.answers_frozen: [question id, points] by question id).
        scored = "q.counts AND a.points IS NOT NULL"
        piece = "'[' || CAST(a.question_id AS TEXT) || ',' || COALESCE(CAST(a.points AS TEXT), 'null') || ']'"
        if vendor == "postgresql":
            answers = f"{answer} AS a JOIN {question} AS q ON q.id = a.question_id WHERE q.edition_id = {edition_id}"
            frozen = f"string_agg({piece}, ',' ORDER BY a.question_id)"
        else:  # SQLite's group_concat keeps the order of the rows it is given, from an ordered subquery
            answers = (
                f"(SELECT a.contact_id, a.question_id, a.points, a.max_points, q.counts, {piece} AS piece"  # nosec B608
                f" FROM {answer} AS a JOIN {question} AS q ON q.id = a.question_id WHERE q.edition_id = {edition_id}"
                " ORDER BY a.contact_id, a.question_id) AS a"
            )
            scored = "a.counts AND a.points IS NOT NULL"
            frozen = "group_concat(a.piece, ',')"
        cursor.execute(
            f"UPDATE {contact} SET score = sums.units, answers_frozen = '[' || sums.frozen || ']' FROM ("  # nosec B608
            f"SELECT a.contact_id, (2000000 * SUM(CASE WHEN {scored} THEN a.points ELSE 0 END)"
            f" + SUM(CASE WHEN {scored} THEN a.max_points ELSE 0 END))"
            f" / (2 * SUM(CASE WHEN {scored} THEN a.max_points ELSE 0 END)) AS units, {frozen} AS frozen"
            f" FROM {answers} GROUP BY a.contact_id"
            f") AS sums WHERE {contact}.id = sums.contact_id"
        )
        cursor.execute("DROP TABLE bench_slot")
        cursor.execute("DROP TABLE bench_judge")


def answers_changed(contact: Contact, answers: dict[str, int | None]) -> ContactInput:
    """What a judge's correction of an answered contact gives the service (channels_app.services.contact_record):
    the contact as it is, with these answers."""
    from channels_app.services import ContactInput

    return ContactInput(
        participant=contact.participant,
        channel=contact.channel,
        judge=contact.judge,
        happened_at=contact.happened_at,
        answered=True,
        wait_seconds=contact.wait_seconds,
        handled_by=contact.handled_by,
        comment=contact.comment,
        answers=answers,
    )


def main() -> None:
    from bench.__main__ import setup

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=SLOTS)
    parser.add_argument("--year", type=int, default=YEAR)
    arguments = parser.parse_args()
    setup()
    built = build(contacts=arguments.contacts, year=arguments.year)
    print(f"edition {arguments.year}: {built.contacts:,} contacts, {built.answers:,} answers in {built.seconds:.1f} s")


if __name__ == "__main__":
    main()
