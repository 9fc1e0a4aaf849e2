"""Standings, for organisers only (judges never see a standing: DESIGN.md)."""

from __future__ import annotations

from django.contrib import admin

from award.admin import ReadOnlyAdmin
from scoring.models import ChannelStanding, OverallStanding, ScoringState


@admin.register(ChannelStanding)
class ChannelStandingAdmin(ReadOnlyAdmin):
    list_display = ["participant", "channel", "contacts", "unanswered", "total", "answered", "qualified", "rank"]
    list_filter = ["edition", "channel", "qualified"]
    list_select_related = ["participant"]


@admin.register(OverallStanding)
class OverallStandingAdmin(ReadOnlyAdmin):
    list_display = ["participant", "contacts", "overall", "qualified", "class_rank", "edition_rank"]
    list_filter = ["edition", "qualified"]
    list_select_related = ["participant"]


@admin.register(ScoringState)
class ScoringStateAdmin(ReadOnlyAdmin):
    list_display = ["edition", "scored_version", "rescored_at", "runs"]
