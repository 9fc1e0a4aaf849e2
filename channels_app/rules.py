"""The limits of a contact and a question (docs/bundle-format.md), as plain values and one pure check.

The models, the services, the admin's forms and the bundle import all use these. Plain Python, so the
bundle's format (and the demo generator) can import them without Django set up.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from award.rules import control_character_error

MAX_REF = 64  # a contact's reference
MAX_WAIT_SECONDS = 30 * 24 * 3600  # a month: anything longer is a typing error
MAX_COMMENT = 10_000
# A question's limits (the import and the admin check with question_errors).
MAX_KEY = 64
MAX_TEXT = 500
MAX_AREA = 200
MAX_POINTS = 1000  # far above any questionnaire, far below the database's limit


def question_errors(*, key: str, text: str, area: str, max_points: int) -> dict[str, list[str]]:
    """Every field of a question that breaks a limit, {field: [reasons]} in the reader's language."""
    errors: dict[str, list[str]] = {}
    if not key:
        errors["key"] = [_("required")]
    elif len(key) > MAX_KEY:
        errors["key"] = [_("at most %(n)s characters") % {"n": MAX_KEY}]
    elif reason := control_character_error(key):  # said as such, not as a key of the wrong letters
        errors["key"] = [reason]
    elif not key.isascii() or not all(c.isalnum() or c in "-_" for c in key):
        errors["key"] = [_("%(key)s must be letters, digits, - or _") % {"key": repr(key)}]
    for name, value, longest in (("text", text, MAX_TEXT), ("area", area, MAX_AREA)):
        if not value.strip():
            errors[name] = [_("required")]
        elif len(value) > longest:
            errors[name] = [_("at most %(n)s characters") % {"n": longest}]
        elif reason := control_character_error(value):
            errors[name] = [reason]
    if not 1 <= max_points <= MAX_POINTS:
        errors["max_points"] = [_("must be between %(low)s and %(high)s") % {"low": 1, "high": MAX_POINTS}]
    return errors


def wait_text(seconds: int | None) -> str:
    """A wait as people say it: seconds on the phone, hours or days for an e-mail reply (in the reader's language)."""
    if seconds is None:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)s s") % {"seconds": seconds}


# The reason kept for a contact an imported file voids (the file has no reason column): stored as written here, the
# same in every database, and shown translated (Contact.void_reason_text).
IMPORT_VOID_REASON = gettext_noop("voided in the imported file")


MAX_ID = 2**63 - 1  # the largest id the database can hold


def id_or_none(value: str | None) -> int | None:
    """An id from the query string, or None for anything that is not one (the page then asks again)."""
    if not value or not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        return None
    return int(value)
