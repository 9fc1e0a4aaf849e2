"""Standings, for organisers only (judges never see a standing: docs/architecture.md), and an edition's live overview."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from award.admin_base import OrganiserOnlyMixin, ReadOnlyAdmin, edition_page_context, require_organiser
from award.models import Edition
from scoring.models import ChannelStanding, OverallStanding, ScoringState
from scoring.selectors import edition_overview
from scoring.services import standings_refresh


@admin.register(ChannelStanding)
class ChannelStandingAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["participant", "channel", "contacts", "unanswered", "total", "answered", "qualified", "rank"]
    list_filter = ["edition", "channel", "qualified"]
    list_select_related = ["participant"]


@admin.register(OverallStanding)
class OverallStandingAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["participant", "contacts", "overall", "qualified", "class_rank", "edition_rank"]
    list_filter = ["edition", "qualified"]
    list_select_related = ["participant"]


@admin.register(ScoringState)
class ScoringStateAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["edition", "scored_version", "rescored_at", "runs"]

    def get_urls(self) -> list[Any]:
        overview = self.admin_site.admin_view(self.overview_view)
        return [path("edition/<int:edition_id>/overview/", overview, name="scoring_edition_overview"), *super().get_urls()]

    def overview_view(self, request: HttpRequest, edition_id: int) -> HttpResponse:
        """Every participant by class, each channel against the minimum, and the live ranks, brought up to date first."""
        require_organiser(request)
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise Http404
        standings_refresh(edition=edition)
        context = edition_page_context(request, edition=edition, title=_("Overview of %(edition)s") % {"edition": edition})
        context["overview"] = edition_overview(edition=edition)
        return TemplateResponse(request, "admin/scoring/overview.html", context)
