from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from award.commands import edition_of_year
from publications.selectors import publication_latest
from publications.services import publication_verify


class Command(BaseCommand):
    help = "Recompute the edition's latest publication from the contacts and compare digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, year: int, **options: Any) -> None:
        edition_of_year(year)  # a clear error when the year has no edition
        publication = publication_latest(year=year)
        if publication is None:
            raise CommandError(f"Nothing of {year} has been published.")
        report = publication_verify(publication=publication)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("The publication does not verify.")
