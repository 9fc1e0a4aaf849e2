"""Personal API tokens in the admin, for organisers: every account's tokens listed, a token made for a chosen account
(its secret shown once, on the page that answers the save), and tokens revoked by an action. Every write is
award.accounts.tokens' service; the digest is never shown, and nothing here changes a token.

No token is ever deleted here, not even a revoked one: revoking ends it for good, and the row stays as the record of
it, which the history (its making and its revoking), the security log (its id) and "last used" refer to; a leaked
token's use is explained by that row. Tokens go only with their account (deleted with it).

Organisers by their role, not by model permissions: the groups' permissions were given (award 0002) before this
model existed, and a token is a key to an account, which only the role that manages accounts may hand out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from award.accounts.token_forms import AdminTokenForm
from award.accounts.tokens import NewToken, token_create, token_revoke, token_state
from award.admin_base import SOURCE, ServiceAdmin, is_organiser, request_user
from award.models import ApiToken, ApiTokenScope

STATES = {
    "active": pgettext_lazy("API token", "active"),
    "expired": pgettext_lazy("API token", "expired"),
    "revoked": pgettext_lazy("API token", "revoked"),
}
SHOWN = ("user", "name", "scopes_label", "hint", "state", "created_at", "created_by", "expires_at", "last_used_at", "revoked_at")
MADE_WITH = ("user", "name", "scopes", "expires_in_days")


class StateListFilter(admin.SimpleListFilter):
    title = pgettext_lazy("API token", "state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(STATES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    form = AdminTokenForm
    list_display = ["name", "user", "scopes_label", "state", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    list_filter = [StateListFilter]
    search_fields = ["name", "user__username", "hint"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    # Organisers only, whatever permissions a group holds (see the module's docstring).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organiser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_organiser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a token is made, then revoked: never edited (its digest least of all)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked instead, and kept (see the module's docstring)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        return MADE_WITH if obj is None else SHOWN

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> tuple[str, ...]:
        return () if obj is None else SHOWN

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "user":
            # An active account; a superuser's only for a superuser (a token acts with all of its account's rights).
            accounts = User.objects.filter(is_active=True)
            kwargs["queryset"] = accounts if request.user.is_superuser else accounts.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("scopes"))
    def scopes_label(self, token: ApiToken) -> str:
        labels = dict(ApiTokenScope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in token.scopes)

    @admin.display(description=pgettext_lazy("API token", "state"))
    def state(self, token: ApiToken) -> str:
        return str(STATES[token_state(token)])

    def save_model(self, request: HttpRequest, obj: ApiToken, form: AdminTokenForm, change: bool) -> None:
        data = form.cleaned_data
        new = token_create(
            owner=data["user"],
            name=data["name"],
            scopes=data["scopes"],
            days=data["expires_in_days"],
            user=request_user(request),
            source=SOURCE,
        )
        self._saved_as(obj, new.token)
        request._award_new_token = new  # type: ignore[attr-defined]  # for response_add, in this request only

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        """The secret, once: on the page that answers the save, never in a message (which may travel in a cookie)."""
        new: NewToken = request._award_new_token  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": _("The new API token"),
            "subtitle": None,
            "opts": self.opts,
            "new": new,
            "state": STATES[token_state(new.token)],
            "scopes": self.scopes_label(new.token),
        }
        response = TemplateResponse(request, "admin/award/apitoken/created.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            token_revoke(token=token, user=request_user(request), source=SOURCE)
            revoked += 1
        message = ngettext("%(n)s token revoked.", "%(n)s tokens revoked.", revoked) % {"n": revoked}
        self.message_user(request, message, messages.SUCCESS)
