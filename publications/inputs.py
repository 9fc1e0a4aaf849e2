"""A publication's frozen inputs, and the reference path: results recomputed contact by contact from the raw answers.

It shares nothing with the database path but the pure rules, so it audits
both the stored contact scores and the GROUP BY that rescoring runs.

`edition_inputs` reads everything the results depend on into plain JSON-able
values; each publication freezes them beside its payload, so that
verify_publication can recompute it from the contacts as they stood when it was
made (scoring.md §6), whatever changed since.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection

from award.models import Edition
from channels_app.models import Answer, Contact, ContactStatus, Question
from publications.payload import canonical_json
from scoring import rules
from scoring.results import ChannelTally, EditionResults, Entrant, compute_results
from scoring.selectors import edition_class_names, edition_entrants


def edition_inputs(*, edition: Edition) -> dict[str, Any]:
    """The counted contacts with their raw answers, the participants, the classes and the minimum."""
    answers: dict[int, list[list[Any]]] = defaultdict(list)
    answer_rows = (
        Answer.objects.filter(contact__edition=edition, contact__in=Contact.objects.counted())
        .order_by("contact_id", "question__channel", "question__position", "question_id")
        .values_list("contact_id", "points", "question__max_points", "question__counts")
    )
    for contact_id, points, max_points, counts in answer_rows.iterator(chunk_size=5000):
        answers[contact_id].append([points, max_points, counts])
    contacts = (
        Contact.objects.counted()
        .filter(edition=edition)
        .order_by("ref")
        .values_list("id", "ref", "participant_id", "channel", "answered", "handled_by")
    )
    return edition_inputs_head(edition=edition) | {
        "contacts": [
            [ref, participant_id, channel, answered, handled_by, answers[contact_id]]
            for contact_id, ref, participant_id, channel, answered, handled_by in contacts.iterator(chunk_size=5000)
        ],
    }


def edition_inputs_head(*, edition: Edition) -> dict[str, Any]:
    """The inputs but their contacts: the year, the minimum, the classes and the participants (by id)."""
    return {
        "year": edition.year,
        "min_contacts_per_channel": edition.min_contacts_per_channel,
        "classes": sorted(edition_class_names(edition=edition)),
        "participants": sorted(
            ([e.id, e.name, e.class_name, list(e.channels)] for e in edition_entrants(edition=edition)), key=lambda row: row[0]
        ),
    }


@dataclass(frozen=True)
class FrozenInputs:
    """An edition's inputs as a publication freezes them: the digest of their canonical JSON, that JSON compressed."""

    digest: str  # "sha256:..." of canonical_json(edition_inputs(edition)), byte for byte
    packed: bytes  # zlib of that canonical JSON
    participants: list[list[Any]]  # the inputs' participants: [id, name, class name, channels], by id


# One encoder for the strings of every contact row: as canonical_json writes them (UTF-8 as is, no white space).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def inputs_freeze(*, edition: Edition) -> FrozenInputs:
    """edition_inputs as canonical JSON, written piece by piece into its digest and its compression.

    Nothing of the size of the edition is held in memory: each contact's answers arrive from the database already
    written as JSON (one short string per contact, scoring.md's order), and each piece of the document is hashed and
    compressed as it is made. At a million contacts the document is some 300 MB; its compressed form a tenth of it.
    """
    inputs = edition_inputs_head(edition=edition)
    digest, compressor, packed = hashlib.sha256(), zlib.compressobj(6), []

    def write(text: str) -> None:
        data = text.encode("utf-8")
        digest.update(data)
        packed.append(compressor.compress(data))

    # canonical_json sorts the keys: classes, contacts, min_contacts_per_channel, participants, year.
    write(f'{{"classes":{canonical_json(inputs["classes"])},"contacts":[')
    for n, piece in enumerate(_contact_rows(edition_id=edition.pk)):
        write(piece if n == 0 else "," + piece)
    write(
        f'],"min_contacts_per_channel":{inputs["min_contacts_per_channel"]},'
        f'"participants":{canonical_json(inputs["participants"])},"year":{inputs["year"]}}}'
    )
    packed.append(compressor.flush())
    return FrozenInputs(digest="sha256:" + digest.hexdigest(), packed=b"".join(packed), participants=inputs["participants"])


def inputs_unpack(packed: bytes) -> str:
    """The canonical JSON a publication's packed inputs hold."""
    return zlib.decompress(packed).decode("utf-8")


def _contact_rows(*, edition_id: int) -> Iterator[str]:
    """Each counted contact, by reference, as edition_inputs writes it: [ref, participant, channel, answered,
    handled by, answers], the answers ([points, max, counts]) in the questionnaire's order, joined by the database."""
    answer, question, contact = Answer._meta.db_table, Question._meta.db_table, Contact._meta.db_table
    piece = (
        "'[' || COALESCE(CAST(a.points AS TEXT), 'null') || ',' || CAST(q.max_points AS TEXT) || ','"
        " || CASE WHEN q.counts THEN 'true' ELSE 'false' END || ']'"
    )
    joined = f"FROM {answer} AS a JOIN {question} AS q ON q.id = a.question_id WHERE a.contact_id = c.id"
    order = "q.channel, q.position, q.id"
    if connection.vendor == "postgresql":
        answers = f"(SELECT string_agg({piece}, ',' ORDER BY {order}) {joined})"
    else:  # SQLite's group_concat keeps the order of the rows it is given, from an ordered subquery
        answers = f"(SELECT group_concat(piece, ',') FROM (SELECT {piece} AS piece {joined} ORDER BY {order}))"  # nosec B608
    sql = (
        f"SELECT c.ref, c.participant_id, c.channel, c.answered, c.handled_by, {answers}"  # nosec B608
        f" FROM {contact} AS c WHERE c.edition_id = %s AND c.status = %s AND NOT c.voided ORDER BY c.ref"
    )
    # Our own table names; the values are bound parameters.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [edition_id, str(ContactStatus.SUBMITTED)])
        while rows := cursor.fetchmany(5000):
            for ref, participant_id, channel, answered, handled_by, answers_json in rows:
                head = _ENCODE([ref, participant_id, channel, bool(answered), handled_by])
                yield f"{head[:-1]},[{answers_json or ''}]]"


def results_from_inputs(inputs: dict[str, Any]) -> EditionResults:
    tallies: dict[tuple[int, str], ChannelTally] = defaultdict(ChannelTally)
    for _ref, participant_id, channel, answered, handled_by, answers in inputs["contacts"]:
        score = rules.contact_score(answered=answered, answers=[rules.AnswerValue(*answer) for answer in answers])
        key = (participant_id, channel)
        tallies[key] = tallies[key].add(score=score, answered=answered, handled_by=handled_by)
    return compute_results(
        year=inputs["year"],
        classes=inputs["classes"],
        entrants=[Entrant(id, name, class_name, tuple(channels)) for id, name, class_name, channels in inputs["participants"]],
        tallies=tallies,
        min_contacts=inputs["min_contacts_per_channel"],
    )


def reference_results(*, edition: Edition) -> EditionResults:
    return results_from_inputs(edition_inputs(edition=edition))
