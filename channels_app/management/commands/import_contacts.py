from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from channels_app.bundle.format import BundleError
from channels_app.bundle.importer import import_contacts


class Command(BaseCommand):
    help = "Import one contacts.csv into an existing edition, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument(
            "--reason", default="", help="Why contacts change after the final publication (kept in their history)."
        )

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, year: int, file: Path, dry_run: bool, reason: str, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            summary = import_contacts(year=year, path=file, dry_run=dry_run, reason=reason)
        except BundleError as error:
            self.stderr.write(error.report())
            raise CommandError("Nothing was imported.") from None
        self.stdout.write(("Dry run, nothing written. " if dry_run else "") + summary.report())
