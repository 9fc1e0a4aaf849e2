"""The whole bundle: built, checked against the interim table it must publish, and written."""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from channels_app.bundle.format import (
    CONTACT_COLUMNS,
    CONTACTS_FILE,
    EDITION_FILE,
    PARTICIPANT_COLUMNS,
    PARTICIPANTS_FILE,
    contact_cells,
)
from demo.generate.companies import CLASSES, COMPANIES, MIN_MARGIN, VOIDED_CONTACTS, Company, GenerationError, rng_for
from demo.generate.contacts import Calendar, Contact, draw_channel, draw_contact, make_plans
from demo.generate.edition import (
    CHANNELS,
    CHECKED_AT,
    EDITION_NAME,
    ENDS_ON,
    EXPECTED_INTERIM,
    MIN_CONTACTS,
    QUESTIONNAIRES,
    STARTS_ON,
    YEAR,
)
from demo.generate.steering import assign_refs, comment_for, fill_experience, settle_average, steer_to_plan
from publications.payload import interim_payload
from scoring.results import ChannelTally, EditionResults, Entrant, compute_results

# --------------------------------------------------------------------------- the whole bundle


@dataclass
class Bundle:
    companies: tuple[Company, ...]
    contacts: list[Contact]  # counted and voided, in file order


def build_bundle() -> Bundle:
    """Everything in memory, checked against EXPECTED_INTERIM; raises GenerationError when it does not hold."""
    plans, caps = make_plans()
    calendar = Calendar()
    counted: dict[tuple[str, str], list[Contact]] = {}
    for plan in plans:
        counted[(plan.company.name, plan.channel)] = draw_channel(plan, calendar)

    # A few contacts are voided afterwards (wrong number, a judge recognised...):
    # recorded in full like any other, but they count nowhere.
    rng = rng_for("voided")
    voided = []
    for plan in rng.sample(plans, VOIDED_CONTACTS):
        contact = draw_contact(plan, rng, calendar, answered=rng.random() < 0.8, level=float(plan.target))
        contact.voided = True
        voided.append(contact)

    for plan in plans:
        steer_to_plan(plan, counted[(plan.company.name, plan.channel)], caps[plan.channel])
    for channel in CHANNELS:
        settle_average(channel, [plan for plan in plans if plan.channel == channel], counted, caps[channel])

    contacts = [contact for group in counted.values() for contact in group] + voided
    contacts.sort(key=lambda contact: contact.happened_at)
    assign_refs(contacts)
    rng = rng_for("finish")
    for contact in contacts:
        fill_experience(contact, rng)
        contact.comment = comment_for(contact, rng)

    bundle = Bundle(companies=COMPANIES, contacts=contacts)
    check_interim(bundle)
    return bundle


def edition_results(bundle: Bundle) -> EditionResults:
    """scoring.md §2-§4 over the bundle's counted contacts, by the application's own pure code."""
    entrants = [Entrant(number, c.name, c.class_name, c.channels) for number, c in enumerate(bundle.companies, start=1)]
    ids = {entrant.name: entrant.id for entrant in entrants}
    tallies: dict[tuple[int, str], ChannelTally] = {}
    for contact in bundle.contacts:
        if contact.voided:
            continue
        key = (ids[contact.participant], contact.channel)
        tallies[key] = tallies.get(key, ChannelTally()).add(
            score=contact.score(), answered=contact.answered, handled_by=contact.handled_by
        )
    return compute_results(year=YEAR, classes=CLASSES, entrants=entrants, tallies=tallies, min_contacts=MIN_CONTACTS)


def check_interim(bundle: Bundle) -> None:
    """The promise of this module: the interim table, with top 3 margins that are not razor-thin."""
    results = edition_results(bundle)
    channels = interim_payload(results, published_at=CHECKED_AT)["channels"]
    for channel, (top3, average) in EXPECTED_INTERIM.items():
        got = channels[channel]
        if set(got["top3"]) != top3 or got["average"] != average:
            raise GenerationError(
                f"{channel}: got top3 {got['top3']} average {got['average']}, expected {sorted(top3)} {average}"
            )
        totals = sorted((r.score.total for r in results.in_channel(channel) if r.score.total is not None), reverse=True)
        if totals[2] - totals[3] < MIN_MARGIN:
            raise GenerationError(f"{channel}: third place wins by only {totals[2] - totals[3]}")


# --------------------------------------------------------------------------- writing


def edition_json() -> str:
    """edition.json laid out like the spec's sample: one question per line, easy to read and to diff."""

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for channel in CHANNELS:
        rows = ",\n".join(f"   {dumps(question.as_json())}" for question in QUESTIONNAIRES[channel])
        blocks.append(f"  {dumps(channel)}: [\n{rows}\n  ]")
    lines = [
        "{",
        f' "year": {YEAR},',
        f' "name": {dumps(EDITION_NAME)},',
        f' "starts_on": {dumps(STARTS_ON.isoformat())},',
        f' "ends_on": {dumps(ENDS_ON.isoformat())},',
        f' "min_contacts_per_channel": {MIN_CONTACTS},',
        f' "classes": {dumps(list(CLASSES))},',
        ' "questions": {',
        ",\n".join(blocks),
        " }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def participant_rows(bundle: Bundle) -> list[list[str]]:
    return [list(PARTICIPANT_COLUMNS)] + [[c.name, c.class_name, "|".join(c.channels)] for c in bundle.companies]


def contact_rows(bundle: Bundle) -> list[list[str]]:
    question_columns = [(channel, question) for channel in CHANNELS for question in QUESTIONNAIRES[channel]]
    rows = [[*CONTACT_COLUMNS, *(f"{channel}.{question.key}" for channel, question in question_columns)]]
    for contact in bundle.contacts:
        fixed = {
            "ref": contact.ref,
            "participant": contact.participant,
            "channel": contact.channel,
            "judge": contact.judge,
            "happened_at": contact.happened_at.isoformat(),
            "answered": "true" if contact.answered else "false",
            "wait_seconds": "" if contact.wait_seconds is None else str(contact.wait_seconds),
            "handled_by": contact.handled_by,
            "voided": "true" if contact.voided else "false",
            "comment": contact.comment,
        }
        cells = [str(cell) for cell in contact_cells(fixed)]
        for channel, question in question_columns:
            points = contact.answers.get(question.key) if channel == contact.channel else None
            cells.append("" if points is None else str(points))  # other channels' cells and N/A stay empty
        rows.append(cells)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    # "\n" line ends like the spec's sample files; csv quotes only what needs quoting (RFC 4180).
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def generate_bundle(path: Path) -> None:
    """Create `path` (if needed) and write edition.json, participants.csv and contacts.csv into it."""
    bundle = build_bundle()  # built and checked before anything is written
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / EDITION_FILE).write_text(edition_json(), encoding="utf-8", newline="")
    write_csv(path / PARTICIPANTS_FILE, participant_rows(bundle))
    write_csv(path / CONTACTS_FILE, contact_rows(bundle))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.generate", description="Write the demo edition bundle (Kundeserviceprisen 2021)."
    )
    parser.add_argument("out_dir", type=Path, help="folder to write edition.json, participants.csv and contacts.csv into")
    args = parser.parse_args(argv)
    generate_bundle(args.out_dir)
    print(f"Wrote the {YEAR} demo bundle to {args.out_dir}")
    return 0
