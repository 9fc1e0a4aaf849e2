"""Every error of the API as JSON in the client's language: a service's Invalid is a 400 naming each field, as DRF's own
validation errors are; the rest is DRF's own handling (401 with WWW-Authenticate, 403, 404, 405, 429 with
Retry-After)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from award.services import Invalid


def field_errors(errors: dict[str, list[str]], *, renames: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A service's errors as the API names them: `__all__` is non_field_errors, and `renames` maps a service's name
    of a field to the request's."""
    out: dict[str, list[str]] = {}
    for name, reasons in errors.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else (renames or {}).get(name, name)
        out.setdefault(key, []).extend(str(reason) for reason in reasons)
    return out


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Invalid):
        exc = exceptions.ValidationError(field_errors(exc.errors))
    return drf_exception_handler(exc, context)
