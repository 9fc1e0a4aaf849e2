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

from award.models import Edition
from channels_app.models import Answer, Contact, Question
from publications.payload import canonical_json
from scoring import rules
from scoring.results import ChannelTally, EditionResults, Entrant, compute_results
from scoring.selectors import edition_class_names, edition_entrants

INPUTS_FORMAT = 2  # 1: each answer as [points, max, counts] in the questionnaire's order (publications before 2026-12)


def edition_inputs(*, edition: Edition) -> dict[str, Any]:
    """The counted contacts with their raw answers, the questions, the participants, the classes and the minimum.

    Read from the answers themselves: the reference that inputs_freeze (from each contact's answers_frozen) is held to.
    """
    answers: dict[int, list[list[Any]]] = defaultdict(list)
    answer_rows = (
        Answer.objects.filter(contact__edition=edition, contact__in=Contact.objects.counted())
        .order_by("contact_id", "question_id")
        .values_list("contact_id", "question_id", "points")
    )
    for contact_id, question_id, points in answer_rows.iterator(chunk_size=5000):
        answers[contact_id].append([question_id, points])
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
    """The inputs but their contacts: the format, the year, the minimum, the classes, the questions ([id, max,
    counts], by id) and the participants ([id, name, class name, channels], by id)."""
    return {
        "format": INPUTS_FORMAT,
        "year": edition.year,
        "min_contacts_per_channel": edition.min_contacts_per_channel,
        "classes": sorted(edition_class_names(edition=edition)),
        "questions": [
            list(row) for row in Question.objects.filter(edition=edition).order_by("pk").values_list("pk", "max_points", "counts")
        ],
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

    Nothing of the size of the edition is held in memory, and no answer is read: each contact's answers are kept
    written as canonical JSON on the contact (Contact.answers_frozen, set with its answers), so a million contacts
    are one pass over one table. The document is some 150 MB at a million contacts; compressed, a tenth of it.
    """
    head = edition_inputs_head(edition=edition)
    digest, compressor, packed = hashlib.sha256(), zlib.compressobj(1), []

    def write(text: str) -> None:
        data = text.encode("utf-8")
        digest.update(data)
        packed.append(compressor.compress(data))

    # canonical_json sorts the keys: classes, contacts, format, min_contacts_per_channel, participants, questions, year.
    write(f'{{"classes":{canonical_json(head["classes"])},"contacts":[')
    for n, piece in enumerate(_contact_rows(edition_id=edition.pk)):
        write(piece if n == 0 else "," + piece)
    write(
        f'],"format":{head["format"]},"min_contacts_per_channel":{head["min_contacts_per_channel"]},'
        f'"participants":{canonical_json(head["participants"])},"questions":{canonical_json(head["questions"])},'
        f'"year":{head["year"]}}}'
    )
    packed.append(compressor.flush())
    return FrozenInputs(digest="sha256:" + digest.hexdigest(), packed=b"".join(packed), participants=head["participants"])


def inputs_unpack(packed: bytes) -> str:
    """The canonical JSON a publication's packed inputs hold."""
    return zlib.decompress(packed).decode("utf-8")


def _contact_rows(*, edition_id: int) -> Iterator[str]:
    """Each counted contact, by reference, as edition_inputs writes it: [ref, participant, channel, answered,
    handled by, answers]."""
    counted = Contact.objects.counted().filter(edition_id=edition_id).order_by("ref")
    rows = counted.values_list("ref", "participant_id", "channel", "answered", "handled_by", "answers_frozen")
    for ref, participant_id, channel, answered, handled_by, answers in rows.iterator(chunk_size=5000):
        yield f"{_ENCODE([ref, participant_id, channel, answered, handled_by])[:-1]},{answers}]"


def results_from_inputs(inputs: dict[str, Any]) -> EditionResults:
    """The results from frozen inputs of either format (1: answers with their maximum and counts; 2: by question id)."""
    questions = {question_id: (maximum, counts) for question_id, maximum, counts in inputs.get("questions", [])}

    def answer(values: list[Any]) -> rules.AnswerValue:
        if inputs.get("format", 1) == 1:
            return rules.AnswerValue(*values)
        question_id, points = values
        return rules.AnswerValue(points, *questions[question_id])

    tallies: dict[tuple[int, str], ChannelTally] = defaultdict(ChannelTally)
    for _ref, participant_id, channel, answered, handled_by, answers in inputs["contacts"]:
        score = rules.contact_score(answered=answered, answers=[answer(values) for values in answers])
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
