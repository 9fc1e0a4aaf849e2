"""SQLite's LIKE made to fold case beyond ASCII, as PostgreSQL's does: "øst" finds "Trafikkontoret Øst".

Django's case-insensitive lookups on SQLite (icontains, istartswith, the admin's search)
rely on LIKE, which SQLite folds for A-Z only. SQLite lets an application supply its own
like(); this one folds case with Python's str.casefold, so that a search gives the same
rows on SQLite and PostgreSQL. It keeps LIKE's meaning: % any run, _ one character, and
the ESCAPE character (Django writes a backslash) before a literal % or _.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=256)
def _pattern(like: str, escape: str | None) -> re.Pattern[str]:
    parts, characters = [], iter(like.casefold())
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern: str | None, value: Any, escape: str | None = None) -> bool | None:
    """SQLite's like(X, Y[, Z]): whether Y matches the pattern X (case folded), with Z as the escape character."""
    if pattern is None or value is None:
        return None
    return _pattern(pattern, escape).fullmatch(str(value).casefold()) is not None


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created's receiver: give each new SQLite connection this like()."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, like, deterministic=True)
    raw.create_function("like", 3, like, deterministic=True)
