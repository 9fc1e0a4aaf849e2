"""Middleware of the whole site."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from audit.security import CLIENT_ADDRESS, client_address, request_path, security_event

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
                    if request.path.startswith("/api/"):  # the API answers every error as JSON
                        return JsonResponse({values[0]: [message]}, status=400)
                    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Admin views a refused user may reach without being refused again: the login page they are sent to, and logging out.
ADMIN_OPEN = {"login", "logout"}


class SecurityLog:
    """The security log's part of every request (audit/security.py).

    - The client's address, in a context variable for the services that write log lines but are not given the request
      (a void, a publication): a ContextVar, not a thread-local, so it is right under ASGI too, and reset after
      each request. Nothing else is kept.
    - Every 403 answer, whatever refused it (PermissionDenied in a view or the admin, the CSRF check, a view's own 403).
    - A logged-in user without admin access (a company user) sent from an admin page to the admin's login.

    Placed before CsrfViewMiddleware so that its refusals are seen too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = CLIENT_ADDRESS.set(client_address(request))
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if response.status_code == 403:
                fields = {"method": request.method, "path": request_path(request)}
                security_event("permission.denied", user=user, request=request, level=logging.WARNING, **fields)
            elif self._admin_refused(request):
                security_event("admin.refused", user=user, request=request, level=logging.WARNING, path=request_path(request))
            return response
        finally:
            CLIENT_ADDRESS.reset(token)

    @staticmethod
    def _admin_refused(request: HttpRequest) -> bool:
        match, user = request.resolver_match, getattr(request, "user", None)
        if match is None or match.app_name != "admin" or match.url_name in ADMIN_OPEN:
            return False
        return user is not None and user.is_authenticated and not admin.site.has_permission(request)
