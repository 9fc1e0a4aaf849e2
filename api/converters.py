"""Path converters of the API: an id or a year too large for a database column is no address at all (404), never an
overflow (a 500 on SQLite)."""

from __future__ import annotations


class Id:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class Year(Id):
    regex = "[0-9]{4}"
