from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from award.commands import edition_of_year
from publications.services import publications_verify


class Command(BaseCommand):
    help = (
        "Verify every publication of the edition, oldest first: its digests, its recomputation from the contacts it "
        "was made from, and the chain that links it to the one before; name the first that fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, year: int, **options: Any) -> None:
        edition = edition_of_year(year)  # a clear error when the year has no edition
        verified = publications_verify(edition=edition)
        if not verified.reports:
            raise CommandError(f"Nothing of {year} has been published.")
        for report in verified.reports:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(f"link:              {report.publication.link}")
            self.stdout.write("")
        if not verified.ok:
            raise CommandError(verified.first_failure())
        count = len(verified.reports)
        self.stdout.write(f"OK: all {count} publications of {year} verify, and their chain holds.")
