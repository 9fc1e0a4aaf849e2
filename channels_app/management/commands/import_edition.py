from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from channels_app.bundle.format import BundleError
from channels_app.bundle.importer import import_edition


class Command(BaseCommand):
    help = "Import an edition bundle (a folder or a .zip with edition.json, participants.csv and optionally contacts.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--reason", default="", help="Why contacts change after the final publication (kept in their history)."
        )

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, path: Path, reason: str, **options: Any) -> None:
        try:
            summary = import_edition(path, reason=reason)
        except BundleError as error:
            self.stderr.write(error.report())
            raise CommandError("Nothing was imported.") from None
        self.stdout.write(summary.report())
