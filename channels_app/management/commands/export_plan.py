from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from award.commands import edition_of_year
from channels_app.bundle.format import csv_guard
from channels_app.planning import plan_rows

PLAN_COLUMNS = ("participant", "channel", "judge", "planned_at", "try")


class Command(BaseCommand):
    help = "Write the edition's contact plan as CSV: participant,channel,judge,planned_at,try (one row per planned contact)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, year: int, file: Path, **options: Any) -> None:
        rows = plan_rows(edition=edition_of_year(year))
        with file.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(PLAN_COLUMNS)
            writer.writerows([csv_guard(cell) for cell in row] for row in rows)
        self.stdout.write(_("%(file)s: %(n)s planned contacts.") % {"file": file, "n": len(rows)})
