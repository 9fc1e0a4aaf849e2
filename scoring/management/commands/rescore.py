from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, no_translations

from award.commands import edition_of_year
from scoring.points import points_backlog_note
from scoring.services import edition_rescore


class Command(BaseCommand):
    help = "Rescore an edition now, in full and synchronously: its standings and every participant's points per question."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, year: int, **options: Any) -> None:
        edition = edition_of_year(year)
        started = time.perf_counter()
        # The repair after anything written behind the services' back (a fix in SQL, a restored table): all of it.
        points_backlog_note(edition_id=edition.pk, participant_ids=None)
        state = edition_rescore(edition_id=edition.pk, force=True)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Rescored {year} at data version {state.scored_version} in {elapsed:.3f} s.")
