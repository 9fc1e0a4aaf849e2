"""What the management commands of every app share."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.models import Edition


def edition_of_year(year: int) -> Edition:
    """The edition a command names by its year; a CommandError (exit 1, one line) when there is none."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        raise CommandError(_("No edition %(year)s.") % {"year": year})
    return edition
