from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from award.commands import edition_of_year
from channels_app.bundle.export import export_edition


class Command(BaseCommand):
    help = "Write an edition's bundle (edition.json, participants.csv, contacts.csv) to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, year: int, path: Path, **options: Any) -> None:
        edition = edition_of_year(year)
        if path.exists() and not path.is_dir():
            raise CommandError(_("%(path)s is a file: give a folder to write the bundle into.") % {"path": path})
        for written in export_edition(edition=edition, path=path):
            self.stdout.write(str(written))
