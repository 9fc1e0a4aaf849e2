"""Logins, logouts, failed logins and lockouts in the security log (audit/security.py), from Django's and axes' signals.

Connected in AwardConfig.ready, after axes' own receivers, so a failed login is counted before it is logged. The
site's login and the admin's send the same signals; the path tells them apart.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from audit.security import request_path, security_event


def _path(request: HttpRequest | None) -> str:
    return request_path(request) if request is not None and request.path else "-"


def logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    security_event("login", user=user, request=request, path=_path(request))


def logged_out(sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    security_event("logout", user=user, request=request, path=_path(request))


def login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """The username as typed (cut and escaped by the log), never the password: Django's signal has it blanked
    already, and only the username is read here."""
    typed = credentials.get(get_user_model().USERNAME_FIELD)
    security_event("login.failed", user=str(typed or ""), request=request, level=logging.WARNING, path=_path(request))


def locked_out(sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """axes' user_locked_out: sent by the failure that reaches the limit, and again by every login tried while locked
    out (each counted as one more failure, which starts the cool-off again); `failures` is axes' count."""
    security_event(
        "lockout",
        user=str(username or ""),
        request=request,
        level=logging.WARNING,
        path=_path(request),
        failures=getattr(request, "axes_failures_since_start", None),
        limit=settings.AXES_FAILURE_LIMIT,
    )
