"""The limits of the year's frame as pure functions: the services and the bundle import check with these.

Each returns {field: [reasons]} in the reader's language, empty when all is well.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.utils.translation import gettext as _

EDITION_YEARS = (1900, 9999)
MAX_NAME = 200  # an edition's, a class's and a participant's name
MAX_MIN_CONTACTS = 1000


def control_character_error(text: str) -> str:
    """Why a one-line text is refused for a control character (Unicode's Cc: NUL, a line break, a tab, ...), or ''.

    Such a character breaks what the text is shown in (an e-mail's subject, a CSV cell, a page's title), and
    PostgreSQL stores no NUL at all: a name or a question is refused with it the same way on every database.
    """
    found = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if found is None:
        return ""
    named = {"\n": _("a line break"), "\r": _("a line break"), "\t": _("a tab"), "\x00": _("a NUL character")}
    return _("must not contain control characters such as a line break or a tab (found %(character)s)") % {
        "character": named.get(found, f"U+{ord(found):04X}")
    }


def name_errors(name: str) -> list[str]:
    """A name of an edition, a class or a participant: required, at most MAX_NAME characters, on one line."""
    if not name.strip():
        return [_("required")]
    if len(name) > MAX_NAME:
        return [_("at most %(n)s characters") % {"n": MAX_NAME}]
    if reason := control_character_error(name):
        return [reason]
    return []


def edition_errors(
    *, year: int, name: str, starts_on: date, ends_on: date, min_contacts_per_channel: int
) -> dict[str, list[str]]:
    """Every field of an edition that breaks a limit of its own (the contacts' dates are the service's to check)."""
    errors: dict[str, list[str]] = {}
    low, high = EDITION_YEARS
    if not low <= year <= high:
        errors["year"] = [_("must be between %(low)s and %(high)s") % {"low": low, "high": high}]
    if reasons := name_errors(name):
        errors["name"] = reasons
    if ends_on < starts_on:
        errors["ends_on"] = [_("must not be before the start (%(start)s)") % {"start": starts_on.isoformat()}]
    if not 1 <= min_contacts_per_channel <= MAX_MIN_CONTACTS:
        errors["min_contacts_per_channel"] = [_("must be between %(low)s and %(high)s") % {"low": 1, "high": MAX_MIN_CONTACTS}]
    return errors
