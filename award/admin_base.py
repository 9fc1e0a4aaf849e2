"""What every organisers' admin page shares: who is an organiser, read-only and service-backed ModelAdmins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from audit.admin import HistoryMixin
from audit.models import Source
from award.models import Edition
from award.selectors import user_is_organiser
from award.services import Invalid

SOURCE = Source.ADMIN


def is_organiser(request: HttpRequest) -> bool:
    """Whether the request's user is an organiser (a superuser counts as one); asked once per request."""
    cached = getattr(request, "_award_is_organiser", None)
    if cached is None:
        cached = user_is_organiser(request.user)
        request._award_is_organiser = cached  # type: ignore[attr-defined]
    return cached


def require_organiser(request: HttpRequest) -> None:
    if not is_organiser(request):
        raise PermissionDenied


def request_user(request: HttpRequest) -> User:
    """The signed-in account of an admin request (the admin sends anyone else to its login page first)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


class ReadOnlyMixin:
    """Pages that only read: every write goes through a service."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class OrganiserOnlyMixin:
    """Only organisers see or do anything here, whatever permissions another group is given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_organiser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class RefusalAsMessageMixin:
    """For admins whose writes are service calls: a refusal the form could not foresee (a race) is a message, not a 500.

    The admin's own transaction around the view is rolled back first.
    """

    def _refused(self, request: HttpRequest, invalid: Invalid) -> None:
        for reasons in invalid.errors.values():
            for reason in reasons:
                self.message_user(request, reason, messages.ERROR)  # type: ignore[attr-defined]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except Invalid as invalid:
            self._refused(request, invalid)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except Invalid as invalid:
            self._refused(request, invalid)
            opts = self.opts  # type: ignore[attr-defined]
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[object_id])  # type: ignore[attr-defined]
            return HttpResponseRedirect(url)


class ServiceAdmin(RefusalAsMessageMixin, HistoryMixin, admin.ModelAdmin):
    """An admin that writes through services only, and shows the objects' ChangeRecords as their history."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass the services' rules and history.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @staticmethod
    def _saved_as(obj: Any, saved: Any) -> None:
        """Let the admin's redirect and log find the row the service wrote."""
        obj.pk = saved.pk
        obj._state.adding = False


# What an app above this one has to say on every page about an edition (publications: the final results are out of
# date). Each returns its notices as HTML, safe; registered in its AppConfig.ready, so that no import goes upwards.
EDITION_NOTICES: list[Callable[[Edition], list[str]]] = []


def edition_page_context(request: HttpRequest, *, edition: Edition, title: str) -> dict[str, Any]:
    """The context of an organiser's page about one edition (overview, publishing), under the edition's breadcrumbs."""
    return {
        **admin.site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": Edition._meta,
        "edition": edition,
        "original": edition,
        "edition_notices": [notice for notices_of in EDITION_NOTICES for notice in notices_of(edition)],
    }
