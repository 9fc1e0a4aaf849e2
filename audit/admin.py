"""The history pages: an object's "History" in the admin, from its ChangeRecords, and the organisers' list of every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import ChangeRecord
from audit.selectors import history_of
from scoring.rules import score_text

HISTORY_PAGE_SIZE = 100

# Keys the services record that are not model fields of the subject.
COMMON_LABELS = {
    "class": gettext_lazy("class"),
    "channels": gettext_lazy("channels"),
    "role": gettext_lazy("role"),
    "user": gettext_lazy("user"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryLine:
    record: ChangeRecord
    changes: list[FieldChange]


def _shown(value: Any) -> str:
    """A recorded value as a person reads it (records hold JSON: text, numbers, booleans, lists, null)."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return str(value)


def _moment(value: str) -> str:
    """A recorded time (ISO 8601, kept in UTC) in the reader's time zone and format, as the rest of the page shows times."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        return value
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class HistoryMixin:
    """For a ModelAdmin: its History page lists the object's ChangeRecords (audit.services), not Django's LogEntries.

    Each record shows when, who, from where (admin, import, command, api), the
    action and every field from its old value to its new one. Two queries a
    page (the count and the records with their users), however long the history.
    Set `history_labels` to name keys that are not fields of the model.
    """

    history_template = "admin/history_records.html"
    history_labels: dict[str, Any] = {}
    history_score_fields: tuple[str, ...] = ()  # shown as published scores are (scoring.rules.score_text)

    def history_field_label(self, key: str) -> str:
        labels = COMMON_LABELS | self.history_labels
        if key in labels:
            return capfirst(str(labels[key]))
        try:
            return capfirst(str(self.model._meta.get_field(key).verbose_name))  # type: ignore[attr-defined]
        except FieldDoesNotExist:
            return key

    def history_field_value(self, key: str, value: Any) -> str:
        """A recorded value as a person reads it: a choice by its label, a number localised, the rest as recorded."""
        try:
            model_field = self.model._meta.get_field(key)  # type: ignore[attr-defined]
        except FieldDoesNotExist:
            return _shown(value)
        if model_field.choices and isinstance(value, str):
            return str(dict(model_field.flatchoices).get(value, value))
        if key in self.history_score_fields and isinstance(value, str | int):
            return score_text(Decimal(value))
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            return _moment(value)
        return _shown(value)

    def history_lines(self, records: list[ChangeRecord]) -> list[HistoryLine]:
        return [
            HistoryLine(
                record=record,
                changes=[
                    FieldChange(
                        self.history_field_label(key),
                        self.history_field_value(key, change[0]),
                        self.history_field_value(key, change[1]),
                    )
                    # Sorted: PostgreSQL's jsonb does not keep the order the keys were written in.
                    for key, change in sorted((record.changes or {}).items())
                    if isinstance(change, list | tuple) and len(change) == 2
                ],
            )
            for record in records
        ]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        model: type[models.Model] = self.model  # type: ignore[attr-defined]
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, model._meta, object_id)  # type: ignore[attr-defined]
        if not self.has_view_or_change_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied

        paginator = self.get_paginator(request, history_of(obj).order_by("-at", "-pk"), HISTORY_PAGE_SIZE)  # type: ignore[attr-defined]
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        opts = model._meta
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "lines": self.history_lines(list(page.object_list)),
            "page_obj": page,
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > HISTORY_PAGE_SIZE,
            "module_name": str(capfirst(opts.verbose_name_plural)),
            "object": obj,
            "opts": opts,
            "preserved_filters": self.get_preserved_filters(request),  # type: ignore[attr-defined]
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        return TemplateResponse(request, self.history_template, context)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Every change, read only. Only organisers hold audit.view_changerecord (award.roles)."""

    list_display = ["at", "object_repr", "action", "source", "user"]
    list_filter = ["source", "action", "content_type"]
    list_select_related = ["user", "content_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False
