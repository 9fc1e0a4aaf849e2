"""The judges' own pages on the site: "My work", their part of the edition's contact plan."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from award.selectors import current_edition
from channels_app.models import PlannedContact
from channels_app.selectors import is_judge, judge_work


def log_url(entry: PlannedContact) -> str:
    """The contact form, filled in with the entry's participant and channel."""
    query = {"edition": str(entry.edition_id), "channel": entry.channel, "participant": str(entry.participant_id)}
    return reverse("admin:channels_app_contact_add") + "?" + urlencode(query)


@never_cache
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """A judge's planned contacts: due this week, overdue, second tries, and the latest done; judges only."""
    if not is_judge(request.user):
        raise PermissionDenied
    edition = current_edition()
    work = judge_work(judge=request.user, edition=edition, today=timezone.localdate()) if edition else None  # type: ignore[arg-type]
    sections = []
    if work is not None:
        sections = [
            ("due", [(entry, log_url(entry)) for entry in work.due]),
            ("overdue", [(entry, log_url(entry)) for entry in work.overdue]),
            ("second", [(entry, log_url(entry)) for entry in work.second_tries]),
        ]
    return render(request, "channels_app/my_work.html", {"work": work, "sections": sections})
