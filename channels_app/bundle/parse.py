"""Parsing the bundle's files into checked values; every bad line, field or cell becomes a Problem.

The limits are the services' own (award.rules, channels_app.rules.question_errors,
channels_app.services.contact_clean): a file is refused for what the admin would refuse.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from award import rules as frame_rules
from award.models import Channel
from channels_app.bundle.files import MAX_FILE_BYTES, csv_rows, header_problems, text_of, too_large
from channels_app.bundle.format import (
    EDITION_FILE,
    PARTICIPANT_COLUMNS,
    PARTICIPANTS_FILE,
    BundleError,
    Problem,
    problems_of,
)
from channels_app.rules import question_errors

# edition.json ------------------------------------------------------------

EDITION_FIELDS = ("year", "name", "starts_on", "ends_on", "min_contacts_per_channel", "classes", "questions")
QUESTION_FIELDS = ("key", "text", "area", "max_points", "counts")
DEFAULT_MIN_CONTACTS = 3  # docs/bundle-format.md: min_contacts_per_channel may be left out
JSON_DEPTH = 4  # what the format needs: the edition, its questions, a channel's list, a question
MAX_JSON_DEPTH = 10


@dataclass
class EditionSpec:
    year: int
    name: str
    starts_on: date
    ends_on: date
    min_contacts_per_channel: int
    classes: list[str]
    questions: dict[str, list[dict[str, Any]]]


def _limits(problems: list[Problem], errors: dict[str, list[str]], *, present: set[str], prefix: str = "") -> None:
    """A rule's refusal of the fields that were given (the missing ones are already problems)."""
    problems += [problem for problem in problems_of(errors, prefix=prefix) if problem.column.removeprefix(prefix) in present]


def parse_edition(content: bytes) -> EditionSpec:
    problems: list[Problem] = []
    if len(content) > MAX_FILE_BYTES[EDITION_FILE]:
        raise BundleError.one(EDITION_FILE, too_large(len(content), MAX_FILE_BYTES[EDITION_FILE]))
    try:
        data = json.loads(text_of(EDITION_FILE, content))
    except json.JSONDecodeError as error:
        raise BundleError.one(EDITION_FILE, _("not valid JSON (%(error)s)") % {"error": error.msg}, line=error.lineno) from None
    except RecursionError:  # deeper than Python's parser goes: far deeper than MAX_JSON_DEPTH
        raise BundleError.one(EDITION_FILE, too_deep()) from None
    except ValueError:  # a whole number longer than Python converts (sys.get_int_max_str_digits)
        digits = sys.get_int_max_str_digits()
        reason = ngettext("a number has more than %(n)s digit", "a number has more than %(n)s digits", digits) % {"n": digits}
        raise BundleError.one(EDITION_FILE, reason) from None
    if found := _structure_problem(data):
        raise BundleError({EDITION_FILE: [found]})
    if not isinstance(data, dict):
        raise BundleError.one(EDITION_FILE, _("the file must hold one JSON object"))

    def bad(label: str, reason: str) -> None:
        problems.append(Problem(None, label, reason))

    def need(where: dict[str, Any], key: str, kind: type, label: str) -> Any:
        """The value of the right type (text stripped and not empty), or None after noting why it is bad."""
        value = where.get(key)
        if value is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            bad(label, _("required, must be a whole number") if kind is int else _("required, must be text"))
            return None
        if kind is str:
            value = value.strip()
            if not value:
                bad(label, _("must not be empty"))
                return None
        return value

    for key in data:
        if key not in EDITION_FIELDS:
            bad(key, _("unknown field"))
    year = need(data, "year", int, "year")
    name = need(data, "name", str, "name")
    dates = {}
    for key in ("starts_on", "ends_on"):
        text = need(data, key, str, key)
        if text is not None:
            try:
                dates[key] = date.fromisoformat(text)
            except ValueError:
                bad(key, _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": text})
    min_contacts = DEFAULT_MIN_CONTACTS
    if data.get("min_contacts_per_channel") is not None:
        min_contacts = need(data, "min_contacts_per_channel", int, "min_contacts_per_channel")
    given = {"year": year, "name": name, **dates, "min_contacts_per_channel": min_contacts}
    present = {key for key, value in given.items() if value is not None}
    # Stand-ins for what is missing, so that the rule still judges what was given.
    errors = frame_rules.edition_errors(
        year=year if year is not None else frame_rules.EDITION_YEARS[0],
        name=name or "-",
        starts_on=dates.get("starts_on") or dates.get("ends_on") or date.min,
        ends_on=dates.get("ends_on") or date.max,
        min_contacts_per_channel=min_contacts if min_contacts is not None else DEFAULT_MIN_CONTACTS,
    )
    _limits(problems, errors, present=present)

    classes: list[str] = []
    raw_classes = data.get("classes")
    if not isinstance(raw_classes, list):
        bad("classes", _("required, must be a list of class names"))
        raw_classes = []
    for i, raw_class in enumerate(raw_classes):
        class_name = need({"c": raw_class}, "c", str, f"classes[{i}]")
        if class_name is None:
            continue
        if reasons := frame_rules.name_errors(class_name):
            problems += [Problem(None, f"classes[{i}]", reason) for reason in reasons]
            continue
        classes.append(class_name)
    problems += [
        Problem(None, "classes", _("“%(name)s” appears more than once") % {"name": name})
        for name, n in Counter(classes).items()
        if n > 1
    ]

    questions = _parse_questions(data.get("questions") or {}, problems)
    if problems:
        raise BundleError({EDITION_FILE: problems})
    return EditionSpec(year, name, dates["starts_on"], dates["ends_on"], min_contacts, classes, questions)


def too_deep() -> str:
    return ngettext(
        "the JSON is nested more than %(n)s level deep (an edition needs %(needed)s)",
        "the JSON is nested more than %(n)s levels deep (an edition needs %(needed)s)",
        MAX_JSON_DEPTH,
    ) % {"n": MAX_JSON_DEPTH, "needed": JSON_DEPTH}


def _structure_problem(data: Any) -> Problem | None:
    """Nesting deeper than MAX_JSON_DEPTH, or a text that is not Unicode (half a surrogate pair, from an escape like \\ud800).

    No database stores such a text; found here, it is a problem that names where it is, whatever the database.
    """
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, label = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                reason = _("“%(escape)s” is half of a surrogate pair, not a character") % {
                    "escape": f"\\u{ord(value[error.start]):04x}"
                }
                return Problem(None, label, reason)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            return Problem(None, "", too_deep())
        if isinstance(value, list):
            stack += [(item, depth + 1, f"{label}[{i}]") for i, item in enumerate(value)]
            continue
        for key, item in value.items():
            # The key is looked at first: a label is made of keys, and must be printable.
            stack += [(item, depth + 1, f"{label}.{key}" if label else key), (key, depth, label)]
    return None


def _parse_questions(raw_questions: Any, problems: list[Problem]) -> dict[str, list[dict[str, Any]]]:
    questions: dict[str, list[dict[str, Any]]] = {}
    if not isinstance(raw_questions, dict):
        problems.append(Problem(None, "questions", _("must be an object of channel -> list of questions")))
        return questions
    for channel, items in raw_questions.items():
        if channel not in Channel.values:
            reason = _("unknown channel (use %(channels)s)") % {"channels": ", ".join(Channel.values)}
            problems.append(Problem(None, f"questions.{channel}", reason))
            continue
        if items is None:
            continue  # docs/bundle-format.md: an empty or missing list means no questionnaire
        if not isinstance(items, list):
            problems.append(Problem(None, f"questions.{channel}", _("must be a list")))
            continue
        keys = Counter(item.get("key") for item in items if isinstance(item, dict) and isinstance(item.get("key"), str))
        parsed = []
        for i, item in enumerate(items):
            label = f"questions.{channel}[{i}]"
            if not isinstance(item, dict):
                problems.append(Problem(None, label, _("must be an object")))
                continue
            problems += [Problem(None, f"{label}.{key}", _("unknown field")) for key in item if key not in QUESTION_FIELDS]
            values: dict[str, Any] = {}
            key: str | None  # a field's name in this loop, the question's own key after it
            for key, kind in (("key", str), ("text", str), ("area", str), ("max_points", int)):
                value = item.get(key)
                if value is None or not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    reason = _("required, must be a whole number") if kind is int else _("required, must be text")
                    problems.append(Problem(None, f"{label}.{key}", reason))
                    continue
                values[key] = value.strip() if isinstance(value, str) else value
            errors = question_errors(
                key=values.get("key", "k"),
                text=values.get("text", "-"),
                area=values.get("area", "-"),
                max_points=values.get("max_points", 1),
            )
            _limits(problems, errors, present=set(values), prefix=f"{label}.")
            key = values.get("key")
            if key is not None and "key" not in errors and keys[key] > 1:
                reason = _("“%(key)s” appears more than once in %(channel)s") % {"key": key, "channel": channel}
                problems.append(Problem(None, f"{label}.key", reason))
            counts = item.get("counts", True)
            if not isinstance(counts, bool):
                problems.append(Problem(None, f"{label}.counts", _("must be true or false")))
            parsed.append(
                {
                    "key": key,
                    "text": values.get("text"),
                    "area": values.get("area"),
                    "max_points": values.get("max_points"),
                    "counts": counts,
                }
            )
        if parsed:
            questions[channel] = parsed
    return questions


# participants.csv --------------------------------------------------------


@dataclass
class ParticipantRow:
    line: int
    name: str
    class_name: str
    channels: list[str]


def parse_participants(
    content: bytes, *, classes: list[str], questionnaire_channels: set[str]
) -> tuple[list[ParticipantRow], list[Problem]]:
    header, rows = csv_rows(PARTICIPANTS_FILE, content)
    problems = header_problems(header, PARTICIPANT_COLUMNS, set(PARTICIPANT_COLUMNS))
    if problems:
        raise BundleError({PARTICIPANTS_FILE: problems})
    parsed: list[ParticipantRow] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row.problem is not None:
            problems.append(row.problem)
            continue
        line, cells = row.line, row.cells
        name, class_name = cells["name"].strip(), cells["class"].strip()
        bad = len(problems)
        if reasons := frame_rules.name_errors(name):
            problems += [Problem(line, "name", reason) for reason in reasons]
        elif name in first_line:
            reason = _("“%(name)s” is already on line %(line)s") % {"name": name, "line": first_line[name]}
            problems.append(Problem(line, "name", reason))
        else:
            first_line[name] = line
        if class_name not in classes:
            reason = _("“%(name)s” is not a class of the edition (%(classes)s)") % {
                "name": class_name,
                "classes": ", ".join(classes),
            }
            problems.append(Problem(line, "class", reason))
        channels = [c.strip() for c in cells["channels"].split("|")] if cells["channels"].strip() else []
        for channel in channels:
            if channel not in Channel.values:
                reason = _("unknown channel “%(channel)s” (use %(channels)s)") % {
                    "channel": channel,
                    "channels": ", ".join(Channel.values),
                }
                problems.append(Problem(line, "channels", reason))
            elif channel not in questionnaire_channels:
                reason = _("%(channel)s has no questionnaire in %(file)s") % {"channel": channel, "file": EDITION_FILE}
                problems.append(Problem(line, "channels", reason))
        for channel, n in Counter(channels).items():
            if n > 1:
                problems.append(Problem(line, "channels", _("%(channel)s appears more than once") % {"channel": channel}))
        if len(problems) == bad:
            parsed.append(ParticipantRow(line, name, class_name, channels))
    return parsed, problems
