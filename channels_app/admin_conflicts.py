"""Declared conflicts of interest in the admin: a judge declares their own; organisers see and manage all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy, ngettext

from audit.admin import HistoryMixin
from audit.models import Source
from award.admin_base import is_organiser, request_user
from award.models import Participant
from award.roles import JUDGES
from channels_app.models import JudgeConflict
from channels_app.selectors import conflicted_contacts, conflicts_with_counted
from channels_app.services import (
    conflict_declare,
    conflict_withdraw,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


@admin.register(JudgeConflict)
class JudgeConflictAdmin(HistoryMixin, admin.ModelAdmin):
    """Declared conflicts of interest: a judge declares their own; organisers see and manage all."""

    list_display = ["judge", "participant", "reason", "declared_at", "counted_contacts"]
    list_select_related = ["judge", "participant", "participant__edition"]
    list_filter = ["participant__edition"]
    search_fields = ["participant__name", "judge__username"]
    autocomplete_fields: ClassVar[list[str]] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet[JudgeConflict]:
        conflicts = conflicts_with_counted(super().get_queryset(request))
        return conflicts if is_organiser(request) else conflicts.filter(judge=request_user(request))

    @admin.display(description=gettext_lazy("counted contacts with it"), ordering="counted")
    def counted_contacts(self, conflict: JudgeConflict) -> str:
        """0, or a link to the contacts to review (void them, or keep them with a reason)."""
        count = getattr(conflict, "counted", 0)
        if not count:
            return "0"
        url = (
            reverse("admin:channels_app_contact_changelist")
            + "?"
            + urlencode({"judge": conflict.judge_id, "participant": conflict.participant_id})
        )
        return format_html('<a href="{}"><strong>{}</strong></a>', url, count)

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = list(super().get_list_display(request))
        return columns if is_organiser(request) else [column for column in columns if column not in ("judge", "counted_contacts")]

    def get_fields(self, request: HttpRequest, obj: JudgeConflict | None = None) -> _FieldGroups:
        return ["judge", "participant", "reason"] if is_organiser(request) else ["participant", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: JudgeConflict | None = None) -> list[str]:
        return ["judge", "participant", "reason"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "participant":
            kwargs["queryset"] = Participant.objects.select_related("edition").order_by("-edition__year", "name")
        if db_field.name == "judge":
            kwargs["queryset"] = User.objects.filter(groups__name=JUDGES).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: JudgeConflict | None = None) -> bool:
        return False  # declared once; withdrawn by an organiser

    def has_delete_permission(self, request: HttpRequest, obj: JudgeConflict | None = None) -> bool:
        return is_organiser(request) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: JudgeConflict, form: Any, change: bool) -> None:
        judge = obj.judge if is_organiser(request) else request_user(request)
        conflict = conflict_declare(
            judge=judge, participant=obj.participant, reason=obj.reason, user=request_user(request), source=Source.ADMIN
        )
        obj.pk, obj.judge = conflict.pk, judge
        earlier = list(conflicted_contacts(judge_id=judge.pk, participant_id=obj.participant_id).values_list("ref", flat=True))
        if earlier:
            messages.warning(
                request,
                ngettext(
                    "%(judge)s already has %(n)s counted contact with %(participant)s: %(refs)s. "
                    "The organisers review it (void it, or keep it with a reason).",
                    "%(judge)s already has %(n)s counted contacts with %(participant)s: %(refs)s. "
                    "The organisers review them (void them, or keep them with a reason).",
                    len(earlier),
                )
                % {
                    "judge": judge.get_username(),
                    "n": len(earlier),
                    "participant": obj.participant.name,
                    "refs": ", ".join(earlier),
                },
            )

    def delete_model(self, request: HttpRequest, obj: JudgeConflict) -> None:
        conflict_withdraw(conflict=obj, user=request_user(request), source=Source.ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[JudgeConflict]) -> None:
        for conflict in queryset:
            conflict_withdraw(conflict=conflict, user=request_user(request), source=Source.ADMIN)
