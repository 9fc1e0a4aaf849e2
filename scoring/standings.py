"""The standings of an edition written by the database itself: two INSERT ... SELECT statements with window functions,
each writing only the rows that are new or changed (INSERT ... ON CONFLICT ... DO UPDATE).

scoring.md §2 to §4 in SQL, for the rescoring (scoring.services.edition_rescore). The counted contacts are read once,
by the same GROUP BY that a bare tally would run; the ranks are `RANK() OVER (... ORDER BY total DESC)`, which is
standard competition ranking (1, 2, 2, 4), over exact integers. No contact passes through Python (on PostgreSQL the
tally's few hundred rows do, so that its GROUP BY may run in parallel: standings_write), so a rescoring costs the GROUP
BY plus a few milliseconds at any size, on PostgreSQL and SQLite alike.

Raw SQL because the ORM has no INSERT ... SELECT: Django would fetch the rows and build one object per standing,
which was most of a rescoring at the real award's size. The pure rules (scoring.results.compute_results, fed by
publications.inputs.reference_results contact by contact from the raw answers) remain the reference the tests hold
this against, on both databases.

Every mean and share is scoring.rules.divide_half_up written as `(2 * n + d) / (2 * d)` over integers: both databases
divide integers by truncation, which is the floor for these non-negative numbers. PostgreSQL's SUM over a bigint is a
numeric, hence the casts back to BIGINT before dividing.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from award.models import Participant, ParticipantChannel
from channels_app.models import Contact, ContactStatus
from scoring import rules
from scoring.models import ChannelStanding, OverallStanding

_UNITS = 100 * rules.UNITS  # a share in ten-thousandths of a percentage point


def _changed(table: str, key: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """The rows of `ranked` that are new or differ from the table's row of the same key, written over that row.

    A rescoring after one saved contact changes a few rows: the rest are neither written nor locked, so the tables do
    not fill with dead rows on PostgreSQL (which slowed the unique-key checks of a delete-and-insert down tenfold) and
    a rescoring costs what changed, not the whole edition. No other rescoring of the edition writes meanwhile: the
    rescoring holds its edition's ScoringState lock.
    """
    joined = " AND ".join(f"old.{column} = ranked.{column}" for column in key)
    differs = " OR ".join(f"old.{column} IS DISTINCT FROM ranked.{column}" for column in columns)
    assignments = ", ".join(f"{column} = excluded.{column}" for column in columns)
    return (
        f"FROM ranked LEFT JOIN {table} AS old ON {joined} WHERE old.id IS NULL OR {differs}"  # nosec B608
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments}"
    )  # our own names


_CHANNEL_COLUMNS = ("contacts", "units", "unanswered", "total", "answered", "bot_share", "qualified", "rank")
_OVERALL_COLUMNS = ("contacts", "overall", "qualified", "class_rank", "edition_rank")


# The tally's columns, and the tally given back as arrays of them (on PostgreSQL: see standings_write).
_TALLY_COLUMNS = ("participant_id", "channel", "contacts", "units", "answered_contacts", "answered_units", "bot_contacts")
_TALLY_TYPES = ("bigint", "text", "bigint", "bigint", "bigint", "bigint", "bigint")
_GIVEN_ARRAYS = ", ".join(f"%(given_{column})s::{kind}[]" for column, kind in zip(_TALLY_COLUMNS, _TALLY_TYPES, strict=True))
_GIVEN_TALLY = f"SELECT * FROM unnest({_GIVEN_ARRAYS}) AS given({', '.join(_TALLY_COLUMNS)})"  # nosec B608  # our names


def _tally_sql() -> str:
    """The counted contacts' counts and sums per participant and channel: the one read of the contacts."""
    return f"""
SELECT participant_id, channel,
    COUNT(*) AS contacts,
    CAST(SUM(score) AS BIGINT) AS units,
    SUM(CASE WHEN answered THEN 1 ELSE 0 END) AS answered_contacts,
    CAST(SUM(CASE WHEN answered THEN score ELSE 0 END) AS BIGINT) AS answered_units,
    SUM(CASE WHEN answered AND handled_by IN (%(bot)s, %(bot_to_agent)s) THEN 1 ELSE 0 END) AS bot_contacts
FROM {Contact._meta.db_table}
WHERE edition_id = %(edition)s AND status = %(submitted)s AND NOT voided
GROUP BY participant_id, channel
"""  # nosec B608  # our own table name; the values are bound parameters


def _sql(*, tally: str) -> tuple[str, str, str]:
    """The three writing statements, the channels' reading the tally from `tally` (a SELECT)."""
    participant = Participant._meta.db_table
    offered, channel_standing, overall_standing = (
        ParticipantChannel._meta.db_table,
        ChannelStanding._meta.db_table,
        OverallStanding._meta.db_table,
    )
    # Every name in these statements is one of our own tables; every value is a bound parameter.
    # A channel the participant no longer offers has no standing (an overall standing goes with its participant).
    delete_channels = f"""
DELETE FROM {channel_standing} WHERE edition_id = %(edition)s AND NOT EXISTS (
    SELECT 1 FROM {offered} AS offered
    WHERE offered.participant_id = {channel_standing}.participant_id AND offered.channel = {channel_standing}.channel
)
"""  # nosec B608
    # scoring.md §2 and §4: every channel a participant offers, with or without contacts; ranks among the qualified.
    channels = f"""
WITH tally AS ({tally}), scored AS (
    SELECT offered.participant_id, offered.channel,
        COALESCE(tally.contacts, 0) AS contacts,
        COALESCE(tally.units, 0) AS units,
        COALESCE(tally.contacts - tally.answered_contacts, 0) AS unanswered,
        CASE WHEN tally.contacts > 0 THEN (2 * tally.units + tally.contacts) / (2 * tally.contacts) END AS total,
        CASE WHEN tally.answered_contacts > 0
            THEN (2 * tally.answered_units + tally.answered_contacts) / (2 * tally.answered_contacts) END AS answered,
        CASE WHEN offered.channel IN (%(chat)s, %(messenger)s) AND tally.answered_contacts > 0
            THEN (2 * {_UNITS} * tally.bot_contacts + tally.answered_contacts) / (2 * tally.answered_contacts) END
            AS bot_share,
        COALESCE(tally.contacts, 0) >= %(minimum)s AS qualified
    FROM {offered} AS offered
    JOIN {participant} AS participant ON participant.id = offered.participant_id
    LEFT JOIN tally ON tally.participant_id = offered.participant_id AND tally.channel = offered.channel
    WHERE participant.edition_id = %(edition)s
), ranked AS (
    SELECT *, CASE WHEN qualified THEN RANK() OVER (PARTITION BY channel, qualified ORDER BY total DESC) END AS rank
    FROM scored
)
INSERT INTO {channel_standing}
    (edition_id, participant_id, channel, contacts, units, unanswered, total, answered, bot_share, qualified, rank)
SELECT %(edition)s, ranked.participant_id, ranked.channel, ranked.contacts, ranked.units, ranked.unanswered,
    ranked.total, ranked.answered, ranked.bot_share, ranked.qualified, ranked.rank
{_changed(channel_standing, ("participant_id", "channel"), _CHANNEL_COLUMNS)}
"""  # nosec B608
    # scoring.md §3 and §4, from the channel standings just written: every counted contact of the offered channels
    # weighs the same; qualified when every offered channel is; ranked in the class and in the edition.
    overall = f"""
WITH summed AS (
    SELECT participant.id AS participant_id, participant.award_class_id,
        COUNT(standing.id) AS channels,
        COALESCE(SUM(standing.contacts), 0) AS contacts,
        COALESCE(CAST(SUM(standing.units) AS BIGINT), 0) AS units,
        SUM(CASE WHEN standing.qualified THEN 0 ELSE 1 END) AS unqualified
    FROM {participant} AS participant
    LEFT JOIN {channel_standing} AS standing ON standing.participant_id = participant.id
    WHERE participant.edition_id = %(edition)s
    GROUP BY participant.id, participant.award_class_id
), scored AS (
    SELECT participant_id, award_class_id, contacts,
        CASE WHEN channels > 0 AND contacts > 0 THEN (2 * units + contacts) / (2 * contacts) END AS overall,
        channels > 0 AND unqualified = 0 AS qualified
    FROM summed
), ranked AS (
    SELECT *,
        CASE WHEN qualified THEN RANK() OVER (PARTITION BY award_class_id, qualified ORDER BY overall DESC) END
            AS class_rank,
        CASE WHEN qualified THEN RANK() OVER (PARTITION BY qualified ORDER BY overall DESC) END AS edition_rank
    FROM scored
)
INSERT INTO {overall_standing} (edition_id, participant_id, contacts, overall, qualified, class_rank, edition_rank)
SELECT %(edition)s, ranked.participant_id, ranked.contacts, ranked.overall, ranked.qualified, ranked.class_rank,
    ranked.edition_rank
{_changed(overall_standing, ("participant_id",), _OVERALL_COLUMNS)}
"""  # nosec B608
    return delete_channels, channels, overall


def standings_write(*, edition_id: int, min_contacts: int) -> None:
    """Bring the edition's standings to those of its counted contacts now (inside the rescoring's transaction)."""
    parameters: dict[str, int | str] = {
        "edition": edition_id,
        "minimum": min_contacts,
        "submitted": str(ContactStatus.SUBMITTED),
        # The two handlers a chatbot answers as, and the two channels it may answer in (scoring.rules).
        **dict(zip(("bot", "bot_to_agent"), sorted(rules.BOT_HANDLERS), strict=True)),
        **dict(zip(("chat", "messenger"), rules.BOT_CHANNELS, strict=True)),
    }
    if connection.vendor == "postgresql":
        # Prepared on the server, once per connection: planning these statements cost PostgreSQL more than running
        # them at the real award's size. Django's cursors bind on the client, which never prepares, so a cursor of
        # psycopg's own that binds on the server runs them (the same connection, in the same transaction).
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            if not parallel_scan_possible(cursor):
                for statement in _sql(tally=_tally_sql()):
                    cursor.execute(statement, parameters, prepare=True)
                return
            # PostgreSQL runs no part of a writing statement on parallel workers: the tally is a SELECT of its own,
            # read in parallel as the bare GROUP BY is (half the time at a million contacts), and its few hundred
            # rows go back into the writing statements as arrays (which costs some milliseconds: only where the
            # contacts are read in parallel). It is planned each time (a fraction of a millisecond): a generic plan
            # builds its IN list for every contact, 25 % slower at a million.
            cursor.execute(_tally_sql(), parameters, prepare=False)
            columns = list(zip(*cursor.fetchall(), strict=True)) or [() for _column in _TALLY_COLUMNS]
            given = {f"given_{name}": list(column) for name, column in zip(_TALLY_COLUMNS, columns, strict=True)}
            for statement in _sql(tally=_GIVEN_TALLY):
                cursor.execute(statement, {**parameters, **given}, prepare=True)
        return
    with connection.cursor() as cursor:
        for statement in _sql(tally=_tally_sql()):
            cursor.execute(statement, parameters)


def parallel_scan_possible(cursor: Any) -> bool:
    """Whether PostgreSQL may read the contacts by parallel workers: PostgreSQL's own rule for a sequential scan (a
    table of at least min_parallel_table_scan_size, workers allowed)."""
    cursor.execute(
        "SELECT current_setting('max_parallel_workers_per_gather')::int > 0"
        " AND pg_relation_size(%s) >= pg_size_bytes(current_setting('min_parallel_table_scan_size'))",
        [Contact._meta.db_table],
    )
    return bool(cursor.fetchone()[0])
