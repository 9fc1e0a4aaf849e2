"""The organisers' workplace in the admin: editions, classes, participants and memberships.

Every write goes through award.services (rules, history, data versions), so a
rule is written once: the forms check with the same helper the service uses
and show a refusal next to its field; the admin only calls the service.
The edition's overview (scoring.admin) and publishing (publications.admin) are
linked from here by URL name.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import award.accounts.admin  # noqa: F401  (registers the accounts' admin)
from award.accounts.forms import MembershipForm
from award.accounts.services import membership_create, membership_delete, membership_invite
from award.admin_base import SOURCE, OrganiserOnlyMixin, ServiceAdmin, is_organiser, request_user, require_organiser
from award.forms import AwardClassForm, EditionForm, ParticipantForm
from award.models import AwardClass, Edition, Membership, Participant, ParticipantQuerySet
from award.services import (
    Invalid,
    class_ensure,
    class_remove,
    class_rename,
    edition_upsert,
    participant_remove,
    participant_rename,
    participant_upsert,
)
from award.signals import edition_opened

# Editions ------------------------------------------------------------------


@admin.register(Edition)
class EditionAdmin(OrganiserOnlyMixin, ServiceAdmin):
    form = EditionForm
    # Its pages (overview, publishing) next to its name, not off to the right.
    list_display = ["year", "name", "tools", "starts_on", "ends_on"]
    fields = ["year", "name", "starts_on", "ends_on", "min_contacts_per_channel", "publish_rankings"]

    def get_readonly_fields(self, request: HttpRequest, obj: Edition | None = None) -> list[str]:
        # The year is the edition's public key (scoring.md): it never changes.
        return ["year"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("pages"))
    def tools(self, edition: Edition) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:scoring_edition_overview", args=[edition.pk]),
            gettext("Overview"),
            reverse("admin:publications_edition_publish", args=[edition.pk, "interim"]),
            gettext("Publish interim"),
            reverse("admin:publications_edition_publish", args=[edition.pk, "final"]),
            gettext("Publish final"),
        )

    def save_model(self, request: HttpRequest, obj: Edition, form: EditionForm, change: bool) -> None:
        data = form.cleaned_data
        edition, _changed = edition_upsert(
            year=obj.year if change else data["year"],
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            min_contacts_per_channel=data["min_contacts_per_channel"],
            publish_rankings=data["publish_rankings"],
            user=request_user(request),
            source=SOURCE,
        )
        if not change:
            edition_opened.send(sender=Edition, edition=edition)
        self._saved_as(obj, edition)


# Classes and participants ------------------------------------------------------


@admin.register(AwardClass)
class AwardClassAdmin(OrganiserOnlyMixin, ServiceAdmin):
    form = AwardClassForm
    list_display = ["name", "edition", "participant_count"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["name"]
    fields = ["edition", "name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AwardClass]:
        return super().get_queryset(request).annotate(participant_count=Count("participants"))

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, award_class: AwardClass) -> int:
        return award_class.participant_count  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: AwardClass | None = None) -> list[str]:
        return ["edition"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: AwardClass, form: AwardClassForm, change: bool) -> None:
        name = form.cleaned_data["name"]
        if change:
            saved = class_rename(award_class=obj, name=name, user=request_user(request), source=SOURCE)
        else:
            saved, _created = class_ensure(
                edition=form.cleaned_data["edition"], name=name, user=request_user(request), source=SOURCE
            )
        self._saved_as(obj, saved)

    def delete_model(self, request: HttpRequest, obj: AwardClass) -> None:
        class_remove(award_class=obj, user=request_user(request), source=SOURCE)


@admin.register(Participant)
class ParticipantAdmin(ServiceAdmin):
    """Organisers' pages. Judges may be given view permission (autocomplete in the contact form), never these pages."""

    form = ParticipantForm
    list_display = ["name", "award_class", "edition", "channel_list"]
    list_filter = ["edition", "award_class"]
    list_select_related = ["award_class", "edition"]
    search_fields = ["name"]
    fields = ["edition", "name", "award_class", "channels"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participant]:
        # The model's default manager: a ParticipantQuerySet (ModelAdmin is not generic at run time).
        return cast("ParticipantQuerySet", super().get_queryset(request)).with_channels()

    @admin.display(description=_("channels"))
    def channel_list(self, participant: Participant) -> str:
        return ", ".join(participant.channels)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request) and super().has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_delete_permission(request, obj)

    # has_view_permission stays the group's: the autocomplete asks it; the pages ask is_organiser.
    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        require_organiser(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        require_organiser(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        require_organiser(request)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        require_organiser(request)
        return super().delete_view(request, object_id, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Participant | None = None) -> list[str]:
        # A participant is enrolled in one edition (its name is unique there): it never moves.
        return ["edition"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Participant, form: ParticipantForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            edition = obj.edition
            participant_rename(participant=obj, name=data["name"], user=request_user(request), source=SOURCE)
        else:
            edition = data["edition"]
        saved, _outcome = participant_upsert(
            edition=edition,
            name=data["name"],
            award_class=data["award_class"],
            channels=data["channels"],
            user=request_user(request),
            source=SOURCE,
        )
        self._saved_as(obj, saved)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], list[Any]]:
        # Standings and offered channels go with the participant: they are derived or part of it,
        # and nobody edits them in the admin, so they never stand in the way.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Participant) -> None:
        participant_remove(participant=obj, user=request_user(request), source=SOURCE)


@admin.register(Membership)
class MembershipAdmin(OrganiserOnlyMixin, ServiceAdmin):
    """Which company user reads which participant's dashboard: added and removed, never changed."""

    form = MembershipForm
    list_display = ["user", "participant", "edition", "created_at"]
    list_filter = ["participant__edition"]
    list_select_related = ["user", "participant__edition"]
    search_fields = ["user__username", "participant__name"]
    autocomplete_fields = ["user", "participant"]
    fields = ["user", "participant"]
    actions = ["send_invitation"]

    @admin.display(description=_("edition"), ordering="participant__edition__year")
    def edition(self, membership: Membership) -> int:
        return membership.participant.edition.year

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form: MembershipForm, change: bool) -> None:
        data = form.cleaned_data
        saved = membership_create(member=data["user"], participant=data["participant"], user=request_user(request), source=SOURCE)
        self._saved_as(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_delete(membership=obj, user=request_user(request), source=SOURCE)

    @admin.action(description=_("E-mail an invitation to the selected company users"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        """One invitation per membership, through the service; a refusal (no e-mail address) is reported, the rest go."""
        site_url = request.build_absolute_uri("/")
        for membership in queryset.select_related("user", "participant__edition"):
            try:
                address = membership_invite(membership=membership, site_url=site_url, user=request_user(request), source=SOURCE)
            except Invalid as invalid:
                self._refused(request, invalid)
                continue
            self.message_user(request, gettext("Invitation sent to %(address)s.") % {"address": address}, messages.SUCCESS)
