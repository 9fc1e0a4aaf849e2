"""The judges' own pages on the site: "My work" (their part of the plan), their contacts, their conflicts of interest."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from audit.models import Source
from award.models import Channel, Edition
from award.selectors import current_edition
from channels_app.forms import STATUS_BUTTONS, ConflictForm, ContactFilterForm, SiteContactForm
from channels_app.models import Contact, ContactStatus, JudgeConflict, PlannedContact, Question
from channels_app.rules import id_or_none, wait_text
from channels_app.selectors import (
    conflicted_contacts,
    contact_answer_lines,
    edition_questionnaire,
    is_judge,
    judge_contacts,
    judge_drafts,
    judge_work,
)
from channels_app.services import (
    ContactInvalid,
    closed_message,
    conflict_declare,
    contact_record,
    contacts_locked_for,
    voided_message,
)
from channels_app.texts import contact_saved_text


def log_url(entry: PlannedContact) -> str:
    """The contact form, filled in with the entry's participant, channel and slot."""
    return reverse("judging:contact_new") + "?" + urlencode({"plan": str(entry.pk)})


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


def _status_of(request: HttpRequest, contact: Contact | None) -> str:
    """The button pressed: save as draft or submit (a contact keeps its status when neither was)."""
    pressed = next((status for button, status in STATUS_BUTTONS.items() if button in request.POST), None)
    return pressed or (contact.status if contact is not None else ContactStatus.SUBMITTED)


def _first_moment(edition: Edition, entry: PlannedContact | None) -> datetime | None:
    """When a new contact happened, as first shown: now; when today is outside the edition, the planned slot, or
    nothing to correct (the judge gives it)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    if edition.starts_on <= now.date() <= edition.ends_on:
        return now
    return timezone.localtime(entry.planned_at) if entry is not None else None


@never_cache
@login_required
def contact_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A judge logs a contact (from a slot of their plan, or any channel) or changes their own; judges only, and
    another judge's contact is not found. Every check is contact_clean's, as in the admin and the import."""
    if not is_judge(request.user):
        raise PermissionDenied
    judge = cast(User, request.user)  # logged in: login_required
    contact = None
    entry = None
    if pk is not None:
        contact = get_object_or_404(Contact.objects.select_related("edition", "participant"), pk=pk, judge=judge)
        edition, channel = contact.edition, contact.channel
    else:
        current = current_edition()
        if current is None:
            return render(request, "channels_app/contact_closed.html", {"message": _("There is no edition to work on yet.")})
        edition = current
        entry = (
            PlannedContact.objects.filter(pk=id_or_none(request.GET.get("plan")) or 0, edition=edition, judge=judge)
            .select_related("participant")
            .first()
        )
        channel = entry.channel if entry is not None else request.GET.get("channel", "")
        if entry is not None and request.method != "POST":
            draft = (
                judge_drafts(judge=judge, edition=edition).filter(participant_id=entry.participant_id, channel=channel).first()
            )
            if draft is not None:  # one contact for one slot: the draft already begun is where to go on
                messages.info(request, _("You have already begun this contact: here is your draft."))
                return HttpResponseRedirect(reverse("judging:contact", args=[draft.pk]))
    questionnaire = edition_questionnaire(edition=edition)
    locked = contacts_locked_for(edition=edition, user=judge)
    if contact is not None and (locked or contact.voided):
        return _contact_read_only(request, contact, message=closed_message(edition) if locked else voided_message())
    if locked:
        return render(request, "channels_app/contact_closed.html", {"message": closed_message(edition)})
    if channel not in questionnaire:
        return _choose_channel(request, edition, questionnaire, asked=channel)

    form_class = SiteContactForm.bound(
        edition=edition,
        channel=channel,
        judge=judge,
        user=judge,
        status=_status_of(request, contact),
        questionnaire=questionnaire,
        locked=False,  # a judge never gets here after the final publication
    )
    initial = {}
    if entry is not None:
        initial = {"participant": entry.participant_id, "happened_at": _first_moment(edition, entry)}
    elif contact is None:
        initial = {"happened_at": _first_moment(edition, None)}
    form = form_class(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved, _outcome = contact_record(
                edition=edition,
                data=form.contact_input,
                ref=contact.ref if contact is not None else "",
                user=judge,
                source=Source.SITE,
                questionnaire=questionnaire,
            )
        except ContactInvalid as invalid:  # a rule the form could not foresee (the results published meanwhile)
            for reasons in invalid.errors.values():
                for reason in reasons:
                    messages.error(request, reason)
            return HttpResponseRedirect(request.get_full_path())
        scored = form.scored_by_wait.key if form.scored_by_wait is not None else ""
        messages.success(request, contact_saved_text(saved, scored_by_wait=scored))
        if "_submit_another" in request.POST:
            return HttpResponseRedirect(reverse("judging:contact_new") + "?" + urlencode({"channel": channel}))
        if saved.status == ContactStatus.DRAFT:
            return HttpResponseRedirect(reverse("judging:contact", args=[saved.pk]))
        return HttpResponseRedirect(reverse("judging:my_work"))
    context = {
        "form": form,
        "contact": contact,
        "edition": edition,
        "channel_label": Channel(channel).label,
        "entry": entry,
        "blank": request.method != "POST" and contact is None,
    }
    return render(request, "channels_app/contact_form.html", context)


def _choose_channel(
    request: HttpRequest, edition: Edition, questionnaire: dict[str, list[Question]], *, asked: str
) -> HttpResponse:
    """Step one of a contact without a plan slot: the channel (those the edition has a questionnaire for)."""
    channels = [(value, label) for value, label in Channel.choices if value in questionnaire]
    if asked:
        messages.error(request, _("Choose one of the channels below."))
    return render(request, "channels_app/contact_channel.html", {"edition": edition, "channels": channels})


def _contact_read_only(request: HttpRequest, contact: Contact, *, message: str) -> HttpResponse:
    """A contact that can no longer be changed (the edition closed, or voided): what it says, and why; a POST changes
    nothing."""
    if request.method == "POST":
        messages.error(request, message)
        return HttpResponseRedirect(request.path)
    context = {
        "contact": contact,
        "message": message,
        "answers": contact_answer_lines(contact=contact),
        "wait": wait_text(contact.wait_seconds),
    }
    return render(request, "channels_app/contact_read_only.html", context)
