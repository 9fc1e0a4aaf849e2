from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from channels_app.bundle.format import BundleError
from channels_app.bundle.importer import import_edition
from channels_app.bundle.terminal import terminal_progress


class Command(BaseCommand):
    help = (
        "Import an edition bundle (a folder or a .zip with edition.json, participants.csv and optionally contacts.csv); "
        "the report is in LANGUAGE_CODE's language."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--reason", default="", help="Why contacts change after the final publication (kept in their history)."
        )

    def handle(self, *args: Any, path: Path, reason: str, **options: Any) -> None:
        try:
            with terminal_progress(cast(TextIO, self.stderr._out), path.name) as progress:
                summary = import_edition(path, reason=reason, progress=progress)
        except BundleError as error:
            self.stderr.write(error.report())
            raise CommandError(_("Nothing was imported.")) from None
        self.stdout.write(summary.report())
