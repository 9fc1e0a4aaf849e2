from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from award.commands import edition_of_year
from channels_app.planning import plan_edition


class Command(BaseCommand):
    help = "Make the edition's contact plan, or make it again after changes, moving as little as possible."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        summary = plan_edition(edition=edition_of_year(year))
        self.stdout.write(
            _(
                "Plan of %(year)s: %(planned)s contacts planned, %(done)s done; %(created)s added, %(removed)s removed, "
                "%(moved)s given another judge, %(second)s second tries added, %(unassigned)s without a judge."
            )
            % {
                "year": year,
                "planned": summary.planned,
                "done": summary.done,
                "created": summary.created,
                "removed": summary.removed,
                "moved": summary.moved,
                "second": summary.second_tries,
                "unassigned": summary.unassigned,
            }
        )
