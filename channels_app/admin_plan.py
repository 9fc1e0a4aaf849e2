"""The contact plan in the admin: the planned contacts (read only) and the organisers' season view of an edition."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from award.admin_base import OrganiserOnlyMixin, ReadOnlyMixin, edition_page_context, require_organiser
from award.models import Channel, Edition
from channels_app.models import JudgeCapacity, PlannedContact, PlanSettings
from channels_app.selectors import edition_season


@admin.register(PlannedContact)
class PlannedContactAdmin(OrganiserOnlyMixin, ReadOnlyMixin, admin.ModelAdmin):
    """The plan as made by `plan` (channels_app.planning): read only; it is made again, never edited by hand."""

    list_display = ["planned_at", "participant", "channel", "judge", "attempt", "contact"]
    list_select_related = ["participant", "judge", "contact"]
    list_filter = ["edition", "channel", "attempt"]
    search_fields = ["participant__name", "judge__username"]
    show_full_result_count = False

    def get_urls(self) -> list[Any]:
        season = self.admin_site.admin_view(self.season_view)
        return [path("edition/<int:edition_id>/season/", season, name="channels_app_edition_season"), *super().get_urls()]

    def season_view(self, request: HttpRequest, edition_id: int) -> HttpResponse:
        """Done against planned per participant and channel, judges behind, who would end short, drafts waiting."""
        require_organiser(request)
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise Http404
        context = edition_page_context(request, edition=edition, title=_("The season of %(edition)s") % {"edition": edition})
        season = edition_season(edition=edition, now=timezone.now())
        labels = dict(Channel.choices)
        context |= {
            "season": season,
            "channel_labels": [(channel, labels[channel]) for channel in season.channels],
            "rows": [(row, [row.cells.get(channel) for channel in season.channels]) for row in season.rows],
        }
        return TemplateResponse(request, "admin/channels_app/season.html", context)


@admin.register(JudgeCapacity)
class JudgeCapacityAdmin(OrganiserOnlyMixin, admin.ModelAdmin):
    """How many contacts a judge can make a week; the plan respects it the next time it is made (`plan YEAR`)."""

    list_display = ["judge", "edition", "per_week"]
    list_filter = ["edition"]
    list_select_related = ["judge", "edition"]


class PlanSettingsForm(forms.ModelForm):
    """The key's shares are whole numbers of 0 or more for known channels; the days without testing are dates."""

    class Meta:
        model = PlanSettings
        fields = ["edition", "contacts_per_participant", "key", "window_opens", "window_closes", "max_judge_share", "closed_days"]

    def clean_key(self) -> dict[str, int]:
        key = self.cleaned_data["key"]
        if not isinstance(key, dict) or not key:
            raise forms.ValidationError(_('Give a share for each channel, e.g. {"phone": 10, "email": 8}.'))
        for channel, share in key.items():
            if channel not in Channel.values:
                raise forms.ValidationError(
                    _("“%(channel)s” is not a channel (use %(channels)s).")
                    % {"channel": channel, "channels": ", ".join(Channel.values)}
                )
            if not isinstance(share, int) or isinstance(share, bool) or share < 0:
                raise forms.ValidationError(
                    _("The share of %(channel)s must be a whole number of 0 or more.") % {"channel": channel}
                )
        return key

    def clean_closed_days(self) -> list[str]:
        days = self.cleaned_data["closed_days"] or []
        if not isinstance(days, list):
            raise forms.ValidationError(_('Give a list of dates, e.g. ["2021-04-01", "2021-04-02"].'))
        for day in days:
            try:
                date.fromisoformat(str(day))
            except ValueError:
                raise forms.ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": day}) from None
        return [str(day) for day in days]


@admin.register(PlanSettings)
class PlanSettingsAdmin(OrganiserOnlyMixin, admin.ModelAdmin):
    """An edition's plan settings; the plan follows them the next time it is made (`plan YEAR`)."""

    form = PlanSettingsForm
    list_display = ["edition", "contacts_per_participant", "window_opens", "window_closes", "max_judge_share"]
