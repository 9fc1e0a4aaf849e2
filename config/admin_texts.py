"""Texts of Django's admin that its own Norwegian catalogue has only in an older form.

The admin's change form asks for "Please correct the error below." with a plural (Django 5); Django's nb
catalogue holds the two sentences as two plain entries, so the nb banner came out in English. Naming the
plural here puts it in the project's catalogue (locale/), which Django reads first. Never called.
"""

from __future__ import annotations

from django.utils.translation import ngettext


def correct_the_errors(n: int) -> str:
    return ngettext("Please correct the error below.", "Please correct the errors below.", n)
