"""Middleware of the whole site."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

WHOLE_NUMBER = re.compile(r"^\s*-?\d+\s*$")
LARGEST = 2**63 - 1  # the largest integer a database column here holds


class NumbersInRange:
    """A whole number in the query string too large for the database (an id of 10^20 in a filter) is a bad request.

    Answered 400 before any view runs, the same on SQLite (which would raise OverflowError) and PostgreSQL.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for values in request.GET.lists():
            for value in values[1]:
                if WHOLE_NUMBER.match(value) and abs(int(value)) > LARGEST:
                    message = _("A number in this address is too large.")
                    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
