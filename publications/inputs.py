"""A publication's frozen inputs, and the reference path: results recomputed contact by contact from the raw answers.

It shares nothing with the database path but the pure rules, so it audits
both the stored contact scores and the GROUP BY that rescoring runs.

`edition_inputs` reads everything the results depend on into plain JSON-able
values; each publication freezes them beside its payload, so that
verify_publication can recompute it from the contacts as they stood when it was
made (scoring.md §6), whatever changed since.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from award.models import Edition
from channels_app.models import Answer, Contact
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
    return {
        "year": edition.year,
        "min_contacts_per_channel": edition.min_contacts_per_channel,
        "classes": sorted(edition_class_names(edition=edition)),
        "participants": sorted(
            ([e.id, e.name, e.class_name, list(e.channels)] for e in edition_entrants(edition=edition)), key=lambda row: row[0]
        ),
        "contacts": [
            [ref, participant_id, channel, answered, handled_by, answers[contact_id]]
            for contact_id, ref, participant_id, channel, answered, handled_by in contacts.iterator(chunk_size=5000)
        ],
    }


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
