"""The judges' workplace: logging contacts; and the organisers' view of every contact (questions and conflicts beside).

A judge sees and edits only their own contacts, until the final publication.
Every write goes through channels_app.services, the same as the import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

import channels_app.admin_conflicts
import channels_app.admin_plan
import channels_app.admin_questions  # noqa: F401  (registers the questionnaires' admin)
from audit.admin import HistoryMixin
from audit.models import Source
from award.admin_base import is_organiser, request_user
from award.models import Channel, Edition
from award.selectors import current_edition
from channels_app.admin_filters import ClassFilter, JudgeFilter, MonthFilter, ParticipantFilter
from channels_app.admin_upload import upload_paths
from channels_app.forms import STATUS_BUTTONS, ChannelChoiceForm, ContactForm, ParticipantAutocomplete, VoidForm
from channels_app.models import Contact, ContactStatus
from channels_app.rules import id_or_none, wait_text
from channels_app.selectors import contact_answer_lines, edition_questionnaire, participants_for_contact, wait_scored_key
from channels_app.services import (
    ContactInvalid,
    closed_message,
    contact_record,
    contact_restore,
    contact_void,
    contacts_locked_for,
    voided_message,
)
from channels_app.texts import contact_saved_text
from scoring.rules import score_text

MAX_PAGE = 10_000  # of the participants' autocomplete: far beyond any edition, far below an overflow


@admin.register(Contact)
class ContactAdmin(HistoryMixin, admin.ModelAdmin):
    form = ContactForm
    change_form_template = "admin/channels_app/contact/change_form.html"
    change_list_template = "admin/channels_app/contact/change_list.html"
    # The important columns first, few enough to fit at 1280 px: whether it counts and its score before the rest.
    list_display = ["ref", "happened_at", "participant", "channel", "state", "shown_score", "judge"]
    list_select_related = ["participant", "judge"]
    search_fields = ["ref", "participant__name", "comment"]
    show_full_result_count = False  # no second COUNT(*) over 100,000 contacts
    list_per_page = 50
    actions = ["void_contacts", "restore_contacts"]
    history_score_fields = ("score",)

    def get_ordering(self, request: HttpRequest) -> Any:
        # A judge's newest entry first, whatever day it happened on (one logged late is not on page 2); an organiser's
        # list by when the contacts happened, on its index.
        return ["-created_at", "-pk"] if not is_organiser(request) else ["-happened_at", "-pk"]

    def get_list_display(self, request: HttpRequest) -> Any:
        # A judge sees only their own contacts: a judge column would always name them.
        columns = list(super().get_list_display(request))
        return columns if is_organiser(request) else [column for column in columns if column != "judge"]

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def state(self, contact: Contact) -> str:
        """Whether it counts, in a word or two: submitted or draft, voided, not answered."""
        parts = [contact.get_status_display()]
        if contact.voided:
            parts.append(_("voided"))
        if not contact.answered:
            parts.append(_("not answered"))
        return " · ".join(str(part) for part in parts)

    @admin.display(description=gettext_lazy("score"), ordering="score")
    def shown_score(self, contact: Contact) -> str:
        """Rounded as published; a draft with open questions has none yet."""
        if contact.status == ContactStatus.DRAFT and contact.unchosen:
            return "—"
        return score_text(contact.score)

    def history_field_label(self, key: str) -> str:
        _channel, dot, question = key.partition(".")
        if dot:  # an answer, recorded as "<channel>.<question key>"
            return _("Points for question %(key)s") % {"key": question}
        return super().history_field_label(key)

    # Who may do what -----------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contact]:
        contacts = super().get_queryset(request)
        # docs/architecture.md: a judge never sees another judge's contacts.
        return contacts if is_organiser(request) else contacts.filter(judge=request_user(request))

    def _own_or_organiser(self, request: HttpRequest, obj: Contact | None) -> bool:
        return obj is None or is_organiser(request) or obj.judge_id == request.user.pk

    def has_view_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        return self._own_or_organiser(request, obj) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        if not (self._own_or_organiser(request, obj) and super().has_change_permission(request, obj)):
            return False
        if obj is not None and obj.voided:
            return False  # read only while voided: an organiser restores it first, with a reason
        return obj is None or not contacts_locked_for(edition=obj.edition, user=request_user(request))

    def has_delete_permission(self, request: HttpRequest, obj: Contact | None = None) -> bool:
        return False  # submitted contacts are voided, never deleted

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        # None of these lists its choices by scanning the contacts: the page stays fast at 100,000.
        filters: list[Any] = ["edition", ClassFilter, ParticipantFilter, "channel"]
        if is_organiser(request):
            filters.append(JudgeFilter)
        return [*filters, MonthFilter, "answered", "handled_by", "status", "voided"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if is_organiser(request) else {}

    # Logging a contact -----------------------------------------------------------------

    def _edition_and_channel(self, request: HttpRequest, obj: Contact | None) -> tuple[Edition | None, str | None]:
        if obj is not None:
            return obj.edition, obj.channel
        edition = Edition.objects.filter(pk=id_or_none(request.GET.get("edition")) or 0).first()
        channel = request.GET.get("channel")
        return edition, channel if channel in Channel.values else None

    def get_form(self, request: HttpRequest, obj: Contact | None = None, change: bool = False, **kwargs: Any) -> Any:
        edition, channel = self._edition_and_channel(request, obj)
        status: str | None = next((status for button, status in STATUS_BUTTONS.items() if button in request.POST), None)
        if status is None:
            status = obj.status if obj is not None else ContactStatus.SUBMITTED
        if edition is None or channel is None:  # add_view and change_view come here only with both (add_view asks first)
            raise ValueError("the contact form needs an edition and a channel")
        autocomplete_url = (
            reverse("admin:channels_app_contact_participants") + "?" + urlencode({"edition": str(edition.pk), "channel": channel})
        )
        attributes = {
            "edition": edition,
            "channel": channel,
            "judge": obj.judge if obj is not None else request_user(request),
            "user": request_user(request),
            "status": status,
            "questionnaire": edition_questionnaire(edition=edition),
            # After the final publication organisers change and add contacts with a reason.
            "locked": edition is not None and edition.is_final,
        }
        kwargs["fields"] = None
        form = cast(type[ContactForm], super().get_form(request, obj, change, **kwargs)).bound(**attributes)
        form.base_fields["participant"].widget = ParticipantAutocomplete(url=autocomplete_url, admin_site=self.admin_site)
        return form

    def get_fieldsets(self, request: HttpRequest, obj: Contact | None = None) -> list[Any]:
        instance_form = self._get_form_for_get_fields(request, obj)()  # type: ignore[attr-defined]  # private, not in the stubs
        main = ["participant", "happened_at", "answered", instance_form.wait_field_name()]
        if "handled_by" in instance_form.fields:
            main.append("handled_by")
        main.append("comment")
        if "reason" in instance_form.fields:
            main.append("reason")
        return [(None, {"fields": main}), *((area, {"fields": fields}) for area, fields in instance_form.areas())]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> HttpResponse:
        edition, channel = self._edition_and_channel(request, None)
        if edition is None or channel is None:
            return self._choose_channel(request)
        if contacts_locked_for(edition=edition, user=request_user(request)):
            messages.error(request, closed_message(edition))
            return self._choose_channel(request)
        if channel not in edition_questionnaire(edition=edition):
            messages.error(
                request,
                _("%(edition)s has no questionnaire for %(channel)s.") % {"edition": edition, "channel": Channel(channel).label},
            )
            return self._choose_channel(request)
        context = {"edition": edition, "channel_label": Channel(channel).label, **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        contact = self.get_object(request, object_id)
        locked = contact is not None and contacts_locked_for(edition=contact.edition, user=request_user(request))
        if contact is not None and (locked or contact.voided) and self.has_view_permission(request, contact):
            return self._closed_view(request, contact, message=closed_message(contact.edition) if locked else voided_message())
        context = dict(extra_context or {})
        if contact is not None:
            context |= {"edition": contact.edition, "channel_label": contact.get_channel_display(), "contact": contact}
        try:
            return super().change_view(request, object_id, form_url, context)
        except ContactInvalid as invalid:
            return self._refused(request, invalid)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ContactInvalid as invalid:
            # A rule the form could not foresee (the final results published meanwhile): said, never a 500.
            return self._refused(request, invalid)

    def _refused(self, request: HttpRequest, invalid: ContactInvalid) -> HttpResponse:
        for reasons in invalid.errors.values():
            for reason in reasons:
                messages.error(request, reason)
        return HttpResponseRedirect(request.get_full_path())

    def _closed_view(self, request: HttpRequest, contact: Contact, *, message: str) -> HttpResponse:
        """A contact that cannot be changed (a judge's after the final publication, or a voided one): read only, and why
        (a POST changes nothing)."""
        if request.method == "POST":
            messages.error(request, message)
            return HttpResponseRedirect(request.path)
        messages.warning(request, message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Contact %(ref)s") % {"ref": contact.ref},
            "contact": contact,
            "original": contact,
            "answers": contact_answer_lines(contact=contact),
            "wait": wait_text(contact.wait_seconds),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/channels_app/contact/closed.html", context)

    def _choose_channel(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        # Submitted by GET to this same page, which then shows the channel's questionnaire.
        form = ChannelChoiceForm(
            user=request_user(request), initial={"edition": current_edition(), "channel": request.GET.get("channel")}
        )
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form, "title": _("Log a contact")}
        return TemplateResponse(request, "admin/channels_app/contact/choose_channel.html", context)

    def save_model(self, request: HttpRequest, obj: Contact, form: ContactForm, change: bool) -> None:
        contact, _outcome = contact_record(
            edition=form.edition,
            data=form.contact_input,
            ref=obj.ref if change else "",
            user=request_user(request),
            source=Source.ADMIN,
            reason=form.cleaned_data.get("reason", ""),
        )
        obj.pk, obj.ref, obj.score, obj.status = contact.pk, contact.ref, contact.score, contact.status
        obj.unchosen, obj.channel, obj.happened_at = contact.unchosen, contact.channel, contact.happened_at
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the answers were written by contact_record

    def _saved_message(self, request: HttpRequest, obj: Contact) -> None:
        scored = wait_scored_key(edition_id=obj.edition_id, channel=obj.channel)
        messages.success(request, contact_saved_text(obj, scored_by_wait=scored))

    def response_add(self, request: HttpRequest, obj: Contact, post_url_continue: str | None = None) -> HttpResponse:
        self._saved_message(request, obj)
        if "_submit_another" in request.POST:
            return HttpResponseRedirect(f"{request.path}?{urlencode({'edition': str(obj.edition_id), 'channel': obj.channel})}")
        return HttpResponseRedirect(reverse("admin:channels_app_contact_change", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Contact) -> HttpResponse:
        self._saved_message(request, obj)
        if "_submit_another" in request.POST:
            url = (
                reverse("admin:channels_app_contact_add")
                + "?"
                + urlencode({"edition": str(obj.edition_id), "channel": obj.channel})
            )
            return HttpResponseRedirect(url)
        return HttpResponseRedirect(reverse("admin:channels_app_contact_change", args=[obj.pk]))

    def log_addition(self, request: HttpRequest, obj: Contact, message: Any) -> Any:
        return None  # the contact's history (ChangeRecord) already says it

    log_change = log_addition

    # Participants for the autocomplete ---------------------------------------------------

    def get_urls(self) -> list[Any]:
        urls = [
            path("participants/", self.admin_site.admin_view(self.participants_view), name="channels_app_contact_participants"),
            *upload_paths(self),
        ]
        return urls + super().get_urls()

    def participants_view(self, request: HttpRequest) -> JsonResponse:
        """select2's JSON: the edition's participants offering the channel, without the judge's conflicts."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        edition = Edition.objects.filter(pk=id_or_none(request.GET.get("edition")) or 0).first()
        if edition is None:
            return JsonResponse({"results": [], "pagination": {"more": False}})
        participants = participants_for_contact(
            edition=edition, channel=request.GET.get("channel", ""), judge=request_user(request)
        )
        term = request.GET.get("term", "").strip()
        if term:
            participants = participants.filter(name__icontains=term)
        page = min(id_or_none(request.GET.get("page")) or 1, MAX_PAGE)
        size = 20
        rows = list(participants.order_by("name").values("pk", "name")[(page - 1) * size : page * size + 1])
        return JsonResponse(
            {
                "results": [{"id": str(row["pk"]), "text": row["name"]} for row in rows[:size]],
                "pagination": {"more": len(rows) > size},
            }
        )

    # The judge's progress -----------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = dict(extra_context or {})
        context["progress"] = self._progress(request)
        context["log_url"] = reverse("admin:channels_app_contact_add")
        context["upload_url"] = reverse("admin:channels_app_contact_upload") if is_organiser(request) else None
        return super().changelist_view(request, context)

    def _progress(self, request: HttpRequest) -> dict[str, Any] | None:
        """The logged-in user's own contacts: this week, per channel, drafts not yet submitted."""
        edition = current_edition()
        if edition is None or is_organiser(request):
            return None  # an organiser's box would say 0: they log no contacts of their own
        own = Contact.objects.filter(edition=edition, judge=request_user(request))
        week_start = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        submitted = Q(status=ContactStatus.SUBMITTED, voided=False)
        totals = own.aggregate(
            this_week=Count("pk", filter=submitted & Q(happened_at__date__gte=week_start)),
            submitted=Count("pk", filter=submitted),
            drafts=Count("pk", filter=Q(status=ContactStatus.DRAFT)),
        )
        per_channel = dict(own.filter(submitted).values_list("channel").annotate(n=Count("pk")).order_by())
        return {
            "edition": edition,
            "channels": [(label, per_channel.get(code, 0)) for code, label in Channel.choices],
            **totals,
        }

    # Voiding -----------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Void the selected contacts, with a reason"))
    def void_contacts(self, request: HttpRequest, contacts: QuerySet[Contact]) -> HttpResponse | None:
        return self._with_reason(
            request,
            contacts.filter(voided=False),
            step=contact_void,
            action="void_contacts",
            title=_("Void contacts"),
            intro=_("Voided contacts stay, with their reason, and count nowhere."),
            button=_("Void them"),
            done=lambda n: ngettext("%(n)s contact voided.", "%(n)s contacts voided.", n) % {"n": n},
        )

    @admin.action(description=gettext_lazy("Restore the selected voided contacts, with a reason"))
    def restore_contacts(self, request: HttpRequest, contacts: QuerySet[Contact]) -> HttpResponse | None:
        if not is_organiser(request):
            raise PermissionDenied
        return self._with_reason(
            request,
            contacts.filter(voided=True),
            step=contact_restore,
            action="restore_contacts",
            title=_("Restore voided contacts"),
            intro=_("A restored contact counts again if it was submitted; the reason is kept in its history."),
            button=_("Restore them"),
            label=_("Reason for restoring"),
            done=lambda n: ngettext("%(n)s contact restored.", "%(n)s contacts restored.", n) % {"n": n},
        )

    def _with_reason(
        self,
        request: HttpRequest,
        contacts: QuerySet[Contact],
        *,
        step: Callable[..., Contact],
        action: str,
        title: str,
        intro: str,
        button: str,
        done: Callable[[int], str],
        label: str = "",
    ) -> HttpResponse | None:
        """An action that asks for a reason first, then runs the service on each contact and says what it did."""
        form = VoidForm(request.POST if "apply" in request.POST else None)
        if label:
            form.fields["reason"].label = label
        if form.is_valid():
            count, refused = 0, []
            for contact in contacts.select_related("edition"):
                try:
                    step(contact=contact, reason=form.cleaned_data["reason"], user=request_user(request), source=Source.ADMIN)
                    count += 1
                except ContactInvalid as invalid:
                    refused.append(f"{contact.ref}: {' '.join(str(r) for rs in invalid.errors.values() for r in rs)}")
            messages.success(request, done(count))
            for line in refused:
                messages.error(request, line)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "contacts": contacts.select_related("participant"),
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/channels_app/contact/void.html", context)
