"""The organisers' workplace in the admin: editions, classes, participants, memberships, accounts, publishing.

Every write goes through award.services (rules, history, data versions), so a
rule is written once: the forms check with the same helper the service uses
and show a refusal next to its field; the admin only calls the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from award import admin_views
from award.admin_history import HistoryMixin
from award.forms import (
    AwardClassForm,
    EditionForm,
    MembershipForm,
    OrganiserUserChangeForm,
    ParticipantForm,
    UserCreationWithRoleForm,
)
from award.models import AwardClass, ChangeRecord, Edition, Membership, Participant, Publication, PublicationKind
from award.selectors import UserRole, user_is_organiser, users_with_roles
from award.services import (
    USER_DETAILS,
    Invalid,
    class_ensure,
    class_remove,
    class_rename,
    edition_upsert,
    membership_create,
    membership_delete,
    membership_invite,
    participant_remove,
    participant_rename,
    participant_upsert,
    user_details_set,
    user_role_set,
)

SOURCE = "admin"


def is_organiser(request: HttpRequest) -> bool:
    """Whether the request's user is an organiser (a superuser counts as one); asked once per request."""
    cached = getattr(request, "_award_is_organiser", None)
    if cached is None:
        cached = user_is_organiser(request.user)
        request._award_is_organiser = cached  # type: ignore[attr-defined]
    return cached


def require_organiser(request: HttpRequest) -> None:
    if not is_organiser(request):
        raise PermissionDenied


class ReadOnlyMixin:
    """Pages that only read: every write goes through a service."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class OrganiserOnlyMixin:
    """Only organisers see or do anything here, whatever permissions another group is given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_organiser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class RefusalAsMessageMixin:
    """For admins whose writes are service calls: a refusal the form could not foresee (a race) is a message, not a 500.

    The admin's own transaction around the view is rolled back first.
    """

    def _refused(self, request: HttpRequest, invalid: Invalid) -> None:
        for reasons in invalid.errors.values():
            for reason in reasons:
                self.message_user(request, reason, messages.ERROR)  # type: ignore[attr-defined]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except Invalid as invalid:
            self._refused(request, invalid)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except Invalid as invalid:
            self._refused(request, invalid)
            opts = self.opts  # type: ignore[attr-defined]
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[object_id])  # type: ignore[attr-defined]
            return HttpResponseRedirect(url)


class ServiceAdmin(RefusalAsMessageMixin, HistoryMixin, admin.ModelAdmin):
    """An admin that writes through services only, and shows the objects' ChangeRecords as their history."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass the services' rules and history.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @staticmethod
    def _saved_as(obj: Any, saved: Any) -> None:
        """Let the admin's redirect and log find the row the service wrote."""
        obj.pk = saved.pk
        obj._state.adding = False


# Editions ------------------------------------------------------------------


@admin.register(Edition)
class EditionAdmin(OrganiserOnlyMixin, ServiceAdmin):
    form = EditionForm
    list_display = [
        "year",
        "name",
        "starts_on",
        "ends_on",
        "min_contacts_per_channel",
        "publish_rankings",
        "data_version",
        "tools",
    ]
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
            reverse("admin:award_edition_overview", args=[edition.pk]),
            gettext("Overview"),
            reverse("admin:award_edition_publish", args=[edition.pk, PublicationKind.INTERIM]),
            gettext("Publish interim"),
            reverse("admin:award_edition_publish", args=[edition.pk, PublicationKind.FINAL]),
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
            user=request.user,
            source=SOURCE,
        )
        self._saved_as(obj, edition)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/overview/", wrap(self.overview_view), name="award_edition_overview"),
            path("<path:object_id>/publish/<str:kind>/", wrap(self.publish_preview_view), name="award_edition_publish"),
            path(
                "<path:object_id>/publish/<str:kind>/confirm/",
                wrap(self.publish_confirm_view),
                name="award_edition_publish_confirm",
            ),
            *super().get_urls(),
        ]

    def _edition(self, request: HttpRequest, object_id: str, kind: str | None = None) -> Edition:
        require_organiser(request)
        if kind is not None and kind not in PublicationKind.values:
            raise Http404
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            raise Http404
        return edition

    def overview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return admin_views.edition_overview_view(request, model_admin=self, edition=self._edition(request, object_id))

    def publish_preview_view(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        edition = self._edition(request, object_id, kind)
        return admin_views.publish_preview_view(request, model_admin=self, edition=edition, kind=kind)

    def publish_confirm_view(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        edition = self._edition(request, object_id, kind)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return admin_views.publish_confirm_view(request, model_admin=self, edition=edition, kind=kind)


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
            saved = class_rename(award_class=obj, name=name, user=request.user, source=SOURCE)
        else:
            saved, _created = class_ensure(edition=form.cleaned_data["edition"], name=name, user=request.user, source=SOURCE)
        self._saved_as(obj, saved)

    def delete_model(self, request: HttpRequest, obj: AwardClass) -> None:
        class_remove(award_class=obj, user=request.user, source=SOURCE)


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
        return super().get_queryset(request).with_channels()

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
            participant_rename(participant=obj, name=data["name"], user=request.user, source=SOURCE)
        else:
            edition = data["edition"]
        saved, _outcome = participant_upsert(
            edition=edition,
            name=data["name"],
            award_class=data["award_class"],
            channels=data["channels"],
            user=request.user,
            source=SOURCE,
        )
        self._saved_as(obj, saved)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], list[Any]]:
        # Standings and offered channels go with the participant: they are derived or part of it,
        # and nobody edits them in the admin, so they never stand in the way.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Participant) -> None:
        participant_remove(participant=obj, user=request.user, source=SOURCE)


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
        saved = membership_create(member=data["user"], participant=data["participant"], user=request.user, source=SOURCE)
        self._saved_as(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_delete(membership=obj, user=request.user, source=SOURCE)

    @admin.action(description=_("E-mail an invitation to the selected company users"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        """One invitation per membership, through the service; a refusal (no e-mail address) is reported, the rest go."""
        site_url = request.build_absolute_uri("/")
        for membership in queryset.select_related("user", "participant__edition"):
            try:
                address = membership_invite(membership=membership, site_url=site_url, user=request.user, source=SOURCE)
            except Invalid as invalid:
                self._refused(request, invalid)
                continue
            self.message_user(request, gettext("Invitation sent to %(address)s.") % {"address": address}, messages.SUCCESS)


# Publications and history: read only --------------------------------------------


@admin.register(Publication)
class PublicationAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["edition", "kind", "published_at", "digest", "supersedes", "json_link"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition", "supersedes", "supersedes__edition"]
    fields = [
        "edition",
        "kind",
        "published_at",
        "published_by",
        "digest",
        "links",
        "data_version",
        "supersedes",
        "correction_reason",
        "inputs_digest",
        "payload",
    ]
    readonly_fields = ["links"]

    def get_urls(self) -> list[Any]:
        return [
            path("<path:object_id>/json/", self.admin_site.admin_view(self.json_view), name="award_publication_json"),
            *super().get_urls(),
        ]

    def json_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The stored payload byte for byte: its sha256 is the digest."""
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404
        if not self.has_view_permission(request, publication):
            raise PermissionDenied
        return HttpResponse(publication.payload.encode("utf-8"), content_type="application/json; charset=utf-8")

    @admin.display(description=_("JSON"))
    def json_link(self, publication: Publication) -> str:
        return format_html('<a href="{}">{}</a>', reverse("admin:award_publication_json", args=[publication.pk]), gettext("JSON"))

    @admin.display(description=_("links"))
    def links(self, publication: Publication) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:award_publication_json", args=[publication.pk]),
            gettext("This publication's JSON"),
            reverse(f"api:{publication.kind}", args=[publication.edition.year]),
            gettext("The public API (the latest publication of this kind)"),
        )


@admin.register(ChangeRecord)
class ChangeRecordAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["at", "object_repr", "action", "source", "user"]
    list_filter = ["source", "action", "content_type"]
    list_select_related = ["user", "content_type"]


# Accounts: judges, organisers and company users -----------------------------------

User = get_user_model()


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*UserRole.choices, ("none", _("No role"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == UserRole.ORGANISER:
            return queryset.filter(in_organisers=True) | queryset.filter(is_superuser=True, in_judges=False)
        if value == UserRole.JUDGE:
            return queryset.filter(in_judges=True, in_organisers=False)
        if value == UserRole.COMPANY:
            return queryset.filter(in_organisers=False, in_judges=False, is_superuser=False, has_membership=True)
        if value == "none":
            return queryset.filter(in_organisers=False, in_judges=False, is_superuser=False, has_membership=False)
        return queryset


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(RefusalAsMessageMixin, HistoryMixin, DjangoUserAdmin):
    """Django's user admin with roles: an organiser creates judges; only a superuser grants rights beyond a role."""

    add_form = UserCreationWithRoleForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2", "role")}),)
    organiser_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "email", "first_name", "last_name", "role_label", "is_active"]
    list_filter = [RoleListFilter, "is_active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return users_with_roles(super().get_queryset(request))

    @admin.display(description=_("role"))
    def role_label(self, account: Any) -> str:
        if account.in_organisers or (account.is_superuser and not account.in_judges):
            return str(UserRole.ORGANISER.label)
        if account.in_judges:
            return str(UserRole.JUDGE.label)
        return gettext("Company user") if account.has_membership else "—"

    def _restricted(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and self._restricted(request):
            return self.organiser_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and self._restricted(request):
            return ["last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None and self._restricted(request):
            kwargs["form"] = OrganiserUserChangeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a fresh class per request: see OrganiserUserChangeForm
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may change a superuser (or set their password) has their rights.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        role = form.cleaned_data.get("role")
        if not change:
            super().save_model(request, obj, form, change)  # Django's form sets the password
            user_role_set(account=obj, role=role, user=request.user, source=SOURCE, note=gettext("account created"))
            return
        if not self._restricted(request):
            super().save_model(request, obj, form, change)
            return
        details = {key: form.cleaned_data[key] for key in USER_DETAILS if key in form.cleaned_data}
        user_details_set(account=obj, values=details, user=request.user, source=SOURCE)
        if role and "role" in form.changed_data:
            user_role_set(account=obj, role=role, user=request.user, source=SOURCE)
