"""The season in the admin: the planned contacts (read only), the organisers' season view, the plan's settings, the
judges' capacity, the participants' opening hours and the waiting-time rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.admin_base import OrganiserOnlyMixin, ReadOnlyMixin, edition_page_context, require_organiser
from award.models import Channel, Edition
from channels_app.models import JudgeCapacity, OpeningHours, PlannedContact, PlanSettings, Question, WaitRule
from channels_app.selectors import edition_season
from channels_app.wait_rules import wait_rule_errors
from channels_app.waiting import bands_lines, bands_text, clock_text, limit_text, parse_bands, parse_wait


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


class WaitRuleForm(forms.ModelForm):
    """A channel's waiting-time limit and bands, checked by channels_app.services.wait_rule_errors."""

    limit_seconds = forms.CharField(
        label=capfirst(gettext_lazy("limit")),
        required=False,
        help_text=gettext_lazy("The longest wait, as m:ss or h:mm:ss (phone and chat 5:00, Messenger 30:00)."),
    )
    bands = forms.CharField(
        label=capfirst(gettext_lazy("points bands")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7, "cols": 20}),
        help_text=gettext_lazy(
            "One band a line: the longest wait (m:ss or h:mm:ss) and its points, such as “1:00 5”; longer than the "
            "last band scores 0."
        ),
    )

    class Meta:
        model = WaitRule
        fields = ["edition", "channel", "limit_seconds", "limit_working_days", "question_key", "bands"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["limit_seconds"] = clock_text(self.instance.limit_seconds)
            self.initial["bands"] = bands_lines(self.instance.bands)

    def clean_limit_seconds(self) -> int | None:
        try:
            return parse_wait(self.cleaned_data["limit_seconds"] or "")
        except ValueError:
            raise forms.ValidationError(_("Give the limit as m:ss or h:mm:ss, such as 5:00.")) from None

    def clean_bands(self) -> list[list[int]]:
        try:
            return parse_bands(self.cleaned_data["bands"] or "")
        except ValueError as unreadable:
            raise forms.ValidationError(str(unreadable)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        edition, channel, key = cleaned.get("edition"), cleaned.get("channel"), cleaned.get("question_key") or ""
        if edition is None or channel is None:
            return cleaned
        question = Question.objects.filter(edition=edition, channel=channel, key=key).first() if key else None
        errors = wait_rule_errors(
            channel=channel,
            limit_seconds=cleaned.get("limit_seconds"),
            limit_working_days=cleaned.get("limit_working_days"),
            question=question,
            question_key=key,
            bands=cleaned.get("bands"),
        )
        for name, reasons in errors.items():
            for reason in reasons:
                self.add_error(name, reason)
        return cleaned


@admin.register(WaitRule)
class WaitRuleAdmin(OrganiserOnlyMixin, admin.ModelAdmin):
    """Per edition and channel: the wait past which a contact counts as unanswered, and the bands that score the
    waiting-time question. They apply to contacts entered or changed from then on; logged contacts keep their points."""

    form = WaitRuleForm
    list_display = ["edition", "channel", "limit", "question_key", "bands_shown"]
    list_filter = ["edition", "channel"]
    list_select_related = ["edition"]

    @admin.display(description=gettext_lazy("limit"))
    def limit(self, rule: WaitRule) -> str:
        return limit_text(limit_seconds=rule.limit_seconds, limit_working_days=rule.limit_working_days) or "—"

    @admin.display(description=gettext_lazy("points bands"))
    def bands_shown(self, rule: WaitRule) -> str:
        return bands_text(rule.bands) if rule.bands else "—"


@admin.register(OpeningHours)
class OpeningHoursAdmin(OrganiserOnlyMixin, admin.ModelAdmin):
    """A participant's opening hours where they differ from the testing window; the plan keeps inside both."""

    list_display = ["participant", "opens", "closes"]
    list_select_related = ["participant", "participant__edition"]
    list_filter = ["participant__edition"]
    search_fields = ["participant__name"]
    autocomplete_fields = ["participant"]
