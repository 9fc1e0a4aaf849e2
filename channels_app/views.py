"""The judges' own pages on the site: "My work" (their part of the plan), their contacts, their conflicts of interest."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from audit.models import Source
from award.selectors import current_edition
from channels_app.forms import ConflictForm, ContactFilterForm
from channels_app.models import Contact, JudgeConflict, PlannedContact
from channels_app.selectors import conflicted_contacts, is_judge, judge_contacts, judge_work
from channels_app.services import conflict_declare


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


CONTACTS_PER_PAGE = 50


@never_cache
@login_required
def my_contacts(request: HttpRequest) -> HttpResponse:
    """A judge's own contacts of the current edition, newest entry first, by channel and status; 50 a page."""
    if not is_judge(request.user):
        raise PermissionDenied
    edition = current_edition()
    form = ContactFilterForm(request.GET or None)
    contacts: QuerySet[Contact] = Contact.objects.none()
    if edition is not None:
        contacts = judge_contacts(
            judge=cast(User, request.user),
            edition=edition,
            channel=form.cleaned_data.get("channel", "") if form.is_valid() else "",
            state=form.cleaned_data.get("state", "") if form.is_valid() else "",
        )
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and isinstance(value, str)])
    return render(request, "channels_app/my_contacts.html", {"edition": edition, "form": form, "page": page, "query": query})


@never_cache
@login_required
def my_conflicts(request: HttpRequest) -> HttpResponse:
    """A judge's declared conflicts of interest, and a form to declare one (it names contacts already made)."""
    if not is_judge(request.user):
        raise PermissionDenied
    edition = current_edition()
    judge = cast(User, request.user)  # logged in: login_required
    form = ConflictForm(request.POST or None, edition=edition, judge=judge)
    if request.method == "POST" and form.is_valid():
        participant = form.cleaned_data["participant"]
        conflict_declare(judge=judge, participant=participant, reason=form.cleaned_data["reason"], user=judge, source=Source.SITE)
        earlier = list(conflicted_contacts(judge_id=judge.pk, participant_id=participant.pk).values_list("ref", flat=True))
        messages.success(request, _("Your conflict of interest with %(name)s is declared.") % {"name": participant.name})
        if earlier:
            messages.warning(
                request,
                ngettext(
                    "You already have %(n)s counted contact with %(name)s: %(refs)s. The organisers will review it.",
                    "You already have %(n)s counted contacts with %(name)s: %(refs)s. The organisers will review them.",
                    len(earlier),
                )
                % {"n": len(earlier), "name": participant.name, "refs": ", ".join(earlier)},
            )
        return HttpResponseRedirect(reverse("judging:my_conflicts"))
    conflicts = JudgeConflict.objects.filter(judge=judge).select_related("participant", "participant__edition")
    return render(request, "channels_app/my_conflicts.html", {"form": form, "conflicts": conflicts, "edition": edition})
