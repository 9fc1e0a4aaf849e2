"""Accounts in the admin: judges, organisers and company users, each with one role (the roles table of docs/architecture.md);
their API tokens (token_admin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import models as auth_models
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.admin import HistoryMixin
from award.accounts import token_admin  # noqa: F401  (registers the API tokens' admin)
from award.accounts.forms import OrganiserUserChangeForm, UserCreationWithRoleForm
from award.accounts.services import USER_DETAILS, user_details_set, user_role_set
from award.admin_base import SOURCE, RefusalAsMessageMixin, request_user
from award.selectors import RoleFlags, UserRole, users_with_roles

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

User = get_user_model()


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*UserRole.choices, ("none", _("No role"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[WithAnnotations[auth_models.User, RoleFlags]]
    ) -> QuerySet[WithAnnotations[auth_models.User, RoleFlags]]:
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[WithAnnotations[auth_models.User, RoleFlags]]:
        return users_with_roles(super().get_queryset(request))

    @admin.display(description=_("role"))
    def role_label(self, account: WithAnnotations[auth_models.User, RoleFlags]) -> str:
        if account.in_organisers or (account.is_superuser and not account.in_judges):
            return str(UserRole.ORGANISER.label)
        if account.in_judges:
            return str(UserRole.JUDGE.label)
        return gettext("Company user") if account.has_membership else "—"

    def _restricted(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser

    def get_fieldsets(self, request: HttpRequest, obj: auth_models.User | None = None) -> Any:
        if obj is not None and self._restricted(request):
            return self.organiser_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: auth_models.User | None = None) -> Any:
        if obj is not None and self._restricted(request):
            return ["last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request: HttpRequest, obj: auth_models.User | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None and self._restricted(request):
            kwargs["form"] = OrganiserUserChangeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        # A fresh class per request: see OrganiserUserChangeForm (the only form class that declares it).
        form.request_user = request_user(request)  # type: ignore[attr-defined]  # set on whichever form class Django built
        return form

    def has_change_permission(self, request: HttpRequest, obj: auth_models.User | None = None) -> bool:
        # Whoever may change a superuser (or set their password) has their rights.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: auth_models.User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: auth_models.User, form: Any, change: bool) -> None:
        role = form.cleaned_data.get("role")
        if not change:
            super().save_model(request, obj, form, change)  # Django's form sets the password
            user_role_set(account=obj, role=role, user=request_user(request), source=SOURCE, note=gettext("account created"))
            return
        if not self._restricted(request):
            super().save_model(request, obj, form, change)
            return
        details = {key: form.cleaned_data[key] for key in USER_DETAILS if key in form.cleaned_data}
        user_details_set(account=obj, values=details, user=request_user(request), source=SOURCE)
        if role and "role" in form.changed_data:
            user_role_set(account=obj, role=role, user=request_user(request), source=SOURCE)
