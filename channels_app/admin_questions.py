"""Questionnaires in the admin: judges read them; organisers edit them through channels_app.questionnaire."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.admin import HistoryMixin
from audit.models import Source
from award.admin_base import is_organiser, request_user
from channels_app.forms import QuestionForm
from channels_app.models import Question
from channels_app.questionnaire import question_remove, question_upsert

if TYPE_CHECKING:
    pass


@admin.register(Question)
class QuestionAdmin(HistoryMixin, admin.ModelAdmin):
    """Questionnaires: judges read them; organisers edit them through question_upsert."""

    form = QuestionForm
    list_display = ["edition", "channel", "position", "area", "key", "text", "max_points", "counts"]
    list_display_links = ["key", "text"]
    list_filter = ["edition", "channel", "area", "counts"]
    list_select_related = ["edition"]
    ordering = ["-edition__year", "channel", "position", "pk"]
    search_fields = ["key", "text", "area"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request)

    def has_change_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return is_organiser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Question | None = None) -> bool:
        return is_organiser(request) and (obj is None or not obj.answers.exists())

    def get_readonly_fields(self, request: HttpRequest, obj: Question | None = None) -> list[str]:
        return ["edition", "channel", "key"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Question, form: QuestionForm, change: bool) -> None:
        question, _outcome = question_upsert(
            edition=obj.edition,
            channel=obj.channel,
            key=obj.key,
            text=obj.text,
            area=obj.area,
            max_points=obj.max_points,
            counts=obj.counts,
            position=obj.position,
            user=request_user(request),
            source=Source.ADMIN,
        )
        obj.pk = question.pk
        obj._state.adding = False
        if form.rescores:
            messages.warning(
                request,
                _("The scores of %(n)s contacts were recomputed and the edition is being rescored.") % {"n": form.rescores},
            )

    def delete_model(self, request: HttpRequest, obj: Question) -> None:
        question_remove(question=obj, user=request_user(request), source=Source.ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        for question in queryset:
            question_remove(question=question, user=request_user(request), source=Source.ADMIN)

    # question_upsert and question_remove keep the history (audit), not Django's LogEntry.
    def log_addition(self, request: HttpRequest, obj: Question, message: Any) -> Any:
        return None

    log_change = log_addition

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Question]) -> Any:
        return None
