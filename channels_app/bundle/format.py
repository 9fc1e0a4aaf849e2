"""The bundle's files and columns, and the values that travel through an import: Problem, BundleError, ImportSummary.

Plain Python (no Django), so that the demo generator writes the same columns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
IMPORT_VOID_REASON = "voided in the imported file"


def contact_cells(values: Mapping[str, object]) -> list[object]:
    """The fixed cells of one contacts.csv row in CONTACT_COLUMNS' order, from the values by column name (all of them)."""
    if set(values) != set(CONTACT_COLUMNS):
        raise ValueError(f"a contacts.csv row names {sorted(values)}, not the columns {list(CONTACT_COLUMNS)}")
    return [values[column] for column in CONTACT_COLUMNS]


WHOLE_ROW = "(row)"  # the column of a problem with a whole row


@dataclass(frozen=True)
class Problem:
    """One bad thing in one file: where (line, when the file has lines; column or field, when it has one) and why."""

    line: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        parts = [f"line {self.line}" if self.line is not None else "", self.column, self.reason]
        return ": ".join(part for part in parts if part)


class BundleError(Exception):
    """Bad input: `problems` maps a file name to its problems, in the order they were found."""

    def __init__(self, problems: dict[str, list[Problem]]) -> None:
        super().__init__("; ".join(f"{name}: {problem}" for name, found in problems.items() for problem in found))
        self.problems = problems

    @classmethod
    def one(cls, name: str, reason: str, *, line: int | None = None, column: str = "") -> BundleError:
        return cls({name: [Problem(line, column, reason)]})

    def all(self) -> list[Problem]:
        return [problem for found in self.problems.values() for problem in found]

    def report(self) -> str:
        """What the commands print: each file's problems, one `line N: column: reason` a line."""
        lines = []
        for name, found in self.problems.items():
            lines.append(f"{name}: {len(found)} problem(s)")
            lines.extend(str(problem) for problem in found)
        return "\n".join(lines)


def problems_of(errors: dict[str, list[str]], *, line: int | None = None, prefix: str = "") -> Iterable[Problem]:
    """A service's refusal ({field: [reasons]}) as problems of one line; `prefix` names where in a JSON file."""
    for column, reasons in errors.items():
        name = WHOLE_ROW if column == "__all__" else f"{prefix}{column}"
        for reason in reasons:
            yield Problem(line, name, reason)


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[f"{kind} {outcome}"] += n

    def count(self, kind: str, outcome: str) -> int:
        """How many of `kind` had this outcome, e.g. count("contacts", "created")."""
        return self.counts[f"{kind} {outcome}"]

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if not key.endswith("unchanged"))

    def report(self) -> str:
        if not self.changed:
            return "Nothing changed: the files match what is stored."
        return ", ".join(f"{key}: {n}" for key, n in sorted(self.counts.items()) if n)
