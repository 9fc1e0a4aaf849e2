"""How lists are cut into pages: contacts (and other lists that grow all season) by cursor, which stays right while
judges add contacts between two pages; short lists by page number.

A cursor, page or page size that is not a valid value is a 400 naming it (never a 404, a silent default or, for a
cursor made up by hand, a 500): a cursor's position must be an id, as every list here is in id order."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request

WHOLE = re.compile(r"[0-9]{1,18}")  # at most 18 digits, as the id converter: never too large for a database column


def _whole(value: str | None) -> bool:
    return value is not None and WHOLE.fullmatch(value) is not None and int(value) >= 1


def _check_page_size(request: Request, name: str | None) -> None:
    """A page size asked for must be a whole number from 1 up (one above the most gives the most, as DRF has it)."""
    if name and name in request.query_params and not _whole(request.query_params[name]):
        raise ValidationError({name: [_("must be a whole number of at least 1")]})


class CheckedCursor(CursorPagination):
    def get_page_size(self, request: Request) -> int | None:
        _check_page_size(request, self.page_size_query_param)
        return super().get_page_size(request)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
        else:
            if cursor is None or cursor.position is None or _whole(str(cursor.position)):
                return cursor
        message = _("not a cursor of this list: follow the next or previous link of a page")
        raise ValidationError({self.cursor_query_param: [message]})


class NewestFirst(CheckedCursor):
    """Newest first by id; `?cursor=` from the previous page's `next`."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ByPosition(CheckedCursor):
    """In id order (the order things were made); for long lists read front to back, such as the plan."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        _check_page_size(request, self.page_size_query_param)
        return super().get_page_size(request)

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not _whole(page):
            raise ValidationError({self.page_query_param: [_("must be a whole number of at least 1, or “last”")]})
        return super().get_page_number(request, paginator)  # past the last page: DRF's 404, no such page
