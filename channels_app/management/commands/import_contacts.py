from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from channels_app.bundle.format import BundleError
from channels_app.bundle.importer import import_contacts
from channels_app.bundle.terminal import terminal_progress


class Command(BaseCommand):
    help = "Import one contacts.csv into an existing edition, all or nothing (the report is in LANGUAGE_CODE's language)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")
        parser.add_argument(
            "--reason", default="", help="Why contacts change after the final publication (kept in their history)."
        )

    def handle(self, *args: Any, year: int, file: Path, dry_run: bool, reason: str, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": file})
        try:
            with terminal_progress(cast(TextIO, self.stderr._out), file.name) as progress:
                summary = import_contacts(year=year, path=file, dry_run=dry_run, reason=reason, progress=progress)
        except BundleError as error:
            self.stderr.write(error.report())
            raise CommandError(_("Nothing was imported.")) from None
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written. The import would do this:"))
        self.stdout.write(summary.report())
