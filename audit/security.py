"""The security log: one JSON line per event (a login, a refusal, a publication, a void, a change) on `award.security`.

Every line names the event, the user (their username, or "-"), the client's address ("-" outside a request) and
the time in UTC, then the event's own fields (docs/security.md lists them). Values are never passwords or tokens:
callers pass names, ids, digests and paths only. Every text is cut to a sane length and every character that could
break a line or hide text (controls, line separators, bidirectional overrides) is written as a JSON escape, so a
username typed as "x\\n{...}" cannot forge a line (log injection).

The client's address reaches services, which are not given the request, through CLIENT_ADDRESS, set for each
request by config.middleware.SecurityLog.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("award.security")

NOBODY = "-"
MAX_TEXT = 150  # a username's longest (Django's username field); longer texts are cut and end in "…"
MAX_PATH = 300

# The client address of the request being answered; "-" in commands, tasks and tests without a request.
CLIENT_ADDRESS: ContextVar[str] = ContextVar("client_address", default=NOBODY)


def text(value: object, *, limit: int = MAX_TEXT) -> str:
    """A value as text, cut to `limit` characters (the escaping happens when the line is written)."""
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def username(user: AbstractBaseUser | AnonymousUser | None) -> str:
    if user is None or not user.is_authenticated:
        return NOBODY
    return text(user.get_username())


def client_address(request: HttpRequest | None) -> str:
    """The client's address as the lockouts count it (django-axes: REMOTE_ADDR unless configured otherwise)."""
    if request is None:
        return CLIENT_ADDRESS.get()
    return text(get_client_ip_address(request) or NOBODY, limit=64)


def request_path(request: HttpRequest) -> str:
    """The path without its query string, with a password-reset or invitation token in it blanked out."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if token:
        path = path.replace(str(token), "********")
    return text(path, limit=MAX_PATH)


def _escape(character: str) -> str:
    code = ord(character)
    if code > 0xFFFF:  # JSON escapes a character past the BMP as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def line_of(fields: dict[str, Any]) -> str:
    """One JSON object on one line; whatever is not printable is a JSON escape (json.loads gives the text back)."""
    raw = json.dumps(fields, ensure_ascii=False, default=str)
    # json.dumps already escapes quotes, backslashes and C0 controls; the rest can only be inside strings.
    return "".join(character if character.isprintable() else _escape(character) for character in raw)


def _fields(event: str, user: str, ip: str, details: dict[str, Any]) -> dict[str, Any]:
    moment = timezone.now().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    cut = {key: text(value, limit=MAX_PATH) if isinstance(value, str) else value for key, value in details.items()}
    return {"time": moment, "event": event, "user": user, "ip": ip, **cut}


def security_event(
    event: str,
    *,
    user: AbstractBaseUser | AnonymousUser | str | None = None,
    request: HttpRequest | None = None,
    level: int = logging.INFO,
    **details: Any,
) -> None:
    """Write one line now. `user` is the acting account, or the username as typed (a failed login), or None."""
    name = (text(user) or NOBODY) if isinstance(user, str) else username(user)
    logger.log(level, "%s", line_of(_fields(event, name, client_address(request), details)))


@dataclass(frozen=True)
class PendingLine:
    """A line waiting for its transaction to commit (a commit callback that tests can tell from a rescoring)."""

    level: int
    line: str

    def __call__(self) -> None:
        logger.log(self.level, "%s", self.line)


def security_event_on_commit(
    event: str, *, user: AbstractBaseUser | AnonymousUser | None = None, level: int = logging.INFO, **details: Any
) -> None:
    """Write one line when the transaction commits, for a service's write: nothing is logged for one rolled back
    (Django drops the callbacks of a rolled-back savepoint too). The user, address and time are taken now."""
    transaction.on_commit(PendingLine(level, line_of(_fields(event, username(user), client_address(None), details))))
