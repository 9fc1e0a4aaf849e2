"""Bundles of docs/bundle-format.md written by the tests, from the format's own column list."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from channels_app.bundle.format import CONTACT_COLUMNS


def write_bundle(folder: Path, *, year: int, classes: int, per_class: int) -> Path:
    """A bundle of docs/bundle-format.md with classes x per_class participants in all four channels, 3 contacts each."""
    questions = {
        channel: [
            {"key": "wait", "text": "Wait?", "area": "Answer and waiting time", "max_points": 5, "counts": True},
            {"key": "solution", "text": "Solved?", "area": "Solution", "max_points": 10, "counts": True},
        ]
        for channel in ("phone", "email", "chat", "messenger")
    }
    class_names = [f"Class {n:02d}" for n in range(classes)]
    edition = {
        "year": year,
        "name": f"Customer Service Award {year}",
        "starts_on": f"{year}-01-15",
        "ends_on": f"{year}-04-12",
        "min_contacts_per_channel": 3,
        "classes": class_names,
        "questions": questions,
    }
    folder.mkdir(parents=True)
    (folder / "edition.json").write_text(json.dumps(edition), encoding="utf-8")
    names = [(f"Company {c:02d}-{p:02d}", class_name) for c, class_name in enumerate(class_names) for p in range(per_class)]
    with (folder / "participants.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "class", "channels"])
        writer.writerows([name, class_name, "phone|email|chat|messenger"] for name, class_name in names)
    answer_columns = [f"{channel}.{q['key']}" for channel, qs in questions.items() for q in qs]
    with (folder / "contacts.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*CONTACT_COLUMNS, *answer_columns])
        ref = 0
        for number, (name, _) in enumerate(names):
            for channel in questions:
                for attempt in range(3):
                    ref += 1
                    answers = {f"{channel}.wait": (number + attempt) % 6, f"{channel}.solution": (number * 7 + attempt) % 11}
                    writer.writerow(
                        [
                            f"C{ref:05d}",
                            name,
                            channel,
                            f"judge{attempt + 1}",
                            f"{year}-02-{attempt + 1:02d}T10:00:00+01:00",
                            "true",
                            "60",
                            "agent",
                            "false",
                            "",
                        ]
                        + [answers.get(column, "") for column in answer_columns]
                    )
    return folder
