"""The contact list's filters: none lists its choices by scanning the contacts, so the page stays fast at 100,000."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import User
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from award.models import AwardClass, Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact
from channels_app.rules import id_or_none


def id_param(value: str | None) -> int | None:
    """A filter's id from the query string; IncorrectLookupParameters (the admin's "invalid filter") for anything else."""
    found = id_or_none(value)
    if value and found is None:
        raise IncorrectLookupParameters(f"not an id: {value!r}")
    return found


class ClassFilter(admin.SimpleListFilter):
    title = gettext_lazy("class")
    parameter_name = "class"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (str(c.pk), f"{c.name} ({c.edition.year})")
            for c in AwardClass.objects.select_related("edition").order_by("-edition__year", "name")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        value = id_param(self.value())
        return queryset.filter(participant__award_class_id=value) if value else queryset


class MonthFilter(admin.SimpleListFilter):
    """The months the editions run; unlike date_hierarchy it never scans the contacts to list them."""

    title = gettext_lazy("month")
    parameter_name = "month"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        bounds = Edition.objects.aggregate(first=Min("starts_on"), last=Max("ends_on"))
        if bounds["first"] is None:
            return []
        months, year, month = [], bounds["first"].year, bounds["first"].month
        while (year, month) <= (bounds["last"].year, bounds["last"].month):
            months.append((f"{year}-{month:02d}", formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months[::-1]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(part) for part in value.split("-"))
            start = timezone.make_aware(datetime(year, month, 1))
            end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        except (ValueError, OverflowError):  # not YYYY-MM, or a month no calendar has (9999-12 ends in the year 10000)
            raise IncorrectLookupParameters(f"not a month: {value!r}") from None
        return queryset.filter(happened_at__gte=start, happened_at__lt=end)


class JudgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("judge")
    parameter_name = "judge"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        judges = User.objects.filter(groups__name=JUDGES).order_by("username")
        return [(str(judge.pk), judge.get_username()) for judge in judges]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        value = id_param(self.value())
        return queryset.filter(judge_id=value) if value else queryset


class ParticipantFilter(admin.SimpleListFilter):
    title = gettext_lazy("participant")
    parameter_name = "participant"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        participants = Participant.objects.select_related("edition").order_by("-edition__year", "name")
        try:
            edition = id_param(request.GET.get("edition__id__exact"))
        except IncorrectLookupParameters:
            edition = None  # the edition filter itself reports it
        if edition:
            participants = participants.filter(edition_id=edition)
        return [(str(p.pk), f"{p.name} ({p.edition.year})") for p in participants]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        value = id_param(self.value())
        return queryset.filter(participant_id=value) if value else queryset
