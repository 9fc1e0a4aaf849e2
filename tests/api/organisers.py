"""What the tests of the organisers' API share: clients as each persona or with a token, and the history they wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import ChangeRecord, Source
from award.accounts.tokens import token_create

API = "/api/v1/organiser"
MISSING = 999_999_999  # an id nobody has


def client_of(user: User | None, language: str = "en") -> APIClient:
    """A client logged in (the browser's session) as the user, or nobody's; reading `language`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def token_client(user: User, scopes: list[str]) -> APIClient:
    """A client with a personal token of the user's with these scopes, and no session."""
    new = token_create(owner=user, name="script", scopes=scopes, source=Source.COMMAND)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    return client


def last_record() -> int:
    """The id of the latest change of the history (0 before the first): what a test's writes come after."""
    return ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def records_since(pk: int) -> list[tuple[str, str, str, dict[str, Any], str, str | None]]:
    """(model, object, action, changes, source, username) of each change written after `pk`, oldest first."""
    return [
        (r.content_type.model, r.object_repr, r.action, r.changes, r.source, r.user.username if r.user else None)
        for r in ChangeRecord.objects.filter(pk__gt=pk).select_related("content_type", "user").order_by("pk")
    ]


def moment(value: datetime | None) -> str | None:
    """A moment as the API writes it: in the site's time zone, with its offset."""
    return timezone.localtime(value).isoformat() if value is not None else None


def page(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A list's one page, as the page-number pagination answers it."""
    return {"count": len(results), "next": None, "previous": None, "results": results}
