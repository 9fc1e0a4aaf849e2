"""The bundle's files and columns, and the values that travel through an import: Problem, BundleError, ImportSummary.

No models, so that the demo generator writes the same columns; the texts people read go through gettext.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE = "edition.json", "participants.csv", "contacts.csv"
BUNDLE_FILES = (EDITION_FILE, PARTICIPANTS_FILE, CONTACTS_FILE)
PARTICIPANT_COLUMNS = ("name", "class", "channels")
# docs/bundle-format.md: the fixed columns of contacts.csv (in any order), then one `<channel>.<key>` per question.
CONTACT_COLUMNS = (
    "ref",
    "participant",
    "channel",
    "judge",
    "happened_at",
    "answered",
    "wait_seconds",
    "handled_by",
    "voided",
    "comment",
)


def contact_cells(values: Mapping[str, object]) -> list[object]:
    """The fixed cells of one contacts.csv row in CONTACT_COLUMNS' order, from the values by column name (all of them)."""
    if set(values) != set(CONTACT_COLUMNS):
        raise ValueError(f"a contacts.csv row names {sorted(values)}, not the columns {list(CONTACT_COLUMNS)}")
    return [values[column] for column in CONTACT_COLUMNS]


# Text that a spreadsheet program would run as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_GUARD = "'"


def csv_guard(value: object) -> object:
    """A text cell that a spreadsheet would take for a formula gets a leading apostrophe (shown as text); numbers stay.

    A text that starts with the apostrophe itself gets one more, so that csv_unguard gives every text back as it was.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, CSV_GUARD)):
        return CSV_GUARD + value
    return value


def csv_unguard(cell: str) -> str:
    """The text csv_guard wrote: one leading apostrophe before a formula character or an apostrophe is dropped."""
    if cell.startswith(CSV_GUARD) and cell[1:2] and cell[1:].startswith((*FORMULA_STARTS, CSV_GUARD)):
        return cell[1:]
    return cell


WHOLE_ROW = "(row)"  # the column of a problem with a whole row


@dataclass(frozen=True)
class Problem:
    """One bad thing in one file: where (line, when the file has lines; column or field, when it has one) and why."""

    line: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = _("line %(n)s") % {"n": self.line} if self.line is not None else ""
        column = _("(whole row)") if self.column == WHOLE_ROW else self.column
        return ": ".join(part for part in (where, column, self.reason) if part)


MAX_PROBLEMS = 1000  # a file's problems listed one by one; the rest are counted


class BundleError(Exception):
    """Bad input: `problems` maps a file name to its problems, in the order they were found.

    `omitted` counts, per file, the problems found beyond the first MAX_PROBLEMS (not listed).
    """

    def __init__(self, problems: dict[str, list[Problem]], *, omitted: Mapping[str, int] | None = None) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, found in problems.items() for problem in found))
        self.problems = problems
        self.omitted = dict(omitted or {})

    @classmethod
    def one(cls, name: str, reason: str, *, line: int | None = None, column: str = "") -> BundleError:
        return cls({name: [Problem(line, column, reason)]})

    def all(self) -> list[Problem]:
        return [problem for found in self.problems.values() for problem in found]

    def bad_rows(self) -> int:
        """How many rows of the CSV files are bad (a row with three problems is one), among those listed."""
        return len(
            {(name, p.line) for name, found in self.problems.items() if name.endswith(".csv") for p in found if (p.line or 0) > 1}
        )

    def report(self) -> str:
        """What the commands print: each file's problems, one `line N: column: reason` a line."""
        lines = []
        for name, found in self.problems.items():
            total = len(found) + self.omitted.get(name, 0)
            lines.append(ngettext("%(file)s: %(n)s problem", "%(file)s: %(n)s problems", total) % {"file": name, "n": total})
            lines.extend(str(problem) for problem in found)
            if omitted := self.omitted.get(name, 0):
                lines.append(
                    ngettext("… and %(n)s more problem, not listed", "… and %(n)s more problems, not listed", omitted)
                    % {"n": omitted}
                )
        if rows := self.bad_rows():
            lines.append(ngettext("%(n)s bad row.", "%(n)s bad rows.", rows) % {"n": rows})
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "problems": {name: [[p.line, p.column, p.reason] for p in found] for name, found in self.problems.items()},
            "omitted": self.omitted,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BundleError:
        problems = {
            name: [Problem(line, column, reason) for line, column, reason in found] for name, found in data["problems"].items()
        }
        return cls(problems, omitted=data.get("omitted"))


def problems_of(errors: dict[str, list[str]], *, line: int | None = None, prefix: str = "") -> Iterable[Problem]:
    """A service's refusal ({field: [reasons]}) as problems of one line; `prefix` names where in a JSON file."""
    for column, reasons in errors.items():
        name = WHOLE_ROW if column == "__all__" else f"{prefix}{column}"
        for reason in reasons:
            yield Problem(line, name, reason)


SAMPLE = 200  # how many new and changed contacts a report lists by name (the counts are always whole)


@dataclass
class ContactChange:
    """A contact the file changes: its line, its ref, and {field: [old, new]} as its history will keep it."""

    line: int
    ref: str
    changes: dict[str, list[Any]]


@dataclass
class ImportSummary:
    """What an import did, or a dry run would do: counts, the first SAMPLE new and changed contacts, new judges."""

    counts: Counter[str] = field(default_factory=Counter)
    new_contacts: list[tuple[int, str]] = field(default_factory=list)  # (line, ref)
    changed_contacts: list[ContactChange] = field(default_factory=list)
    new_judges: list[str] = field(default_factory=list)  # usernames of the judge accounts created (or to be)
    dry_run: bool = False

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[f"{kind} {outcome}"] += n

    def count(self, kind: str, outcome: str) -> int:
        """How many of `kind` had this outcome, e.g. count("contacts", "created")."""
        return self.counts[f"{kind} {outcome}"]

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if not key.endswith("unchanged"))

    def report(self) -> str:
        """One line per kind, in the reader's language, e.g. "Contacts: 3 created, 1 changed, 20 unchanged."."""
        if not self.changed and not self.new_judges:
            return _("Nothing changed: the files match what is stored.")
        lines = []
        for kind, label in _kinds():
            parts = [message(kind, n) % {"n": n} for outcome, message in _outcomes() if (n := self.count(kind, outcome))]
            if parts:
                lines.append(_("%(kind)s: %(outcomes)s.") % {"kind": label, "outcomes": ", ".join(parts)})
        if self.new_judges:
            n = len(self.new_judges)
            lines.append(
                ngettext("%(n)s new judge account: %(names)s.", "%(n)s new judge accounts: %(names)s.", n)
                % {"n": n, "names": ", ".join(self.new_judges)}
            )
        return "\n".join(lines)

    def merge(self, other: ImportSummary) -> None:
        """Add another part's summary (a bundle's contacts) to this one."""
        self.counts.update(other.counts)
        self.new_contacts += other.new_contacts
        self.changed_contacts += other.changed_contacts
        self.new_judges += other.new_judges

    def as_json(self) -> dict[str, Any]:
        """A JSON-safe copy (an import job keeps it); from_json reads it back."""
        return {
            "counts": dict(self.counts),
            "new_contacts": [list(item) for item in self.new_contacts],
            "changed_contacts": [[c.line, c.ref, c.changes] for c in self.changed_contacts],
            "new_judges": list(self.new_judges),
            "dry_run": self.dry_run,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportSummary:
        return cls(
            counts=Counter(data.get("counts", {})),
            new_contacts=[(line, ref) for line, ref in data.get("new_contacts", [])],
            changed_contacts=[ContactChange(line, ref, changes) for line, ref, changes in data.get("changed_contacts", [])],
            new_judges=list(data.get("new_judges", [])),
            dry_run=bool(data.get("dry_run", False)),
        )


def _kinds() -> list[tuple[str, str]]:
    return [
        ("edition", _("Edition")),
        ("questions", _("Questions")),
        ("classes", _("Classes")),
        ("participants", _("Participants")),
        ("contacts", _("Contacts")),
    ]


def _outcomes() -> list[tuple[str, Any]]:
    """Each outcome with its message for n things of a kind: ngettext for the plural; "new" also by kind, for the
    gender some languages give it (nb "1 ny kontakt", but "1 nytt spørsmål")."""
    new = {
        "questions": lambda n: npgettext("questions", "%(n)s new", "%(n)s new", n),
        "classes": lambda n: npgettext("classes", "%(n)s new", "%(n)s new", n),
        "participants": lambda n: npgettext("participants", "%(n)s new", "%(n)s new", n),
    }
    return [
        ("created", lambda kind, n: new[kind](n) if kind in new else ngettext("%(n)s new", "%(n)s new", n)),
        ("updated", lambda kind, n: ngettext("%(n)s changed", "%(n)s changed", n)),
        ("changed", lambda kind, n: ngettext("%(n)s changed", "%(n)s changed", n)),
        ("removed", lambda kind, n: ngettext("%(n)s removed", "%(n)s removed", n)),
        ("unchanged", lambda kind, n: ngettext("%(n)s unchanged", "%(n)s unchanged", n)),
    ]
