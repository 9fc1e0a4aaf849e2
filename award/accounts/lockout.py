"""The answer a locked-out login gets (django-axes calls locked_out): in the reader's language, with Retry-After; a page
on the site and in the admin, JSON in the API (its token endpoint logs in too)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

API_PREFIX = "/api/"


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """429: too many failed logins for this account or from this address; try again after the cool-off."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    limit = settings.AXES_FAILURE_LIMIT
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        message = ngettext(
            "Logging in is locked for this account or from this address after %(limit)s failed attempts. "
            "Try again in %(n)s minute.",
            "Logging in is locked for this account or from this address after %(limit)s failed attempts. "
            "Try again in %(n)s minutes.",
            minutes,
        ) % {"limit": limit, "n": minutes}
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"minutes": minutes, "limit": limit}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
