from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from award.commands import edition_of_year
from publications.models import PublicationKind
from publications.services import PublicationError, publication_create


class Command(BaseCommand):
    help = "Publish an edition's interim or final results and print the digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--interim", action="store_const", const=PublicationKind.INTERIM, dest="kind")
        kind.add_argument("--final", action="store_const", const=PublicationKind.FINAL, dest="kind")

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, year: int, kind: str, **options: Any) -> None:
        edition = edition_of_year(year)
        try:
            publication = publication_create(edition=edition, kind=kind)
        except PublicationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(publication.digest)
