"""How lists are cut into pages: contacts (and other lists that grow all season) by cursor, which stays right while
judges add contacts between two pages; short lists by page number."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination


class NewestFirst(CursorPagination):
    """Newest first by id; `?cursor=` from the previous page's `next`."""

    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ByPosition(CursorPagination):
    """In id order (the order things were made); for long lists read front to back, such as the plan."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
